import { AuthThrottle, PublisherAuth } from '../auth';
import { OriginPolicy } from '../gateway/origins';
import http from 'node:http';
import net from 'node:net';
import { pack } from 'msgpackr';
import { handleHttp, type HttpDeps } from '../gateway/http-routes';
import { HttpServer } from './http-server';

const MiB = 1024 * 1024;

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

interface Setup {
  port: number;
  server: HttpServer;
  published: { topic: string; data: unknown }[];
  setReady(v: boolean): void;
  failPublish(e: Error | undefined): void;
}

const servers: HttpServer[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function start(over: Partial<HttpDeps> = {}): Promise<Setup> {
  const published: Setup['published'] = [];
  let ready = true;
  let failure: Error | undefined;
  const deps: HttpDeps = {
    ready: () => ready,
    metrics: () => Promise.resolve('# HELP troupe_up up\n# TYPE troupe_up gauge\ntroupe_up 1\n'),
    dispatcher: {
      publish: (topic, data) => {
        if (failure !== undefined) return Promise.reject(failure);
        published.push({ topic, data });
        return Promise.resolve({ seq: published.length, epoch: 'E1' });
      },
    },
    httpPublish: true,
    publisherAuth: new PublisherAuth({ throttle: new AuthThrottle() }),
    origins: new OriginPolicy(['*']),
    ...over,
  };
  const server = new HttpServer((req) => handleHttp(deps, req));
  servers.push(server);
  const port = await server.listen('127.0.0.1', 0);
  return {
    port,
    server,
    published,
    setReady: (v) => (ready = v),
    failPublish: (e) => (failure = e),
  };
}

/** One request on its own connection; resolves with the answer, rejects on a socket error. */
function request(
  port: number,
  path: string,
  opts: { method?: string; headers?: Record<string, string>; body?: Buffer | string } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: opts.method ?? 'GET',
        headers: opts.headers,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

function postJson(port: number, body: unknown): Promise<Reply> {
  return request(port, '/v1/publish', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

/** A JSON publish body of exactly `size` bytes. */
function publishBodyOfSize(size: number): string {
  const empty = JSON.stringify({ topic: 'big', data: '' });
  return JSON.stringify({ topic: 'big', data: 'x'.repeat(size - empty.length) });
}

describe('HttpServer', () => {
  describe('#listen', () => {
    it('resolves with the port it bound on 127.0.0.1', async () => {
      const { port } = await start();
      expect(port).toBeGreaterThan(0);
      await expect(request(port, '/healthz')).resolves.toMatchObject({ status: 200 });
    });

    it('rejects when the port is taken', async () => {
      const { port } = await start();
      const second = new HttpServer(() => Promise.reject(new Error('unused')));
      await expect(second.listen('127.0.0.1', port)).rejects.toMatchObject({ code: 'EADDRINUSE' });
    });
  });

  describe('GET /healthz', () => {
    it('answers 200 ok', async () => {
      const { port } = await start();
      const r = await request(port, '/healthz');
      expect(r.status).toBe(200);
      expect(r.body).toBe('ok\n');
    });
  });

  describe('GET /readyz', () => {
    it('answers 200 when ready and 503 when not', async () => {
      const s = await start();
      expect((await request(s.port, '/readyz')).status).toBe(200);
      s.setReady(false);
      const r = await request(s.port, '/readyz');
      expect(r.status).toBe(503);
      expect(r.body).toBe('not ready\n');
    });
  });

  describe('GET /metrics', () => {
    it('answers the exposition text of deps.metrics with the Prometheus content type', async () => {
      const { port } = await start();
      const r = await request(port, '/metrics');
      expect(r.status).toBe(200);
      expect(r.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
      expect(r.body).toContain('troupe_up 1\n');
    });

    it('answers 500 when deps.metrics fails', async () => {
      const { port } = await start({ metrics: () => Promise.reject(new Error('boom')) });
      expect((await request(port, '/metrics')).status).toBe(500);
    });
  });

  describe('POST /v1/publish', () => {
    it('publishes a JSON body and answers its seq and epoch', async () => {
      const s = await start();
      const r = await postJson(s.port, { topic: 'room/1', data: { text: 'hi' } });
      expect(r.status).toBe(200);
      expect(JSON.parse(r.body)).toEqual({ seq: 1, epoch: 'E1' });
      expect(s.published).toEqual([{ topic: 'room/1', data: { text: 'hi' } }]);
    });

    it('publishes a msgpack body sent with content-type application/msgpack', async () => {
      const s = await start();
      const r = await request(s.port, '/v1/publish', {
        method: 'POST',
        headers: { 'content-type': 'application/msgpack' },
        body: pack({ topic: 'room/2', data: [1, 2] }),
      });
      expect(r.status).toBe(200);
      expect(s.published).toEqual([{ topic: 'room/2', data: [1, 2] }]);
    });

    it('answers 503 when the dispatcher tier rejects the publish', async () => {
      const s = await start();
      s.failPublish(new Error('no dispatcher is reachable'));
      const r = await postJson(s.port, { topic: 'room/1', data: 1 });
      expect(r.status).toBe(503);
      expect(JSON.parse(r.body)).toMatchObject({ code: 503 });
    });

    it('answers 405 to a GET', async () => {
      const { port } = await start();
      expect((await request(port, '/v1/publish')).status).toBe(405);
    });

    it('accepts a body of exactly 1 MiB', async () => {
      const s = await start();
      const body = publishBodyOfSize(MiB);
      expect(Buffer.byteLength(body)).toBe(MiB);
      const r = await request(s.port, '/v1/publish', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      expect(r.status).toBe(200);
      expect(s.published).toHaveLength(1);
    });

    it('answers 413 to a body over 1 MiB and publishes nothing', async () => {
      const s = await start();
      const r = await request(s.port, '/v1/publish', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: publishBodyOfSize(MiB + 1),
      });
      expect(r.status).toBe(413);
      expect(s.published).toEqual([]);
    });

    it('keeps serving after refusing a body over 1 MiB', async () => {
      const s = await start();
      await request(s.port, '/v1/publish', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: publishBodyOfSize(2 * MiB),
      }).catch(() => undefined);
      expect((await postJson(s.port, { topic: 'a', data: 1 })).status).toBe(200);
    });
  });

  describe('unknown paths', () => {
    it('answers 404', async () => {
      const { port } = await start();
      expect((await request(port, '/nope')).status).toBe(404);
    });
  });

  describe('#close', () => {
    it('closes idle keep-alive connections and stops listening', async () => {
      const s = await start();
      const sock = net.connect({ host: '127.0.0.1', port: s.port });
      await new Promise((resolve) => sock.once('connect', resolve));
      const closed = new Promise((resolve) => sock.once('close', resolve));
      sock.on('error', () => undefined);
      sock.write('GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n');
      await new Promise((resolve) => sock.once('data', resolve));
      await s.server.close();
      servers.splice(servers.indexOf(s.server), 1);
      await closed;
      await expect(request(s.port, '/healthz')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    });
  });
});
