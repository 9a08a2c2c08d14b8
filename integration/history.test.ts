/**
 * History for newcomers (PROTOCOL.md §12) against the real `troupe start`: a standalone node
 * on each client transport, and a cluster of 1 dispatcher + 1 gateway (the history read then
 * crosses a link). Each topic gets 20 events from a publisher before the newcomer arrives.
 */
import { hmacClientAuth } from '../testing/auth-keys';
import { startNode, startPair, TestClient, TestPublisher, type Msg, type Node } from './harness';

const SECRET = 'history-s3cret';
const JSON_PROTOCOL = { protocol: 'troupe.v1.json' };
const PUB_TOKEN = 'publisher-t0ken';

/** Where a setup publishes and where its clients connect. */
interface Setup {
  publishPort: number;
  gateway: Node;
}

/** Publishes `data` to `topic` in frames of 100 and waits for every ack. */
async function publish(
  port: number,
  topic: string,
  data: unknown[],
  token?: string,
): Promise<Msg[]> {
  const p = await TestPublisher.connect(port);
  if (token !== undefined) p.send({ op: 'auth', token });
  const pubs = data.map((d, i) => ({ op: 'pub', topic, data: d, id: i + 1 }));
  for (let i = 0; i < pubs.length; i += 100) p.send(pubs.slice(i, i + 100));
  const acks: Msg[] = [];
  for (let id = 1; id <= data.length; id++) acks.push(await p.reply((m) => m.id === id));
  p.close();
  return acks;
}

const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

