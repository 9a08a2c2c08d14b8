import { AuthThrottle, JwtVerifier, PublisherAuth, staticToken } from '../auth';
import { seconds, sign } from '../testing/auth-keys';
import { OriginPolicy } from './origins';
import { pack, Packr } from 'msgpackr';
import type { PublishResult } from '../dispatcher/types';
import { NullDispatcher } from '../testing/doubles';
import { DispatcherUnavailableError } from '../dispatcher/errors';
import { encodeFrame, payloadBytes } from '../protocol';
import { asset } from './client-bundle';
import { handleHttp, type HttpDeps } from './http-routes';
import type { HttpRequest, HttpResponse } from './transport';
import { WIDE_BIGINT, withRawData } from '../testing/poison';

/** Records publishes and answers them with a rising seq, or rejects when told to. */
class FakeDispatcher extends NullDispatcher {
  readonly published: Array<{ topic: string; data: unknown }> = [];
  /** The size each publish came with, in order. */
  readonly sizes: Array<number | undefined> = [];
  failWith: Error | undefined;

  override publish(topic: string, data: unknown, bytes?: number): Promise<PublishResult> {
    if (this.failWith !== undefined) return Promise.reject(this.failWith);
    this.published.push({ topic, data });
    this.sizes.push(bytes);
    return Promise.resolve({ seq: this.published.length, epoch: 'ep1' });
  }
}

interface Setup {
  deps: HttpDeps;
  d: FakeDispatcher;
  setReady(v: boolean): void;
}

const APP_ONLY = new OriginPolicy(['https://app.example']);

/** A CORS preflight of `POST /v1/publish` from `origin`, to a node allowing APP_ONLY. */
function preflight(origin: string): Promise<HttpResponse> {
  const { deps } = setup({ origins: APP_ONLY });
  return handleHttp(deps, req('/v1/publish', { method: 'OPTIONS', headers: { origin } }));
}

