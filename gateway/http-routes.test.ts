import { pack } from 'msgpackr';
import type { DispatcherClient } from '../dispatcher/client';
import type { HistoryAnswer, PublishResult, TopicEvent } from '../dispatcher/types';
import { DispatcherUnavailableError } from '../dispatcher/errors';
import { encodeFrame } from '../protocol';
import { handleHttp, type HttpDeps } from './http-routes';
import type { HttpRequest, HttpResponse } from './transport';

/** Records publishes and answers them with a rising seq, or rejects when told to. */
class FakeDispatcher implements DispatcherClient {
  readonly published: Array<{ topic: string; data: unknown }> = [];
  failWith: Error | undefined;

  setInterest(): void {}

  history(): Promise<HistoryAnswer> {
    return Promise.reject(new Error('not used'));
  }

  publish(topic: string, data: unknown): Promise<PublishResult> {
    if (this.failWith !== undefined) return Promise.reject(this.failWith);
    this.published.push({ topic, data });
    return Promise.resolve({ seq: this.published.length, epoch: 'ep1' });
  }

  onEvents(_sink: (events: readonly TopicEvent[]) => void): void {}

  close(): void {}
}

interface Setup {
  deps: HttpDeps;
  d: FakeDispatcher;
  setReady(v: boolean): void;
}

function setup(over: Partial<Omit<HttpDeps, 'dispatcher'>> = {}): Setup {
  const d = new FakeDispatcher();
  let ready = true;
  const deps: HttpDeps = {
    ready: () => ready,
    metrics: () => Promise.resolve('# HELP troupe_up 1\ntroupe_up 1\n'),
    dispatcher: d,
    httpPublish: true,
    authToken: undefined,
    ...over,
  };
  return { deps, d, setReady: (v) => (ready = v) };
}

function req(
  path: string,
  opts: { method?: string; headers?: Record<string, string>; body?: Buffer | string } = {},
): HttpRequest {
  const body = opts.body ?? Buffer.alloc(0);
  return {
    method: opts.method ?? 'GET',
    path,
    query: new URLSearchParams(),
    headers: opts.headers ?? {},
    body: typeof body === 'string' ? Buffer.from(body, 'utf8') : body,
  };
}