async function history(node: Node, query: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${node.http}/v1/history?${query}`, { headers });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** Waits a short while and returns every queued `ev` of `topic` (none should be there). */
async function strays(c: TestClient, topic: string): Promise<Msg[]> {
  await new Promise((r) => setTimeout(r, 200));
  return c.messages.filter((m) => m.op === 'ev' && m.topic === topic);
}

function newcomers(setup: () => Setup): void {
  it('sends a newcomer with last: 5 the ack, exactly seqs 16..20, then live 21', async () => {
    const { publishPort, gateway } = setup();
    await publish(publishPort, 'news', range(1, 20));
    const c = await TestClient.connect(gateway.ws, JSON_PROTOCOL);
    c.send({ op: 'sub', id: 1, topic: 'news', last: 5 });
    // The ack comes first: nothing of the topic is queued before it.
    const first = await c.next();
    const epoch = first.epoch;
    expect(first).toEqual({
      op: 'ack',
      id: 1,
      epoch: expect.any(String),
      seq: 20,
      recovered: true,
    });
    const replay = await c.events('news', 5);
    expect(replay).toEqual(
      range(16, 20).map((n) => ({ op: 'ev', topic: 'news', seq: n, epoch, data: n })),
    );
    await publish(publishPort, 'news', [21]);
    expect(await c.events('news', 1)).toEqual([
      { op: 'ev', topic: 'news', seq: 21, epoch, data: 21 },
    ]);
    expect(await strays(c, 'news')).toEqual([]);
    // GET /v1/history answers the same events, as the JSON subscriber received them.
    const h = await history(gateway, 'topic=news&limit=6');
    expect(h.status).toBe(200);
    expect(h.body).toEqual({
      topic: 'news',
      epoch,
      seq: 21,
      events: [...replay, { op: 'ev', topic: 'news', seq: 21, epoch, data: 21 }],
    });
    c.close();
  });

  it('sends all 20 to last: 1000, and lets since win over last', async () => {
    const { publishPort, gateway } = setup();
    await publish(publishPort, 'all', range(1, 20));
    const c = await TestClient.connect(gateway.ws);
    const ack = await c.request({ op: 'sub', id: 1, topic: 'all', last: 1000 });
    expect(ack).toMatchObject({ seq: 20, recovered: true });
    expect((await c.events('all', 20)).map((m) => m.seq)).toEqual(range(1, 20));
    expect(await strays(c, 'all')).toEqual([]);
    const r = await TestClient.connect(gateway.ws);
    const since = { epoch: ack.epoch, seq: 18 };
    expect(await r.request({ op: 'sub', id: 1, topic: 'all', last: 5, since })).toMatchObject({
      recovered: true,
    });
    expect((await r.events('all', 2)).map((m) => m.seq)).toEqual([19, 20]);
    expect(await strays(r, 'all')).toEqual([]);
    c.close();
    r.close();
  });

  it('enforces the limits on sub and GET /v1/history', async () => {
    const { gateway } = setup();
    const c = await TestClient.connect(gateway.ws);
    for (const last of [0, 1001, 'five']) {
      expect(await c.request({ op: 'sub', id: 7, topic: 'x', last })).toEqual({
        op: 'err',
        id: 7,
        code: 400,
        msg: "field 'last' must be an integer of 1 to 1000",
      });
    }
    for (const q of ['topic=x&limit=0', 'topic=x&limit=1001', 'topic=a%20b', 'limit=5']) {
      expect((await history(gateway, q)).status).toBe(400);
    }
    c.close();
  });

  it('answers 200, no events and the epoch a sub is then given, for a topic nobody published to', async () => {
    const { gateway } = setup();
    const h = await history(gateway, 'topic=quiet');
    expect(h).toMatchObject({ status: 200, body: { topic: 'quiet', seq: 0, events: [] } });
    const c = await TestClient.connect(gateway.ws);
    const ack = await c.request({ op: 'sub', id: 1, topic: 'quiet', last: 10 });
    expect(ack).toEqual({ op: 'ack', id: 1, epoch: h.body.epoch, seq: 0, recovered: true });
    c.close();
  });
}

describe.each([['uws'], ['ws']])('history for newcomers, standalone (%s)', (transport) => {
  let node: Node;
  beforeAll(async () => {
    node = await startNode(['--transport', transport]);
  });
  afterAll(() => node.stop());

  newcomers(() => ({ publishPort: node.publishPort, gateway: node }));
});

describe('history for newcomers, 1 dispatcher + 1 gateway', () => {
  let d: Node;
  let g: Node;
  beforeAll(async () => {
    ({ d, g } = await startPair(SECRET));
  }, 30_000);
  afterAll(() => Promise.all([g.stop(), d.stop()]));

  newcomers(() => ({ publishPort: d.publishPort, gateway: g }));

  it('fits a last: 1000 answer of large events into one link frame: the newest ones, recovered false', async () => {
    const big = 'x'.repeat(2048);
    await publish(
      d.publishPort,
      'big',
      range(1, 1000).map(() => big),
    );
    const c = await TestClient.connect(g.ws);
    const ack = await c.request({ op: 'sub', id: 1, topic: 'big', last: 1000 }, 3000);
    expect(ack).toMatchObject({ op: 'ack', seq: 1000, recovered: false });
    const first = await c.next((m) => m.op === 'ev');
    expect(first.seq).toBeGreaterThan(400);
    const rest = await c.events('big', 1000 - (first.seq as number));
    expect(rest.at(-1)!.seq).toBe(1000);
    c.close();
  });
});

describe('history for newcomers, with JWT auth', () => {
  const { token } = hmacClientAuth(SECRET.repeat(3));
  let node: Node;
  beforeAll(async () => {
    node = await startNode(['--jwt-secret', SECRET.repeat(3), '--publisher-token', PUB_TOKEN]);
  });
  afterAll(() => node.stop());

  it('wants a bearer token whose topics cover the topic (401, 403), and reads presence topics as sub', async () => {
    await publish(node.publishPort, 'live:1', [1, 2, 3], PUB_TOKEN);
    const live = await token({ topics: ['live:*'] });
    const bearer = { authorization: `Bearer ${live}` };
    expect((await history(node, 'topic=live:1')).status).toBe(401);
    expect((await history(node, 'topic=secret', bearer)).status).toBe(403);
    const ok = await history(node, 'topic=live:1&limit=2', bearer);
    expect(ok.status).toBe(200);
    expect((ok.body.events as Msg[]).map((e) => e.data)).toEqual([2, 3]);
    expect((await history(node, 'topic=presence:bob', bearer)).status).toBe(200);
  });
});
