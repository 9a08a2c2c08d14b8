/**
 * Live channels (gateway/live-channels.ts): caught-up subscriptions are fanned out by the uws
 * transport natively. What a client sees must not change: every event once, in order, from the
 * seq after its ack, whether it joined in a flood or not, in either format; `unsub` stops the
 * channel; a resume with `since` fills exactly what was missed.
 */
import { adminCall, startNode, TestClient, TestPublisher, type Msg, type Node } from './harness';
import { eventually } from '../testing/eventually';

interface Tree {
  path: string;
  kind: string;
  children?: Tree[];
}

function connections(t: Tree, out: Tree[] = []): Tree[] {
  if (t.kind === 'connection') out.push(t);
  for (const c of t.children ?? []) connections(c, out);
  return out;
}

/** The `subscriptions` an actor's inspect shows, for the connection named `conn`. */
async function subscriptionsOf(node: Node, conn: string): Promise<Record<string, unknown>> {
  const { tree } = await adminCall(node.admin, { cmd: 'tree', path: '/user/gateway' });
  const path = connections(tree as Tree).find((c) => c.path.endsWith(`conn-${conn}`))!.path;
  const ins = await adminCall(node.admin, { cmd: 'inspect', path });
  return (ins.actor as { state: { subscriptions: Record<string, unknown> } }).state.subscriptions;
}

function expectRun(evs: Msg[], from: number, to: number): void {
  expect(evs.map((e) => e.seq)).toEqual(Array.from({ length: to - from + 1 }, (_, i) => from + i));
}

describe('live channels (uws)', () => {
  let node: Node;
  beforeAll(async () => {
    node = await startNode();
  });
  afterAll(async () => {
    await node.stop();
  });

  it('gives subscribers that join during a flood every event once, in order, in both formats, and they go live', async () => {
    const topic = 'live:flood';
    const pub = await TestPublisher.connect(node.publishPort);
    const total = 600;
    let sent = 0;
    const flood = (async () => {
      while (sent < total) {
        pub.send(Array.from({ length: 10 }, () => ({ op: 'pub', topic, data: { n: ++sent } })));
        await new Promise((r) => setTimeout(r, 4));
      }
    })();
    const clients: { c: TestClient; from: number }[] = [];
    for (let i = 0; i < 8; i++) {
      const protocol = i % 2 === 0 ? 'troupe.v1.msgpack' : 'troupe.v1.json';
      const c = await TestClient.connect(node.ws, { protocol });
      const ack = await c.request({ op: 'sub', id: 1, topic });
      clients.push({ c, from: (ack.seq as number) + 1 });
      await new Promise((r) => setTimeout(r, 20));
    }
    await flood;
    for (const { c, from } of clients) {
      expect(from).toBeLessThan(total); // joined while events were still coming
      expectRun(await c.events(topic, total - from + 1, 15_000), from, total);
    }
    await new Promise((r) => setTimeout(r, 200));
    for (const { c } of clients) {
      expect(c.messages.filter((m) => m.op === 'ev')).toEqual([]); // nothing twice
      expect((await subscriptionsOf(node, c.hello.conn as string))[topic]).toEqual({ live: true });
      c.close();
    }
    pub.close();
  });

  it('stops the channel at unsub, and a resume with since gets exactly what was missed', async () => {
    const topic = 'live:resume';
    const pub = await TestPublisher.connect(node.publishPort);
    const publish = async (n: number): Promise<void> => {
      for (let i = 0; i < n; i++) {
        pub.send({ op: 'pub', id: i + 1, topic, data: i });
        await pub.reply((m) => m.op === 'ack' && m.id === i + 1);
      }
    };
    const c = await TestClient.connect(node.ws);
    const ack = await c.request({ op: 'sub', id: 1, topic });
    await eventually(
      async () =>
        JSON.stringify((await subscriptionsOf(node, c.hello.conn as string))[topic]) ===
        '{"live":true}',
      5000,
    );
    await publish(5);
    const first = await c.events(topic, 5);
    expectRun(first, 1, 5);
    await c.request({ op: 'unsub', id: 2, topic });
    await publish(5); // seq 6..10, missed
    await new Promise((r) => setTimeout(r, 200));
    expect(c.messages.filter((m) => m.op === 'ev')).toEqual([]);
    const again = await c.request({
      op: 'sub',
      id: 3,
      topic,
      since: { epoch: ack.epoch, seq: 5 },
    });
    expect(again.recovered).toBe(true);
    expectRun(await c.events(topic, 5), 6, 10);
    await publish(3);
    expectRun(await c.events(topic, 3), 11, 13);
    await new Promise((r) => setTimeout(r, 200));
    expect(c.messages.filter((m) => m.op === 'ev')).toEqual([]);
    c.close();
    pub.close();
  });
});