function post(body: unknown, headers: Record<string, string> = {}): HttpRequest {
  return req('/v1/publish', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

function jsonBody(res: HttpResponse): unknown {
  return JSON.parse(typeof res.body === 'string' ? res.body : res.body.toString('utf8'));
}

function text(res: HttpResponse): string {
  return typeof res.body === 'string' ? res.body : res.body.toString('utf8');
}

describe('handleHttp', () => {
  describe('GET /healthz', () => {
    it('answers 200 even when not ready', async () => {
      const { deps, setReady } = setup();
      setReady(false);
      const res = await handleHttp(deps, req('/healthz'));
      expect(res.status).toBe(200);
      expect(text(res)).toBe('ok\n');
    });
  });

  describe('GET /readyz', () => {
    it('answers 200 while ready', async () => {
      const { deps } = setup();
      expect((await handleHttp(deps, req('/readyz'))).status).toBe(200);
    });

    it('answers 503 while not ready', async () => {
      const { deps, setReady } = setup();
      setReady(false);
      const res = await handleHttp(deps, req('/readyz'));
      expect(res.status).toBe(503);
      setReady(true);
      expect((await handleHttp(deps, req('/readyz'))).status).toBe(200);
    });
  });

  describe('GET /metrics', () => {
    it('answers the metrics text with the Prometheus content type', async () => {
      const { deps } = setup();
      const res = await handleHttp(deps, req('/metrics'));
      expect(res.status).toBe(200);
      expect(text(res)).toBe('# HELP troupe_up 1\ntroupe_up 1\n');
      expect(res.headers?.['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    });
  });

  describe('unknown path', () => {
    it('answers 404 with a JSON error', async () => {
      const { deps } = setup();
      const res = await handleHttp(deps, req('/nope'));
      expect(res.status).toBe(404);
      expect(jsonBody(res)).toMatchObject({ code: 404 });
    });
  });

  describe('POST /v1/publish', () => {
    it('publishes a JSON body and answers 200 with the seq', async () => {
      const { deps, d } = setup();
      const res = await handleHttp(deps, post({ topic: 'room:1', data: { text: 'hi' } }));
      expect(res.status).toBe(200);
      expect(res.headers?.['content-type']).toBe('application/json');
      expect(jsonBody(res)).toMatchObject({ seq: 1 });
      expect(d.published).toEqual([{ topic: 'room:1', data: { text: 'hi' } }]);
    });

    it('reads a JSON body without a content type', async () => {
      const { deps, d } = setup();
      const res = await handleHttp(
        deps,
        req('/v1/publish', { method: 'POST', body: '{"topic":"t","data":1}' }),
      );
      expect(res.status).toBe(200);
      expect(d.published).toEqual([{ topic: 't', data: 1 }]);
    });

    it('publishes a msgpack body sent with content-type application/msgpack', async () => {
      const { deps, d } = setup();
      const body = encodeFrame({ topic: 't', data: { n: [1, 2] } }).subarray(4);
      const res = await handleHttp(
        deps,
        req('/v1/publish', {
          method: 'POST',
          headers: { 'content-type': 'application/msgpack' },
          body,
        }),
      );
      expect(res.status).toBe(200);
      expect(jsonBody(res)).toMatchObject({ seq: 1 });
      expect(d.published).toEqual([{ topic: 't', data: { n: [1, 2] } }]);
    });

    // Regression: the body must be read with troupe's one msgpack configuration, as the
    // publisher port reads it (a 64-bit integer is a number, not a bigint).
    it('reads 64-bit integers of a msgpack body as numbers, as the publisher port does', async () => {
      const { deps, d } = setup();
      // {topic: 't', data: 2^32} with data as msgpack uint64 (0xcf).
      const body = Buffer.from([
        0x82, 0xa5, 0x74, 0x6f, 0x70, 0x69, 0x63, 0xa1, 0x74, 0xa4, 0x64, 0x61, 0x74, 0x61, 0xcf, 0,
        0, 0, 1, 0, 0, 0, 0,
      ]);
      const res = await handleHttp(
        deps,
        req('/v1/publish', {
          method: 'POST',
          headers: { 'content-type': 'application/msgpack' },
          body,
        }),
      );
      expect(res.status).toBe(200);
      expect(d.published).toEqual([{ topic: 't', data: 4294967296 }]);
    });

    it('publishes null data', async () => {
      const { deps, d } = setup();
      const res = await handleHttp(deps, post({ topic: 't', data: null }));
      expect(res.status).toBe(200);
      expect(d.published).toEqual([{ topic: 't', data: null }]);
    });

    it('answers 401 without a bearer token when auth is configured', async () => {
      const { deps, d } = setup({ authToken: 'sekrit' });
      const res = await handleHttp(deps, post({ topic: 't', data: 1 }));
      expect(res.status).toBe(401);
      expect(jsonBody(res)).toMatchObject({ code: 401 });
      expect(d.published).toEqual([]);
    });

    it('answers 401 with a wrong bearer token', async () => {
      const { deps, d } = setup({ authToken: 'sekrit' });
      const res = await handleHttp(
        deps,
        post({ topic: 't', data: 1 }, { authorization: 'Bearer guess' }),
      );
      expect(res.status).toBe(401);
      expect(d.published).toEqual([]);
    });

    it('publishes with the right bearer token', async () => {
      const { deps, d } = setup({ authToken: 'sekrit' });
      const res = await handleHttp(
        deps,
        post({ topic: 't', data: 1 }, { authorization: 'Bearer sekrit' }),
      );
      expect(res.status).toBe(200);
      expect(d.published).toHaveLength(1);
    });

    it('answers 400 to a body that is not JSON', async () => {
      const { deps, d } = setup();
      const res = await handleHttp(deps, post('{"topic": "t", '));
      expect(res.status).toBe(400);
      expect(jsonBody(res)).toMatchObject({ code: 400 });
      expect(d.published).toEqual([]);
    });

    it('answers 400 to a msgpack content type with a body that is not msgpack', async () => {
      const { deps } = setup();
      const body = Buffer.concat([pack({ topic: 't', data: 1 }), Buffer.from([0x00])]);
      const res = await handleHttp(
        deps,
        req('/v1/publish', {
          method: 'POST',
          headers: { 'content-type': 'application/msgpack' },
          body,
        }),
      );
      expect(res.status).toBe(400);
    });

    it.each([['[1,2]'], ['null'], ['"text"'], ['42']])(
      'answers 400 to a body that is not an object: %s',
      async (body) => {
        const { deps, d } = setup();
        const res = await handleHttp(deps, post(body));
        expect(res.status).toBe(400);
        expect(d.published).toEqual([]);
      },
    );

    it.each([
      [{ data: 1 }],
      [{ topic: '', data: 1 }],
      [{ topic: 'has space', data: 1 }],
      [{ topic: 7, data: 1 }],
    ])('answers 400 to a bad topic: %j', async (body) => {
      const { deps, d } = setup();
      const res = await handleHttp(deps, post(body));
      expect(res.status).toBe(400);
      expect(jsonBody(res)).toMatchObject({ code: 400 });
      expect(d.published).toEqual([]);
    });

    it('answers 400 to data nested deeper than the limit, and publishes nothing', async () => {
      const { deps, d } = setup();
      const body = `{"topic":"t","data":${'['.repeat(4000)}${']'.repeat(4000)}}`;
      const res = await handleHttp(deps, post(body));
      expect(res.status).toBe(400);
      expect(jsonBody(res)).toMatchObject({ code: 400, error: expect.stringContaining('nested') });
      expect(d.published).toEqual([]);
    });

    it('answers 400 to a msgpack body holding a 128-bit bigint, and publishes nothing', async () => {
      const { deps, d } = setup();
      const head = encodeFrame({ topic: 't', data: 0 }).subarray(4);
      // Replace the trailing data value (0x00) with msgpack ext 0x42 of 16 bytes.
      const body = Buffer.concat([
        head.subarray(0, head.length - 1),
        Buffer.from('d8427f' + '7f'.repeat(15), 'hex'),
      ]);
      const res = await handleHttp(
        deps,
        req('/v1/publish', {
          method: 'POST',
          headers: { 'content-type': 'application/msgpack' },
          body,
        }),
      );
      expect(res.status).toBe(400);
      expect(d.published).toEqual([]);
    });

    it('answers 400 when data is missing', async () => {
      const { deps, d } = setup();
      const res = await handleHttp(deps, post({ topic: 't' }));
      expect(res.status).toBe(400);
      expect(d.published).toEqual([]);
    });

    it('answers 405 to GET', async () => {
      const { deps, d } = setup();
      const res = await handleHttp(deps, req('/v1/publish', { method: 'GET' }));
      expect(res.status).toBe(405);
      expect(jsonBody(res)).toMatchObject({ code: 405 });
      expect(d.published).toEqual([]);
    });

    it('answers 404 when publishing over HTTP is disabled', async () => {
      const { deps, d } = setup({ httpPublish: false });
      const res = await handleHttp(deps, post({ topic: 't', data: 1 }));
      expect(res.status).toBe(404);
      expect(d.published).toEqual([]);
    });

    it('answers 503 when the dispatcher rejects the publish', async () => {
      const { deps, d } = setup();
      d.failWith = new DispatcherUnavailableError('dispatcher is not running');
      const res = await handleHttp(deps, post({ topic: 't', data: 1 }));
      expect(res.status).toBe(503);
      expect(jsonBody(res)).toMatchObject({ code: 503 });
    });
  });
});
