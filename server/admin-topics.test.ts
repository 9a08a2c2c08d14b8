import { ActorSystem } from '../actors';
import { COUNT_OWNER_SPAWN, countOwnerBehavior, type CountMsg } from '../dispatcher/count-owner';
import {
  DISPATCHER_SPAWN,
  dispatcherBehavior,
  type DispatcherMsg,
} from '../dispatcher/dispatcher-actor';
import type { CountItem } from '../dispatcher/types';
import { topicReport, topicsReport, type TopicSources } from './admin-topics';

let system: ActorSystem;
let sources: TopicSources;

beforeEach(() => {
  system = ActorSystem.create('admin-topics-test', { log: () => undefined });
  const dispatcher = system.spawn<DispatcherMsg>(
    'dispatcher',
    () => dispatcherBehavior({ capacity: 3, ttlMs: 60_000 }),
    DISPATCHER_SPAWN,
  );
  const counts = system.spawn<CountMsg>(
    'counts',
    () => countOwnerBehavior({ self: 'd1', dc: 'dc1', intervalMs: 60_000 }),
    COUNT_OWNER_SPAWN,
  );
  sources = { node: 'd1', dispatcher, counts };
});

afterEach(() => system.terminate());

function publish(topic: string, n: number): Promise<unknown> {
  const items = Array.from({ length: n }, (_, i) => ({ topic, data: { i } }));
  return new Promise((reply) => sources.dispatcher!.tell({ type: 'publish', items, reply }));
}

function report(gateway: string, items: CountItem[]): void {
  sources.counts!.tell({ type: 'report', gateway, items });
}

describe(topicsReport, () => {
  it('ranks topics by subscribers, then held events, at most `top` rows', async () => {
    await publish('a', 1);
    await publish('b', 5);
    await publish('c', 2);
    report('g1', [['a', 10]]);
    const { total, topics } = await topicsReport(sources, 2);
    expect(total).toBe(3);
    expect(topics).toEqual([
      expect.objectContaining({ topic: 'a', subscribers: 10, seq: 1, events: 1 }),
      // capacity 3: 5 published, 3 held.
      expect.objectContaining({
        topic: 'b',
        seq: 5,
        events: 3,
        bytes: expect.any(Number),
      }),
    ]);
  });

  it('counts local subscribers on a gateway without a dispatcher', async () => {
    const local = new Map([
      ['x', 1],
      ['y', 4],
    ]);
    const gateway: TopicSources = {
      node: 'g1',
      local: {
        counts: () => [...local].values() as IterableIterator<CountItem>,
        of: (t) => local.get(t) ?? 0,
        topics: local.size,
      },
    };
    expect(await topicsReport(gateway, 20)).toEqual({
      total: 2,
      topics: [
        { topic: 'y', subscribers: 4 },
        { topic: 'x', subscribers: 1 },
      ],
    });
  });
});

describe(topicReport, () => {
  it('gives owner, seq, epoch, history and subscribers per gateway', async () => {
    await publish('news', 4);
    report('g1', [['news', 3]]);
    report('g2', [['news', 5]]);
    const r = await topicReport(sources, 'news');
    expect(r).toMatchObject({
      topic: 'news',
      owner: 'd1',
      seq: 4,
      epoch: expect.any(String),
      history: { events: 3, firstSeq: 2, bytes: expect.any(Number) },
      gateways: { g1: 3, g2: 5 },
      count: 8,
    });
    expect(r!.history!.bytes).toBeGreaterThan(0);
  });

  it('answers undefined for a topic the node knows nothing of', async () => {
    expect(await topicReport(sources, 'never')).toBeUndefined();
  });

  it('rejects when the dispatcher is gone', async () => {
    system.stop(sources.dispatcher!);
    await new Promise((r) => setTimeout(r, 20));
    await expect(topicReport(sources, 'news')).rejects.toThrow(/dispatcher is not running/);
  });
});
