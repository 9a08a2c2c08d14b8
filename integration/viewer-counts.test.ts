/**
 * Viewer counts across real processes (PROTOCOL.md §8): a standalone node, and a cluster of two
 * datacenters (east: 2 dispatchers + 2 gateways; west: 1 dispatcher + 1 gateway), every node
 * with a short `--count-interval-ms`.
 */
import { eventually } from '../testing/eventually';
import { LISTENERS, startNode, TestClient, type Msg, type Node } from './harness';

const SECRET = 'counts-s3cret';
const INTERVAL = 200;
const FLAGS = ['--count-interval-ms', String(INTERVAL)];

/** The next `count` of `topic` carrying `n`, skipping other numbers on the way. */
function countOf(c: TestClient, topic: string, n: number, timeoutMs = 8000): Promise<Msg> {
  return c.next((m) => m.op === 'count' && m.topic === topic && m.n === n, timeoutMs);
}

async function subscribers(node: Node, topic: string): Promise<number> {
  const res = await fetch(`${node.http}/v1/topics/${encodeURIComponent(topic)}`);
  return ((await res.json()) as { subscribers: number }).subscribers;
}

describe('viewer counts, standalone', () => {
  let node: Node;
  beforeAll(async () => {
    node = await startNode(FLAGS);
  });
  afterAll(() => node.stop());

  it('acks a sub with count: true with the count, then sends count as subscribers join and leave', async () => {
    const watcher = await TestClient.connect(node.ws, { protocol: 'troupe.v1.json' });
    const ack = await watcher.request({ op: 'sub', id: 1, topic: 'room', count: true });
    expect(ack).toMatchObject({ op: 'ack', id: 1, count: 1 });
    const others = await Promise.all([1, 2].map(() => TestClient.connect(node.ws)));
    for (const o of others) await o.request({ op: 'sub', id: 1, topic: 'room' });
    await countOf(watcher, 'room', 3);
    // Neither of the plain subscribers asked: they get no count.
    expect(others.flatMap((o) => o.messages.filter((m) => m.op === 'count'))).toEqual([]);
    others[0]!.close();
    await countOf(watcher, 'room', 2);
    await others[1]!.request({ op: 'unsub', id: 2, topic: 'room' });
    await countOf(watcher, 'room', 1);
    expect(await subscribers(node, 'room')).toBe(1);
    others[1]!.close();
    watcher.close();
  });

  it('answers 400 to a sub whose count is not a boolean', async () => {
    const c = await TestClient.connect(node.ws);
    const err = await c.request({ op: 'sub', id: 3, topic: 'room', count: 'yes' });
    expect(err).toMatchObject({
      op: 'err',
      id: 3,
      code: 400,
      msg: "field 'count' must be a boolean",
    });
    c.close();
  });
});

describe('viewer counts, two datacenters', () => {
  const nodes: Node[] = [];
  let gEast1: Node;
  let gEast2: Node;
  let gWest: Node;

  const dispatcher = (extra: string[]) =>
    startNode(
      ['--role', 'dispatcher', '--link-port', '0', '--cluster-secret', SECRET, ...FLAGS, ...extra],
      {},
      LISTENERS.dispatcher,
    );
  const gateway = (links: number[], extra: string[]) =>
    startNode(
      [
        '--role',
        'gateway',
        '--dispatchers',
        links.map((p) => `127.0.0.1:${p}`).join(','),
        '--cluster-secret',
        SECRET,
        ...FLAGS,
        ...extra,
      ],
      {},
      LISTENERS.gateway,
    );

  beforeAll(async () => {
    const dWest = await dispatcher(['--dc', 'west', '--node-id', 'cw']);
    const west = `west=127.0.0.1:${dWest.linkPort}`;
    const d1 = await dispatcher(['--dc', 'east', '--node-id', 'ce1', '--peer-dcs', west]);
    const d2 = await dispatcher([
      ...['--dc', 'east', '--node-id', 'ce2', '--peer-dcs', west],
      ...['--peers', `127.0.0.1:${d1.linkPort}`],
    ]);
    const east = [d1.linkPort, d2.linkPort];
    gEast1 = await gateway(east, ['--dc', 'east', '--node-id', 'cg1']);
    gEast2 = await gateway(east, ['--dc', 'east', '--node-id', 'cg2']);
    gWest = await gateway([dWest.linkPort], ['--dc', 'west', '--node-id', 'cgw']);
    nodes.push(dWest, d1, d2, gEast1, gEast2, gWest);
    // Every gateway linked to its dispatchers, and the east dispatchers to each other.
    await eventually(async () => (await subscribers(gEast1, 'probe')) === 0, 10_000);
    await new Promise((r) => setTimeout(r, 1500));
  }, 60_000);

  afterAll(async () => {
    await Promise.all(nodes.map((n) => n.stop('SIGKILL')));
  });

  it('sums subscribers of every gateway and datacenter, and drops a killed gateway within about an interval', async () => {
    const topic = 'live:video-1';
    const watcher = await TestClient.connect(gEast1.ws);
    expect(await watcher.request({ op: 'sub', id: 1, topic, count: true })).toMatchObject({
      count: 1,
    });
    const east2 = await Promise.all([1, 2].map(() => TestClient.connect(gEast2.ws)));
    for (const c of east2) await c.request({ op: 'sub', id: 1, topic });
    await countOf(watcher, topic, 3);
    const westWatcher = await TestClient.connect(gWest.ws);
    await westWatcher.request({ op: 'sub', id: 1, topic, count: true });
    await countOf(watcher, topic, 4);
    // The west gateway sees east's three too (east's sum crossed to west's owner).
    await countOf(westWatcher, topic, 4);
    expect(await subscribers(gWest, topic)).toBe(4);

    const killedAt = Date.now();
    await gEast2.stop('SIGKILL');
    await countOf(watcher, topic, 2);
    const tookMs = Date.now() - killedAt;
    // The link drops at once (the socket closes); then at most one interval per hop.
    expect(tookMs).toBeLessThan(4 * INTERVAL + 1000);
    await countOf(westWatcher, topic, 2);
    watcher.close();
    westWatcher.close();
  }, 40_000);
});
