/**
 * Publisher auth and browser safety (PROTOCOL.md §6) against the real `troupe start`: tokens
 * signed in the test with jose (an HS256 secret made here).
 */
import { randomBytes } from 'node:crypto';
import type { JWTPayload } from 'jose';
import { seconds, sign } from '../testing/auth-keys';
import { LISTENERS, startNode, TestClient, TestPublisher, type Node } from './harness';

const SECRET = randomBytes(32).toString('hex');
const PUBLISHER_TOKEN = randomBytes(16).toString('hex');
const APP = 'https://app.example';
const EVIL = 'https://evil.example';

const hs = (claims: JWTPayload) =>
  sign({ exp: seconds(Date.now()) + 60, ...claims }, Buffer.from(SECRET), 'HS256');

function post(node: Node, body: unknown, headers: Record<string, string>): Promise<Response> {
  return fetch(`${node.http}/v1/publish`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

describe('publisher auth and browser safety', () => {
  let node: Node;
  /** A subscriber to `live:*` topics and `other`, proving what was (not) published. */
  let viewer: TestClient;

  beforeAll(async () => {
    node = await startNode([
      '--jwt-secret',
      SECRET,
      '--publisher-token',
      PUBLISHER_TOKEN,
      '--allowed-origins',
      APP,
    ]);
    viewer = await TestClient.connect(
      `${node.ws}?token=${await hs({ sub: 'viewer', topics: ['live:*', 'other'] })}`,
    );
    for (const [id, topic] of [
      [1, 'live:tcp'],
      [2, 'live:http'],
      [3, 'other'],
    ] as const) {
      expect(await viewer.request({ op: 'sub', id, topic })).toMatchObject({ op: 'ack' });
    }
  });
  afterAll(async () => {
    viewer.close();
    await node.stop();
  });

  describe('TCP publishers', () => {
    it("publish to the topics of the JWT's pub claim; err 403 for others, the connection staying", async () => {
      const p = await TestPublisher.connect(node.publishPort);
      p.send({ op: 'auth', token: await hs({ sub: 'svc', pub: ['live:*'] }) });
      p.send({ op: 'pub', topic: 'other', data: 'no', id: 1 });
      expect(await p.reply((m) => m.id === 1)).toMatchObject({ op: 'err', code: 403 });
      p.send({ op: 'pub', topic: 'live:tcp', data: 'yes', id: 2 });
      expect(await p.reply((m) => m.id === 2)).toMatchObject({ op: 'ack' });
      expect((await viewer.events('live:tcp', 1))[0]).toMatchObject({ data: 'yes' });
      p.close();
    });

    it('get err 403 for every topic with a JWT that has no pub claim', async () => {
      const p = await TestPublisher.connect(node.publishPort);
      p.send({ op: 'auth', token: await hs({ sub: 'svc' }) });
      p.send({ op: 'pub', topic: 'live:tcp', data: 'no', id: 1 });
      expect(await p.reply((m) => m.id === 1)).toMatchObject({ op: 'err', code: 403 });
      p.close();
    });

    it('get err 401 without auth', async () => {
      const p = await TestPublisher.connect(node.publishPort);
      p.send({ op: 'pub', topic: 'live:tcp', data: 'no', id: 1 });
      expect(await p.reply((m) => m.id === 1)).toMatchObject({ op: 'err', code: 401 });
      await p.closed;
    });

    it('publish anywhere with --publisher-token', async () => {
      const p = await TestPublisher.connect(node.publishPort);
      p.send({ op: 'auth', token: PUBLISHER_TOKEN });
      p.send({ op: 'pub', topic: 'other', data: 'static', id: 1 });
      expect(await p.reply((m) => m.id === 1)).toMatchObject({ op: 'ack' });
      expect((await viewer.events('other', 1))[0]).toMatchObject({ data: 'static' });
      p.close();
    });
  });

  describe('HTTP publishers', () => {
    it("publish to the topics of the JWT's pub claim and get 403 for others", async () => {
      const authorization = `Bearer ${await hs({ sub: 'svc', pub: ['live:*'] })}`;
      expect((await post(node, { topic: 'other', data: 'no' }, { authorization })).status).toBe(
        403,
      );
      const ok = await post(node, { topic: 'live:http', data: 'yes' }, { authorization });
      expect(ok.status).toBe(200);
      expect((await viewer.events('live:http', 1))[0]).toMatchObject({ data: 'yes' });
    });

    it('get 403 with a JWT without a pub claim, 401 without a token', async () => {
      const authorization = `Bearer ${await hs({ sub: 'svc' })}`;
      expect((await post(node, { topic: 'live:http', data: 0 }, { authorization })).status).toBe(
        403,
      );
      expect((await post(node, { topic: 'live:http', data: 0 }, {})).status).toBe(401);
    });

    it('publish anywhere with --publisher-token', async () => {
      const authorization = `Bearer ${PUBLISHER_TOKEN}`;
      expect((await post(node, { topic: 'other', data: 1 }, { authorization })).status).toBe(200);
      expect((await viewer.events('other', 1))[0]).toMatchObject({ data: 1 });
    });
  });

  describe('origins', () => {
    it('answers 403 to an upgrade from an origin not allowed, even with a good token', async () => {
      const token = await hs({ sub: 'ann', topics: ['live:*'] });
      await expect(
        TestClient.connect(`${node.ws}?token=${token}`, { headers: { origin: EVIL } }),
      ).rejects.toThrow(/HTTP 403/);
      const ok = await TestClient.connect(`${node.ws}?token=${token}`, {
        headers: { origin: APP },
      });
      ok.close();
    });

    it('answers 403 to a POST from an origin not allowed, even with a good token', async () => {
      const authorization = `Bearer ${PUBLISHER_TOKEN}`;
      const res = await post(
        node,
        { topic: 'other', data: 'evil' },
        { authorization, origin: EVIL },
      );
      expect(res.status).toBe(403);
    });

    it('answers a preflight from an allowed origin with 204 and the CORS headers', async () => {
      const res = await fetch(`${node.http}/v1/publish`, {
        method: 'OPTIONS',
        headers: {
          origin: APP,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization, content-type',
        },
      });
      expect(res.status).toBe(204);
      expect(res.headers.get('access-control-allow-origin')).toBe(APP);
      expect(res.headers.get('access-control-allow-methods')).toBe('GET, POST');
      expect(res.headers.get('access-control-allow-headers')).toBe(
        'authorization, content-type, last-event-id',
      );
      expect(Number(res.headers.get('access-control-max-age'))).toBeGreaterThan(0);
    });

    it('answers a preflight from another origin with 403', async () => {
      const res = await fetch(`${node.http}/v1/publish`, {
        method: 'OPTIONS',
        headers: { origin: EVIL, 'access-control-request-method': 'POST' },
      });
      expect(res.status).toBe(403);
    });

    it('names an allowed origin in access-control-allow-origin', async () => {
      const authorization = `Bearer ${PUBLISHER_TOKEN}`;
      const res = await post(node, { topic: 'other', data: 'app' }, { authorization, origin: APP });
      expect(res.status).toBe(200);
      expect(res.headers.get('access-control-allow-origin')).toBe(APP);
      expect((await viewer.events('other', 1))[0]).toMatchObject({ data: 'app' });
    });
  });
});

describe('a cross-site text/plain POST to a node without auth', () => {
  let node: Node;
  beforeAll(async () => {
    node = await startNode([]);
  });
  afterAll(() => node.stop());

  it('does not publish (415) and nothing reaches a subscriber', async () => {
    const viewer = await TestClient.connect(node.ws);
    expect(await viewer.request({ op: 'sub', id: 1, topic: 'news' })).toMatchObject({
      op: 'ack',
    });
    const body = JSON.stringify({ topic: 'news', data: 'forged' });
    const res = await fetch(`${node.http}/v1/publish`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain;charset=UTF-8', origin: EVIL },
      body,
    });
    expect(res.status).toBe(415);
    // A publish after it: the first event the subscriber sees must be this one.
    const ok = await post(node, { topic: 'news', data: 'real' }, {});
    expect(ok.status).toBe(200);
    expect((await viewer.events('news', 1))[0]).toMatchObject({ data: 'real' });
    viewer.close();
  });
});

describe('a dispatcher role node (no gateway)', () => {
  let node: Node;
  beforeAll(async () => {
    node = await startNode(
      ['--role', 'dispatcher', '--insecure-loopback-links', '--jwt-secret', SECRET],
      {},
      LISTENERS.dispatcher,
    );
  });
  afterAll(() => node.stop());

  it("verifies a publisher's JWT and its pub claim", async () => {
    const p = await TestPublisher.connect(node.publishPort);
    p.send({ op: 'auth', token: await hs({ sub: 'svc', pub: ['live:*'] }) });
    p.send({ op: 'pub', topic: 'live:1', data: 1, id: 1 });
    p.send({ op: 'pub', topic: 'other', data: 1, id: 2 });
    expect(await p.reply((m) => m.id === 1)).toMatchObject({ op: 'ack' });
    expect(await p.reply((m) => m.id === 2)).toMatchObject({ op: 'err', code: 403 });
    p.close();
  });
});

describe('origins over the ws transport', () => {
  let node: Node;
  beforeAll(async () => {
    node = await startNode(['--transport', 'ws', '--allowed-origins', APP]);
  });
  afterAll(() => node.stop());

  it('answers 403 to an upgrade and a POST from an origin not allowed, 204 to an allowed preflight', async () => {
    await expect(TestClient.connect(node.ws, { headers: { origin: EVIL } })).rejects.toThrow(
      /HTTP 403/,
    );
    expect((await post(node, { topic: 't', data: 1 }, { origin: EVIL })).status).toBe(403);
    const pre = await fetch(`${node.http}/v1/publish`, {
      method: 'OPTIONS',
      headers: { origin: APP, 'access-control-request-method': 'POST' },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe(APP);
  });
});
