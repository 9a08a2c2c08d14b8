/**
 * Client JWT auth (PROTOCOL.md §6) against the real `troupe start`: tokens signed in the test
 * with jose (an HS256 secret and an ES256 key pair made here, the public key in a PEM file).
 */
import { randomBytes } from 'node:crypto';
import type { JWTPayload } from 'jose';
import { ecPair, pemOf, seconds, sign, TempDir, type TestKeyPair } from '../testing/auth-keys';
import { startNode, TestClient, type Node } from './harness';

const SECRET = randomBytes(32).toString('hex');
const AUD = 'troupe-it';

describe('client JWT auth', () => {
  let dir: TempDir;
  let es: TestKeyPair;
  let node: Node;

  const hs = (claims: JWTPayload) =>
    sign({ aud: AUD, exp: seconds(Date.now()) + 60, ...claims }, Buffer.from(SECRET), 'HS256');
  const es256 = (claims: JWTPayload) =>
    sign({ aud: AUD, exp: seconds(Date.now()) + 60, ...claims }, es.privateKey, 'ES256');

  beforeAll(async () => {
    dir = new TempDir();
    es = ecPair();
    const pem = dir.write('jwt.pem', pemOf(es.publicKey));
    node = await startNode([
      '--jwt-secret',
      SECRET,
      '--jwt-public-key',
      pem,
      '--jwt-audience',
      AUD,
    ]);
  });
  afterAll(async () => {
    await node.stop();
    dir.remove();
  });

  describe('at the upgrade', () => {
    it('accepts an HS256 token in the query and an ES256 token as a Bearer header', async () => {
      const q = await TestClient.connect(`${node.ws}?token=${await hs({ sub: 'ann' })}`);
      expect(q.hello.op).toBe('hello');
      const h = await TestClient.connect(node.ws, {
        headers: { authorization: `Bearer ${await es256({ sub: 'bob' })}` },
      });
      expect(h.hello.op).toBe('hello');
      q.close();
      h.close();
    });

    it('closes with 4001 a bad signature, an expired token and a wrong audience', async () => {
      const other = ecPair();
      const tokens = [
        await sign(
          { aud: AUD, sub: 'x', exp: seconds(Date.now()) + 60 },
          other.privateKey,
          'ES256',
        ),
        await hs({ sub: 'x', exp: seconds(Date.now()) - 60 }),
        await hs({ sub: 'x', aud: 'someone-else' }),
        'not.a.jwt',
        '',
      ];
      for (const token of tokens) {
        const c = await TestClient.connect(`${node.ws}?token=${token}`, { skipHello: true });
        expect(await c.closed).toEqual({ code: 4001, reason: 'authentication failed' });
        expect(c.messages).toEqual([]);
      }
    });
  });

  describe('first-message auth', () => {
    it('answers 401 until auth, then serves the identity of the token sent', async () => {
      const c = await TestClient.connect(node.ws);
      expect(await c.request({ op: 'sub', id: 1, topic: 'news' })).toMatchObject({
        op: 'err',
        code: 401,
      });
      const exp = seconds(Date.now()) + 60;
      const token = await es256({ sub: 'cy', exp, topics: ['news'] });
      expect(await c.request({ op: 'auth', id: 2, token })).toEqual({ op: 'ack', id: 2, exp });
      expect((await c.request({ op: 'sub', id: 3, topic: 'news' })).op).toBe('ack');
      expect(await c.request({ op: 'sub', id: 4, topic: 'other' })).toMatchObject({ code: 403 });
      c.close();
    });

    it('closes with 4001 a refused auth, and a client that sends none within 5 s', async () => {
      const refused = await TestClient.connect(node.ws);
      const silent = await TestClient.connect(node.ws);
      const started = Date.now();
      const bad = await hs({ sub: 'x', aud: 'someone-else' });
      expect(await refused.request({ op: 'auth', id: 1, token: bad })).toMatchObject({
        code: 401,
      });
      expect((await refused.closed).code).toBe(4001);
      expect(await silent.closed).toEqual({ code: 4001, reason: 'authentication failed' });
      expect(Date.now() - started).toBeGreaterThanOrEqual(4900);
    });
  });

  describe('permissions', () => {
    let c: TestClient;
    beforeAll(async () => {
      const token = await es256({
        sub: 'ann',
        topics: ['live:*', 'inbox:{sub}', 'news'],
        pub: ['chat:*', 'status:{sub}'],
      });
      c = await TestClient.connect(`${node.ws}?token=${token}`);
    });
    afterAll(() => c.close());

    it.each([
      ['live:video-1', 'ack'],
      ['inbox:ann', 'ack'],
      ['news', 'ack'],
      ['inbox:bob', 403],
      ['newsroom', 403],
      ['other', 403],
    ])('sub %s: %s', async (topic, outcome) => {
      const r = await c.request({ op: 'sub', id: 1, topic });
      if (outcome === 'ack') expect(r.op).toBe('ack');
      else expect(r).toMatchObject({ op: 'err', id: 1, code: 403 });
    });

    it.each([
      ['chat:room-1', 'ack'],
      ['status:ann', 'ack'],
      ['status:bob', 403],
      ['live:video-1', 403],
    ])('pub %s: %s', async (topic, outcome) => {
      const r = await c.request({ op: 'pub', id: 2, topic, data: 'hi' });
      if (outcome === 'ack') expect(r.op).toBe('ack');
      else expect(r).toMatchObject({ op: 'err', id: 2, code: 403 });
    });

    it('keeps the connection open after a 403', async () => {
      c.send({ op: 'ping', id: 3 });
      expect(await c.next((m) => m.op === 'pong')).toEqual({ op: 'pong', id: 3 });
    });

    it('delivers what an allowed publisher sends to an allowed subscriber', async () => {
      const token = await hs({ sub: 'bob', topics: ['chat:*'], pub: ['chat:*'] });
      const bob = await TestClient.connect(`${node.ws}?token=${token}`);
      expect((await bob.request({ op: 'sub', id: 1, topic: 'chat:room-2' })).op).toBe('ack');
      expect((await c.request({ op: 'pub', id: 4, topic: 'chat:room-2', data: 'yo' })).op).toBe(
        'ack',
      );
      expect((await bob.events('chat:room-2', 1))[0]).toMatchObject({ data: 'yo' });
      bob.close();
    });
  });
});

