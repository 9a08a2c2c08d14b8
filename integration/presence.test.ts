/**
 * Presence across real processes (PROTOCOL.md §7): a standalone node, then a cluster of
 * 2 dispatchers and 2 gateways with the memory store and with a real redis-server.
 *
 * Timings: d = 600 ms, ε = 150 ms, so a member that leaves is announced offline between
 * d + 2ε = 900 ms and 2d + 2ε after its last heartbeat; waits below allow for a loaded machine.
 */
import { ownerOf } from '../dispatcher/rendezvous';
import { eventually } from '../testing/eventually';
import { startRedisServer, type RedisServer } from '../testing/redis-server';
import { seconds, sign } from '../testing/auth-keys';
import { freePort, LISTENERS, startNode, TestClient, type Msg, type Node } from './harness';

const D = 600;
const E = 150;
const TIMING = ['--presence-interval-ms', String(D), '--presence-grace-ms', String(E)];
const SECRET = 'presence-s3cret';

const presenceOf = (c: TestClient, user: string): Msg[] =>
  c.messages.filter((m) => m.op === 'presence' && m.user === user);

/** Waits until `c` holds at least `n` presence messages of `user` (none consumed), and returns them. */
async function seen(c: TestClient, user: string, n: number, timeoutMs = 10_000): Promise<Msg[]> {
  await eventually(() => presenceOf(c, user).length >= n, timeoutMs, `${n} presence of ${user}`);
  return presenceOf(c, user);
}

async function watch(c: TestClient, member: string, id = 1): Promise<Msg> {
  return c.request({ op: 'sub', id, topic: `presence:${member}` });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('presence on a standalone node', () => {
  let node: Node;
  const clients: TestClient[] = [];
  const connect = async (query = ''): Promise<TestClient> => {
    const c = await TestClient.connect(`${node.ws}${query}`, { protocol: 'troupe.v1.json' });
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    node = await startNode([...TIMING, '--node-id', 'solo']);
  });
  afterEach(() => {
    for (const c of clients.splice(0)) c.close();
  });
  afterAll(async () => {
    await node.stop();
  });

  it('announces a member online when it connects and offline after d + 2e once it left', async () => {
    const watcher = await connect();
    const ack = await watch(watcher, 'ann');
    expect(ack).toMatchObject({ op: 'ack', online: false, lastSeen: null });
    const ann = await connect('?member=ann');
    const [online] = await seen(watcher, 'ann', 1);
    expect(online).toMatchObject({ topic: 'presence:ann', online: true, seq: 1 });
    expect(typeof online.lastSeen).toBe('number');
    const res = await fetch(`${node.http}/v1/presence?member=ann&member=nobody`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      ann: { online: true, lastSeen: expect.any(Number) },
      nobody: { online: false, lastSeen: null },
    });
    const closedAt = Date.now();
    ann.close();
    const [, offline] = await seen(watcher, 'ann', 2);
    // Not before its entry ran out: its last heartbeat was at most d before the close.
    expect(Date.now() - closedAt).toBeGreaterThanOrEqual(2 * E);
    expect(offline).toMatchObject({ online: false, seq: 2, lastSeen: online!.lastSeen });
    await sleep(2 * D);
    expect(presenceOf(watcher, 'ann')).toHaveLength(2);
  });

  it('acks a sub to an online member with online: true and its lastSeen', async () => {
    await connect('?member=bob');
    const watcher = await connect();
    await eventually(async () => {
      const a = await watch(watcher, 'bob', Math.floor(Math.random() * 1e6));
      return a.online === true && typeof a.lastSeen === 'number';
    }, 5000);
  });

  it('keeps a member with two connections online when one closes, one heartbeat for both', async () => {
    const watcher = await connect();
    await watch(watcher, 'cy');
    const a = await connect('?member=cy');
    await connect('?member=cy');
    await seen(watcher, 'cy', 1);
    a.close();
    await sleep(3 * D);
    expect(presenceOf(watcher, 'cy').map((m) => m.online)).toEqual([true]);
  });

  it('does not flap offline when a member reconnects within d', async () => {
    const watcher = await connect();
    await watch(watcher, 'dee');
    let dee = await connect('?member=dee');
    await seen(watcher, 'dee', 1);
    for (let i = 0; i < 4; i++) {
      dee.close();
      await sleep(D / 3);
      dee = await connect('?member=dee');
    }
    await sleep(2 * D);
    expect(presenceOf(watcher, 'dee').map((m) => m.online)).toEqual([true]);
  });

  it('refuses a pub to a presence topic from a client and over HTTP', async () => {
    const c = await connect('?member=eve');
    const r = await c.request({ op: 'pub', id: 9, topic: 'presence:eve', data: { online: false } });
    expect(r).toMatchObject({ op: 'err', id: 9, code: 403 });
    const res = await fetch(`${node.http}/v1/publish`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ topic: 'presence:eve', data: { user: 'eve', online: false } }),
    });
    expect(res.status).toBe(403);
  });

  it('refuses a ?member= that makes no valid presence topic with 400', async () => {
    await expect(connect('?member=has%20space')).rejects.toThrow('HTTP 400');
  });

  it('answers 400 to a presence query without members or with too many', async () => {
    expect((await fetch(`${node.http}/v1/presence`)).status).toBe(400);
    const many = Array.from({ length: 1001 }, (_, i) => `member=m${i}`).join('&');
    expect((await fetch(`${node.http}/v1/presence?${many}`)).status).toBe(400);
    expect((await fetch(`${node.http}/v1/presence?member=a%20b`)).status).toBe(400);
  });

  it('shows online members under /user/presence in the admin tree', async () => {
    await connect('?member=fay');
    const { adminCall } = await import('./harness');
    await eventually(async () => {
      const r = await adminCall(node.admin, { cmd: 'inspect', path: '/user/presence/fay' });
      return r.ok === true;
    }, 5000);
    const t = await adminCall(node.admin, { cmd: 'tree', path: '/user/presence', depth: 0 });
    expect((t.tree as { kind: string }).kind).toBe('presence');
  });
});

