/**
 * TLS (issue 13 part 4) against the real `troupe start --tls-cert --tls-key`, on both
 * transports, with a certificate made by the test (`testing/tls-cert.ts`) that the clients
 * trust as their only root: WSS hello/sub/ev with the event published over HTTPS, healthz, an
 * SSE stream over HTTPS, --http-port over HTTPS, plain clients refused, gateway workers, and
 * the one-line start errors.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import WebSocket from 'ws';
import { eventually } from '../testing/eventually';
import { httpsFetch } from '../testing/https-fetch';
import { SseClient } from '../testing/sse-client';
import { selfSignedCert, writeTestCert } from '../testing/tls-cert';
import { BIN, publishHttp, startNode, TestClient, type Node } from './harness';

const certs = writeTestCert();
const TLS = ['--tls-cert', certs.certFile, '--tls-key', certs.keyFile];
const fetchTls = httpsFetch(certs.cert);

const publish = (node: Node, topic: string, data: unknown) =>
  publishHttp(node, topic, data, fetchTls);

/** How a plain client fares against a TLS port: it must never open. */
function plainAttempt(url: string): Promise<string> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url);
    ws.once('open', () => {
      ws.terminate();
      resolve('open');
    });
    ws.once('error', (e) => resolve(e.message));
  });
}

describe.each(['uws', 'ws'] as const)(
  'troupe start --tls-cert --tls-key --transport %s',
  (transport) => {
    let node: Node;

    beforeAll(async () => {
      node = await startNode(['--transport', transport, '--log-level', 'info', ...TLS]);
    });
    afterAll(async () => {
      await node.stop();
    });

    it('keeps the listening line and says tls: true in the troupe ready log', async () => {
      expect(node.stdout.some((l) => /^listening ws 127\.0\.0\.1:\d+$/.test(l))).toBe(true);
      expect(node.ws).toMatch(/^wss:\/\//);
      // The log line follows the last `listening` line.
      const ready = () =>
        node.stderr
          .join('')
          .split('\n')
          .filter((l) => l.includes('"troupe ready"'))
          .map((l) => JSON.parse(l) as { tls: boolean; transport: string });
      await eventually(() => ready().length > 0, 5000, 'troupe ready');
      expect(ready()).toEqual([expect.objectContaining({ tls: true, transport })]);
    });

    it('gives a wss:// client hello, a sub ack and an event published over https', async () => {
      const c = await TestClient.connect(node.ws, { ca: certs.cert });
      expect(c.hello.op).toBe('hello');
      expect(await c.request({ op: 'sub', id: 1, topic: 'tls:a' })).toMatchObject({ op: 'ack' });
      await publish(node, 'tls:a', { n: 1 });
      const [ev] = await c.events('tls:a', 1);
      expect(ev).toMatchObject({ op: 'ev', topic: 'tls:a', data: { n: 1 }, seq: 1 });
      c.close();
    });

    it('answers GET https://.../healthz', async () => {
      const res = await fetchTls(`${node.http}/healthz`);
      expect(res.status).toBe(200);
    });

    it('streams an event to an SSE client over https', async () => {
      const sse = await SseClient.open(`${node.http}/v1/sse?topic=tls:s`, {}, fetchTls);
      expect(sse.status).toBe(200);
      await sse.next((e) => e.event === 'ack');
      await publish(node, 'tls:s', 'over tls');
      await sse.next((e) => e.event === 'ev');
      expect(sse.evs().map((e) => e.data)).toEqual(['over tls']);
      sse.close();
    });

    it('refuses a plain ws:// client and a plain http:// request on the TLS port', async () => {
      const plain = node.ws.replace(/^wss:/, 'ws:');
      expect(await plainAttempt(plain)).toMatch(/socket hang up|ECONNRESET/);
      await expect(fetch(node.http.replace(/^https:/, 'http:') + '/healthz')).rejects.toThrow();
    });

    it('refuses a wss:// client that does not trust the certificate', async () => {
      await expect(TestClient.connect(node.ws)).rejects.toThrow(/self-signed|self signed/);
    });
  },
);

describe('troupe start --tls-cert with --http-port', () => {
  it('serves the HTTP port over https too', async () => {
    const node = await startNode([...TLS, '--http-port', '0'], {}, [
      'ws',
      'publish',
      'http',
      'admin',
    ]);
    try {
      expect(node.http).toMatch(/^https:\/\//);
      expect((await fetchTls(`${node.http}/healthz`)).status).toBe(200);
      await publish(node, 'tls:h', 1);
      await expect(fetch(node.http.replace(/^https:/, 'http:') + '/healthz')).rejects.toThrow();
    } finally {
      await node.stop();
    }
  });
});

describe('troupe start --role dispatcher --tls-cert', () => {
  it('serves its HTTP endpoints (on --port) over https', async () => {
    const args = ['--role', 'dispatcher', '--cluster-secret', 's', '--link-port', '0', ...TLS];
    const node = await startNode(args, {}, ['publish', 'link', 'http', 'admin']);
    try {
      expect(node.http).toMatch(/^https:\/\//);
      expect((await fetchTls(`${node.http}/healthz`)).status).toBe(200);
    } finally {
      await node.stop();
    }
  });
});

describe('troupe start --tls-cert with --workers 2', () => {
  it('serves wss:// from every worker', async () => {
    const node = await startNode([...TLS, '--workers', '2', '--link-port', '0']);
    try {
      const clients = await Promise.all(
        [1, 2, 3, 4].map(() => TestClient.connect(node.ws, { ca: certs.cert })),
      );
      for (const c of clients) {
        expect(await c.request({ op: 'sub', id: 1, topic: 'tls:w' })).toMatchObject({ op: 'ack' });
      }
      await publish(node, 'tls:w', 'all');
      for (const c of clients) expect((await c.events('tls:w', 1))[0]!.data).toBe('all');
      for (const c of clients) c.close();
    } finally {
      await node.stop();
    }
  });
});

describe('troupe start with unusable TLS settings', () => {
  const dir = path.dirname(certs.certFile);
  const garbage = path.join(dir, 'garbage.pem');
  writeFileSync(garbage, 'not a certificate\n');
  const otherKey = path.join(dir, 'other-key.pem');
  writeFileSync(otherKey, selfSignedCert().key);
  const missing = path.join(dir, 'missing.pem');

  it.each([
    [['--tls-cert', certs.certFile], '--tls-key: --tls-cert needs --tls-key (TROUPE_TLS_KEY) too'],
    [['--tls-key', certs.keyFile], '--tls-cert: --tls-key needs --tls-cert (TROUPE_TLS_CERT) too'],
    [['--tls-cert', missing, '--tls-key', certs.keyFile], `--tls-cert: ${missing}: no such file`],
    [
      ['--tls-cert', garbage, '--tls-key', certs.keyFile],
      `--tls-cert: ${garbage}: holds no PEM certificate (BEGIN CERTIFICATE)`,
    ],
    [
      ['--tls-cert', certs.certFile, '--tls-key', garbage],
      `--tls-key: ${garbage}: holds no PEM private key (BEGIN PRIVATE KEY)`,
    ],
    [
      ['--tls-cert', certs.certFile, '--tls-key', otherKey],
      `--tls-key: ${otherKey}: is not the key of ${certs.certFile}`,
    ],
  ])('exits 2 with one line for %j', (args, line) => {
    const run = spawnSync(
      process.execPath,
      [BIN, 'start', '--port', '0', '--publish-port', '0', '--admin', 'none', ...args],
      { encoding: 'utf8', timeout: 15_000 },
    );
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(`troupe: ${line}\n`);
    expect(run.stdout).toBe('');
  });
});