describe('client JWT expiry and refresh', () => {
  let node: Node;
  const token = (claims: JWTPayload) => sign(claims, Buffer.from(SECRET), 'HS256');
  beforeAll(async () => {
    node = await startNode(['--jwt-secret', SECRET]);
  });
  afterAll(async () => {
    await node.stop();
  });

  // Both clients hold a token expiring in 2 s, run side by side to keep the file short.
  it('closes at exp without a refresh, keeps the connection with one', async () => {
    const exp = seconds(Date.now()) + 2;
    const [lapsing, refreshing] = await Promise.all(
      ['ann', 'bob'].map(async (sub) =>
        TestClient.connect(`${node.ws}?token=${await token({ sub, exp })}`),
      ),
    );
    const later = seconds(Date.now()) + 60;
    expect(
      await refreshing!.request({
        op: 'refresh',
        id: 1,
        token: await token({ sub: 'bob', exp: later }),
      }),
    ).toEqual({ op: 'ack', id: 1, exp: later });
    const other = await refreshing!.request({
      op: 'refresh',
      id: 2,
      token: await token({ sub: 'ann', exp: later }),
    });
    expect(other).toMatchObject({ op: 'err', id: 2, code: 403 });

    const closed = await lapsing!.closed;
    // At exp itself, not within the verifier's 5 s clock tolerance.
    expect(Date.now()).toBeGreaterThanOrEqual(exp * 1000);
    expect(Date.now()).toBeLessThan(exp * 1000 + 1000);
    expect(closed).toEqual({ code: 4001, reason: 'token expired' });
    expect(lapsing!.messages).toContainEqual({
      op: 'bye',
      code: 4001,
      reason: 'token expired',
      retryMs: 0,
    });

    await new Promise((r) => setTimeout(r, 300));
    refreshing!.send({ op: 'ping', id: 3 });
    expect(await refreshing!.next((m) => m.op === 'pong')).toEqual({ op: 'pong', id: 3 });
    refreshing!.close();
  });
});

describe('static --auth-token clients', () => {
  const nodes: Node[] = [];
  afterAll(async () => {
    for (const n of nodes) await n.stop();
  });

  it('cannot publish without --client-publish, and can with it', async () => {
    for (const [flags, expected] of [
      [[], { op: 'err', id: 1, code: 403 }],
      [['--client-publish'], { op: 'ack', id: 1, seq: 1 }],
    ] as const) {
      const node = await startNode(['--auth-token', 's3cret', ...flags]);
      nodes.push(node);
      const c = await TestClient.connect(`${node.ws}?token=s3cret`);
      expect(await c.request({ op: 'pub', id: 1, topic: 't', data: 1 })).toMatchObject(expected);
      c.close();
    }
  });
});

describe('client JWT configuration', () => {
  it('stops troupe start with exit 2 and a message when the key file is unusable', async () => {
    await expect(startNode(['--jwt-public-key', '/nonexistent/jwt.pem'])).rejects.toThrow(
      /exited with 2: troupe: JWT configuration: cannot read the public key file/,
    );
  });
});

describe('client JWT auth throttle', () => {
  let node: Node;
  beforeAll(async () => {
    node = await startNode(['--jwt-secret', SECRET]);
  });
  afterAll(async () => {
    await node.stop();
  });

  it('answers 429 without verifying once an address spent its failures', async () => {
    const bad = await sign(
      { sub: 'x', exp: seconds(Date.now()) + 60 },
      Buffer.from('y'.repeat(32)),
      'HS256',
    );
    for (let i = 0; i < 10; i++) {
      const c = await TestClient.connect(`${node.ws}?token=${bad}`, { skipHello: true });
      expect((await c.closed).code).toBe(4001);
    }
    await expect(TestClient.connect(`${node.ws}?token=${bad}`)).rejects.toThrow('HTTP 429');
    const good = await sign(
      { sub: 'x', exp: seconds(Date.now()) + 60 },
      Buffer.from(SECRET),
      'HS256',
    );
    await expect(TestClient.connect(`${node.ws}?token=${good}`)).rejects.toThrow('HTTP 429');
  });
});