/** 2 dispatchers and 2 gateways on loopback; `store` is `memory` or a Redis URL. */
async function cluster(store: string): Promise<{ ds: Node[]; gws: Node[]; ids: string[] }> {
  const ports = [await freePort(), await freePort()];
  const ids = ['disp-a', 'disp-b'];
  const ds = await Promise.all(
    ports.map((p, i) =>
      startNode(
        [
          '--role',
          'dispatcher',
          '--node-id',
          ids[i]!,
          '--link-port',
          String(p),
          '--peers',
          `127.0.0.1:${ports[1 - i]}`,
          '--cluster-secret',
          SECRET,
          '--store',
          store,
          ...TIMING,
        ],
        {},
        LISTENERS.dispatcher,
      ),
    ),
  );
  const gws = await Promise.all(
    [0, 1].map((i) =>
      startNode(
        [
          '--role',
          'gateway',
          '--node-id',
          `gw-${i}`,
          '--dispatchers',
          ports.map((p) => `127.0.0.1:${p}`).join(','),
          '--cluster-secret',
          SECRET,
          ...TIMING,
        ],
        {},
        LISTENERS.gateway,
      ),
    ),
  );
  return { ds, gws, ids };
}

/** A member id whose presence topic the given dispatcher owns while both are up. */
function memberOwnedBy(owner: string, ids: string[], prefix: string): string {
  for (let i = 0; ; i++) {
    const m = `${prefix}${i}`;
    if (ownerOf(`presence:${m}`, ids) === owner) return m;
  }
}