function setup(over: Partial<Omit<HttpDeps, 'dispatcher'>> = {}): Setup {
  const d = new FakeDispatcher();
  let ready = true;
  const deps: HttpDeps = {
    ready: () => ready,
    metrics: () => Promise.resolve('# HELP troupe_up 1\ntroupe_up 1\n'),
    dispatcher: d,
    httpPublish: true,
    publisherAuth: new PublisherAuth({ throttle: new AuthThrottle() }),
    origins: new OriginPolicy(['*']),
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

/** `POST /v1/publish` with a msgpack body. */
function postMsgpack(body: Buffer): HttpRequest {
  return req('/v1/publish', {
    method: 'POST',
    headers: { 'content-type': 'application/msgpack' },
    body,
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

  describe('GET /v1/client.js', () => {
    it('serves the client bundle, with CORS headers for an allowed origin', async () => {
      const body = Buffer.from('export {};');
      const { deps } = setup({ clientBundle: { module: asset(body), classic: asset(body) } });
      const res = await handleHttp(
        deps,
        req('/v1/client.js', { headers: { origin: 'https://a.example' } }),
      );
      expect(res.status).toBe(200);
      expect(res.body).toEqual(body);
      expect(res.headers?.['access-control-allow-origin']).toBe('https://a.example');
    });

    it('answers 404 where the bundle was not built', async () => {
      const { deps } = setup();
      expect((await handleHttp(deps, req('/v1/client.js'))).status).toBe(404);
    });
  });

  describe('GET /', () => {
    it('serves the demo page where the node has one', async () => {
      const demoPage = { page: asset(Buffer.from('<h1>live</h1>')), csp: "default-src 'none'" };
      const res = await handleHttp(setup({ demoPage }).deps, req('/'));
      expect(res.status).toBe(200);
      expect(res.body.toString()).toBe('<h1>live</h1>');
      expect(res.headers?.['content-security-policy']).toBe("default-src 'none'");
    });

    it('answers 404 without one (--no-demo, other roles)', async () => {
      expect((await handleHttp(setup().deps, req('/'))).status).toBe(404);
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

    it('answers 404 where --metrics-port serves them instead', async () => {
      const { deps } = setup({ metrics: undefined });
      const res = await handleHttp(deps, req('/metrics'));
      expect(res.status).toBe(404);
      expect(JSON.parse(text(res))).toEqual({
        error: 'metrics are served on the --metrics-port',
        code: 404,
      });
    });
  });

  describe('GET /metrics with --metrics-token', () => {
    it('answers 401 with a Bearer challenge without the token or with a wrong one', async () => {
      const { deps } = setup({ metricsToken: staticToken('m-secret') });
      const attempts: Record<string, string>[] = [{}, { authorization: 'Bearer nope' }];
      for (const headers of attempts) {
        const res = await handleHttp(deps, req('/metrics', { headers }));
        expect(res.status).toBe(401);
        expect(res.headers?.['www-authenticate']).toMatch(/^Bearer/);
        expect(text(res)).not.toContain('troupe_up');
      }
    });

    it('answers the metrics with the token, and leaves the health checks open', async () => {
      const { deps } = setup({ metricsToken: staticToken('m-secret') });
      const ok = await handleHttp(
        deps,
        req('/metrics', { headers: { authorization: 'Bearer m-secret' } }),
      );
      expect(ok.status).toBe(200);
      expect(text(ok)).toContain('troupe_up');
      expect((await handleHttp(deps, req('/healthz'))).status).toBe(200);
      expect((await handleHttp(deps, req('/readyz'))).status).toBe(200);
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

    it.each([undefined, 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data'])(
      'answers 415 to a body of content type %s and publishes nothing',
      async (type) => {
        const { deps, d } = setup();
        const headers: Record<string, string> = type === undefined ? {} : { 'content-type': type };
        const res = await handleHttp(
          deps,
          req('/v1/publish', { method: 'POST', headers, body: '{"topic":"t","data":1}' }),
        );
        expect(res.status).toBe(415);
        expect(d.published).toEqual([]);
      },
    );

    it('takes application/json with parameters', async () => {
      const { deps, d } = setup();
      const res = await handleHttp(
        deps,
        post({ topic: 't', data: 1 }, { 'content-type': 'Application/JSON; charset=utf-8' }),
      );
      expect(res.status).toBe(200);
      expect(d.published).toEqual([{ topic: 't', data: 1 }]);
    });

    it("answers 403 to a topic the JWT's pub claim does not cover, 200 to one it does", async () => {
      const secret = 'a-secret-of-at-least-thirty-two-bytes!!';
      const jwt = new JwtVerifier({ secret });
      const { deps, d } = setup({
        publisherAuth: new PublisherAuth({ jwt, throttle: new AuthThrottle() }),
      });
      const token = await sign(
        { sub: 'svc', exp: seconds(Date.now()) + 60, pub: ['live:*'] },
        new TextEncoder().encode(secret),
        'HS256',
      );
      const authorization = `Bearer ${token}`;
      expect(
        (await handleHttp(deps, post({ topic: 'x', data: 1 }, { authorization }))).status,
      ).toBe(403);
      const ok = await handleHttp(deps, post({ topic: 'live:1', data: 1 }, { authorization }));
      expect(ok.status).toBe(200);
      expect(d.published).toEqual([{ topic: 'live:1', data: 1 }]);
    });

    it('answers 429 once an address has failed too often', async () => {
      const throttle = new AuthThrottle({ burst: 1 });
      const { deps } = setup({ publisherAuth: new PublisherAuth({ authToken: 'k', throttle }) });
      const guess = () =>
        handleHttp(deps, {
          ...post({ topic: 't', data: 1 }, { authorization: 'Bearer guess' }),
          remoteAddress: '10.0.0.9',
        });
      expect((await guess()).status).toBe(401);
      expect((await guess()).status).toBe(429);
    });

    it('answers 403 to an origin not allowed, on any path', async () => {
      const { deps, d } = setup({ origins: APP_ONLY });
      const headers = { origin: 'https://evil.example' };
      expect((await handleHttp(deps, post({ topic: 't', data: 1 }, headers))).status).toBe(403);
      expect((await handleHttp(deps, req('/healthz', { headers }))).status).toBe(403);
      expect(d.published).toEqual([]);
    });

    it('serves a request without an Origin header', async () => {
      const { deps } = setup({ origins: new OriginPolicy([]) });
      const res = await handleHttp(deps, post({ topic: 't', data: 1 }));
      expect(res.status).toBe(200);
      expect(res.headers?.['access-control-allow-origin']).toBeUndefined();
    });

    it('answers a preflight of an allowed origin with 204 and the CORS headers', async () => {
      const res = await preflight('https://app.example');
      expect(res.status).toBe(204);
      expect(res.headers).toMatchObject({
        'access-control-allow-origin': 'https://app.example',
        'access-control-allow-methods': 'GET, POST',
        'access-control-allow-headers': 'authorization, content-type, last-event-id',
        'access-control-max-age': '600',
      });
    });

    it('answers a preflight of another origin with 403', async () => {
      expect((await preflight('https://evil.example')).status).toBe(403);
    });

    it('names an allowed origin in access-control-allow-origin', async () => {
      const { deps } = setup({ origins: APP_ONLY });
      const res = await handleHttp(
        deps,
        post({ topic: 't', data: 1 }, { origin: 'https://app.example' }),
      );
      expect(res.status).toBe(200);
      expect(res.headers?.['access-control-allow-origin']).toBe('https://app.example');
    });

    it('publishes a msgpack body sent with content-type application/msgpack', async () => {
      const { deps, d } = setup();
      const body = encodeFrame({ topic: 't', data: { n: [1, 2] } }).subarray(4);
      const res = await handleHttp(deps, postMsgpack(body));
      expect(res.status).toBe(200);
      expect(jsonBody(res)).toMatchObject({ seq: 1 });
      expect(d.published).toEqual([{ topic: 't', data: { n: [1, 2] } }]);
    });

    it('publishes a msgpack body without its undefined map values, with its size', async () => {
      const { deps, d } = setup();
      // A stock msgpack writer: `undefined` goes out as fixext 0 (d4 00 00).
      const body = new Packr({ useRecords: false }).pack({
        topic: 't',
        data: { a: 1, b: undefined, c: [{ d: undefined, e: 2 }] },
      });
      expect(body.includes(Buffer.from([0xd4, 0, 0]))).toBe(true);
      const res = await handleHttp(deps, postMsgpack(body));
      expect(res.status).toBe(200);
      expect(d.published[0]!.data).toStrictEqual({ a: 1, c: [{ e: 2 }] });
      expect(d.sizes).toEqual([payloadBytes({ a: 1, c: [{ e: 2 }] })]);
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
      const res = await handleHttp(deps, postMsgpack(body));
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
      const { deps, d } = setup({ publisherAuth: tokenAuth('sekrit') });
      const res = await handleHttp(deps, post({ topic: 't', data: 1 }));
      expect(res.status).toBe(401);
      expect(jsonBody(res)).toMatchObject({ code: 401 });
      expect(d.published).toEqual([]);
    });

    it('answers 401 with a wrong bearer token', async () => {
      const { deps, d } = setup({ publisherAuth: tokenAuth('sekrit') });
      const res = await handleHttp(
        deps,
        post({ topic: 't', data: 1 }, { authorization: 'Bearer guess' }),
      );
      expect(res.status).toBe(401);
      expect(d.published).toEqual([]);
    });

    it('publishes with the right bearer token', async () => {
      const { deps, d } = setup({ publisherAuth: tokenAuth('sekrit') });
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
      const res = await handleHttp(deps, postMsgpack(body));
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
      const body = withRawData({ topic: 't' }, WIDE_BIGINT);
      const res = await handleHttp(deps, postMsgpack(body));
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

function tokenAuth(authToken: string): PublisherAuth {
  return new PublisherAuth({ authToken, throttle: new AuthThrottle() });
}
