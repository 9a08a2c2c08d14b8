/**
 * PROTOCOL.md section 11 (`--history-max-bytes`) against the real `troupe start`: one publisher
 * of large events to distinct topics cannot grow the node's history past the cap, and topics
 * that are subscribed but never published cost no history.
 */
import { adminCall, metric, startNode, TestClient, TestPublisher, type Node } from './harness';

const CAP = 16 * 1024 * 1024;
const EVENT = 256 * 1024;

interface DispatcherView {
  topics: number;
  historyBytes: number;
  historyEvents: number;
  historyEvictions: number;
}

async function dispatcherStats(node: Node): Promise<DispatcherView> {
  const answer = await adminCall(node.admin, { cmd: 'stats' });
  return (answer.stats as { dispatcher: DispatcherView }).dispatcher;
}

describe('memory bounds', () => {
  let node: Node;
  beforeAll(async () => {
    node = await startNode(['--history-max-bytes', '16MiB']);
  });
  afterAll(async () => {
    await node.stop();
  });

  it('keeps all history under --history-max-bytes while one publisher sends 300 x 256 KiB to distinct topics', async () => {
    const p = await TestPublisher.connect(node.publishPort);
    const data = new Uint8Array(EVENT).fill(7);
    let highest = 0;
    for (let i = 0; i < 300; i++) {
      p.send({ op: 'pub', topic: `big:${i}`, data, id: i });
      if (i % 50 === 49) {
        await p.reply((m) => m.id === i, 10_000);
        highest = Math.max(highest, (await dispatcherStats(node)).historyBytes);
      }
    }
    const d = await dispatcherStats(node);
    expect(highest).toBeLessThanOrEqual(CAP);
    expect(d.historyBytes).toBeLessThanOrEqual(CAP);
    expect(d.historyBytes).toBeGreaterThan(CAP / 2);
    expect(d.historyEvictions).toBeGreaterThanOrEqual(300 - CAP / EVENT);
    // Evicted topics nobody subscribes to are forgotten with their last event.
    expect(d.topics).toBe(d.historyEvents);
    expect(await metric(node, 'troupe_history_bytes')).toBeLessThanOrEqual(CAP);
    expect(await metric(node, 'troupe_history_evictions_total')).toBe(d.historyEvictions);
    expect(node.proc.exitCode).toBeNull();
    expect((await fetch(`${node.http}/healthz`)).status).toBe(200);
    p.close();
  }, 30_000);

  it('makes no topic log for subscriptions to topics never published, and the ack epoch is the first event epoch', async () => {
    const before = (await dispatcherStats(node)).topics;
    const c = await TestClient.connect(node.ws);
    const acks = [];
    for (let i = 1; i <= 200; i++)
      acks.push(await c.request({ op: 'sub', id: i, topic: `quiet:${i}` }));
    expect((await dispatcherStats(node)).topics).toBe(before);
    const p = await TestPublisher.connect(node.publishPort);
    p.send({ op: 'pub', topic: 'quiet:7', data: 'first', id: 1 });
    const [ev] = await c.events('quiet:7', 1);
    expect(ev).toMatchObject({ seq: 1, epoch: acks[6]!.epoch, data: 'first' });
    c.close();
    p.close();
  });
});