describe.each([
  ['the memory store', false],
  ['the Redis store', true],
])('presence across 2 dispatchers and 2 gateways with %s', (_name, useRedis) => {
  let redis: RedisServer | undefined;
  let ds: Node[] = [];
  let gws: Node[] = [];
  let ids: string[];
  const clients: TestClient[] = [];
  const connect = async (gw: Node, query = ''): Promise<TestClient> => {
    const c = await TestClient.connect(`${gw.ws}${query}`, { protocol: 'troupe.v1.json' });
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    redis = useRedis ? await startRedisServer() : undefined;
    ({ ds, gws, ids } = await cluster(redis?.url ?? 'memory'));
  }, 60_000);
  afterAll(async () => {
    for (const c of clients) c.close();
    await Promise.all([...gws, ...ds].map((n) => n.stop()));
    await redis?.stop();
  });

  it('shows a member on one gateway going online and offline to a watcher on the other', async () => {
    const watcher = await connect(gws[1]!);
    // Both gateways must see both dispatchers before the owner choice is the same everywhere.
    await sleep(1500);
    await watch(watcher, 'gil');
    const gil = await connect(gws[0]!, '?member=gil');
    expect((await seen(watcher, 'gil', 1, 5000))[0]).toMatchObject({ online: true });
    gil.close();
    expect((await seen(watcher, 'gil', 2))[1]).toMatchObject({ online: false });
  }, 30_000);

  it(
    useRedis
      ? 'keeps members online when their owner dies, offline still fires, a leaver is not stuck online'
      : 'loses the dead owner’s entries: online again for those connected, no offline for a leaver',
    async () => {
      const owner = ids[0]!;
      const member = memberOwnedBy(owner, ids, useRedis ? 'r' : 'm');
      const leaver = memberOwnedBy(owner, ids, useRedis ? 'rl' : 'ml');
      const watcher = await connect(gws[1]!);
      await watch(watcher, member);
      await watch(watcher, leaver, 2);
      const client = await connect(gws[0]!, `?member=${member}`);
      const leaving = await connect(gws[0]!, `?member=${leaver}`);
      await seen(watcher, member, 1, 5000);
      await seen(watcher, leaver, 1, 5000);
      // One member leaves just before its owner dies: no heartbeat of it will reach the survivor.
      leaving.close();
      await sleep(50);
      await ds[0]!.stop('SIGKILL');
      // Heartbeats now go to the survivor; give it several d to settle.
      await sleep(4 * D + 3000);
      const before = presenceOf(watcher, member).map((m) => m.online);
      // Redis: the entry outlived its owner, the new owner finds it and announces nothing.
      // Memory: the survivor had no entry, so the member is announced online a second time.
      expect(before).toEqual(useRedis ? [true] : [true, true]);
      // Redis: the survivor adopted the leaver's live entry and announced its offline.
      // Memory: the entry died with its owner, so the leaver is never announced offline.
      expect(presenceOf(watcher, leaver).map((m) => m.online)).toEqual(
        useRedis ? [true, false] : [true],
      );
      client.close();
      const after = await seen(watcher, member, before.length + 1);
      expect(after.map((m) => m.online)).toEqual([...before, false]);
    },
    40_000,
  );
});

describe('presence with JWT auth', () => {
  const SECRET_KEY = 'presence-jwt-secret-0123456789abcdef';
  const token = (claims: Record<string, unknown>) =>
    sign(
      { exp: seconds(Date.now()) + 60, topics: ['live:*'], ...claims },
      Buffer.from(SECRET_KEY),
      'HS256',
    );
  const clients: TestClient[] = [];
  let open: Node;
  let priv: Node;
  const connect = async (node: Node, claims: Record<string, unknown>): Promise<TestClient> => {
    const c = await TestClient.connect(`${node.ws}?token=${await token(claims)}`, {
      protocol: 'troupe.v1.json',
    });
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    [open, priv] = await Promise.all([
      startNode(['--jwt-secret', SECRET_KEY, ...TIMING]),
      startNode(['--jwt-secret', SECRET_KEY, '--presence-private', ...TIMING]),
    ]);
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await Promise.all([open.stop(), priv.stop()]);
  });

  it('makes the token sub online, ignores ?member=, and skips a token with presence: false', async () => {
    const watcher = await connect(open, { sub: 'w' });
    // No `topics` claim covers presence topics: they are readable anyway without --presence-private.
    expect(await watch(watcher, 'hal')).toMatchObject({ op: 'ack', online: false });
    expect(await watch(watcher, 'ida', 2)).toMatchObject({ op: 'ack', online: false });
    expect(await watch(watcher, 'mallory', 3)).toMatchObject({ op: 'ack' });
    await connect(open, { sub: 'hal' });
    await connect(open, { sub: 'ida', presence: false });
    const named = await TestClient.connect(
      `${open.ws}?token=${await token({ sub: 'jo' })}&member=mallory`,
      { protocol: 'troupe.v1.json' },
    );
    clients.push(named);
    await seen(watcher, 'hal', 1, 5000);
    await sleep(3 * D);
    expect(presenceOf(watcher, 'ida')).toEqual([]);
    expect(presenceOf(watcher, 'mallory')).toEqual([]);
  });

  it('needs a topics claim for presence topics with --presence-private', async () => {
    const c = await connect(priv, { sub: 'kim' });
    expect(await watch(c, 'hal')).toMatchObject({ op: 'err', code: 403 });
    const allowed = await connect(priv, { sub: 'lee', topics: ['presence:*'] });
    expect(await watch(allowed, 'hal')).toMatchObject({ op: 'ack' });
    const res = await fetch(`${priv.http}/v1/presence?member=hal`);
    expect(res.status).toBe(401);
    const ok = await fetch(`${priv.http}/v1/presence?member=hal`, {
      headers: { authorization: `Bearer ${await token({ sub: 'lee', topics: ['presence:*'] })}` },
    });
    expect(ok.status).toBe(200);
    const denied = await fetch(`${priv.http}/v1/presence?member=hal`, {
      headers: { authorization: `Bearer ${await token({ sub: 'kim' })}` },
    });
    expect(denied.status).toBe(403);
  });
});
