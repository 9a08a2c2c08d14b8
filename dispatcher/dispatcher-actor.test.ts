import { ActorSystem, type ActorRef } from '../actors';
import type { Since } from '../protocol';
import {
  DISPATCHER_SPAWN,
  dispatcherBehavior,
  newDispatcherStats,
  type DispatcherMsg,
  type DispatcherOptions,
  type DispatcherStats,
} from './dispatcher-actor';
import type { PublishItem } from './publish-request';
import { eventBytes, EVENT_OVERHEAD_BYTES } from './history-budget';
import type { HistoryAnswer, PublishResult, TopicEvent } from './types';
import { eventually } from '../testing/eventually';

interface Harness {
  system: ActorSystem;
  ref: ActorRef<DispatcherMsg>;
  stats: DispatcherStats;
}

const systems: ActorSystem[] = [];

function start(opts: Partial<DispatcherOptions> = {}): Harness {
  const system = ActorSystem.create('dispatcher-test', { log: () => undefined });
  systems.push(system);
  const stats = newDispatcherStats();
  const ref = system.spawn<DispatcherMsg>(
    'dispatcher',
    () => dispatcherBehavior({ capacity: 100, ttlMs: 60_000, stats, ...opts }),
    DISPATCHER_SPAWN,
  );
  return { system, ref, stats };
}

afterEach(async () => {
  await Promise.all(systems.splice(0).map((s) => s.terminate()));
});

function publish(
  ref: ActorRef<DispatcherMsg>,
  items: PublishItem[],
): Promise<readonly PublishResult[]> {
  return new Promise((resolve, reject) => {
    if (!ref.tell({ type: 'publish', items, reply: resolve })) reject(new Error('tell refused'));
  });
}

function history(
  ref: ActorRef<DispatcherMsg>,
  topic: string,
  since?: Since,
  last?: number,
): Promise<HistoryAnswer> {
  return new Promise((resolve, reject) => {
    if (!ref.tell({ type: 'history', topic, since, last, reply: resolve }))
      reject(new Error('tell refused'));
  });
}

/** Attaches a gateway whose sink records every call. */
function attach(ref: ActorRef<DispatcherMsg>, gateway: string): TopicEvent[][] {
  const calls: TopicEvent[][] = [];
  ref.tell({ type: 'attach', gateway, sink: (events) => calls.push([...events]) });
  return calls;
}

function interest(ref: ActorRef<DispatcherMsg>, gateway: string, topic: string, on: boolean): void {
  ref.tell({ type: 'interest', gateway, topic, on });
}

function brief(events: readonly TopicEvent[]): string[] {
  return events.map((e) => `${e.topic}#${e.seq}=${String(e.data)}`);
}

const pub = (topic: string, data: unknown): PublishItem => ({ topic, data });

/** The dispatcher's admin view. */
function inspectOf(h: Harness): Record<string, unknown> {
  return h.system.inspect(h.ref.path)!.state;
}

describe('dispatcherBehavior', () => {
  describe('#publish', () => {
    it('stamps seq per topic in item order and replies once with one result per item', async () => {
      const { ref } = start();
      const results = await publish(ref, [
        pub('a', 1),
        pub('b', 1),
        pub('a', 2),
        pub('a', 3),
        pub('b', 2),
      ]);
      expect(results.map((r) => r.seq)).toEqual([1, 1, 2, 3, 2]);
      const more = await publish(ref, [pub('a', 4)]);
      expect(more[0]!.seq).toBe(4);
      expect(more[0]!.epoch).toBe(results[0]!.epoch);
    });

    it('gives each topic its own epoch', async () => {
      const { ref } = start();
      const [a, b] = await publish(ref, [pub('a', 1), pub('b', 1)]);
      expect(a!.epoch).not.toBe(b!.epoch);
    });

    it('accepts a publish without reply', async () => {
      const { ref } = start();
      expect(ref.tell({ type: 'publish', items: [pub('a', 1)] })).toBe(true);
      const [r] = await publish(ref, [pub('a', 2)]);
      expect(r!.seq).toBe(2);
    });

    it('sends events only to gateways with interest in their topic', async () => {
      const { ref } = start();
      const g1 = attach(ref, 'g1');
      const g2 = attach(ref, 'g2');
      interest(ref, 'g1', 'a', true);
      interest(ref, 'g2', 'b', true);
      await publish(ref, [pub('a', 1), pub('b', 1), pub('c', 1)]);
      expect(g1.map(brief)).toEqual([['a#1=1']]);
      expect(g2.map(brief)).toEqual([['b#1=1']]);
    });

    it('calls each interested sink once per batch with its events in stamp order', async () => {
      const { ref } = start();
      const g1 = attach(ref, 'g1');
      const g2 = attach(ref, 'g2');
      interest(ref, 'g1', 'a', true);
      interest(ref, 'g1', 'b', true);
      interest(ref, 'g2', 'a', true);
      await publish(ref, [pub('a', 'x'), pub('b', 'y'), pub('a', 'z')]);
      expect(g1.map(brief)).toEqual([['a#1=x', 'b#1=y', 'a#2=z']]);
      expect(g2.map(brief)).toEqual([['a#1=x', 'a#2=z']]);
      await publish(ref, [pub('a', 'w')]);
      expect(g1).toHaveLength(2);
      expect(brief(g1[1]!)).toEqual(['a#3=w']);
    });

    it('stamps the events it forwards with the epoch and seq it replies with', async () => {
      const { ref } = start();
      const g1 = attach(ref, 'g1');
      interest(ref, 'g1', 'a', true);
      const [r] = await publish(ref, [pub('a', { k: 1 })]);
      const ev = g1[0]![0]!;
      expect(ev).toMatchObject({ topic: 'a', seq: r!.seq, epoch: r!.epoch, data: { k: 1 } });
      expect(typeof ev.t0).toBe('number');
    });

    it('does not call any sink when no gateway has interest', async () => {
      const { ref } = start();
      const g1 = attach(ref, 'g1');
      await publish(ref, [pub('a', 1)]);
      expect(g1).toEqual([]);
    });
  });

  describe('#interest', () => {
    it('stops forwarding a topic once its interest is withdrawn', async () => {
      const { ref } = start();
      const g1 = attach(ref, 'g1');
      interest(ref, 'g1', 'a', true);
      await publish(ref, [pub('a', 1)]);
      interest(ref, 'g1', 'a', false);
      await publish(ref, [pub('a', 2)]);
      expect(g1.map(brief)).toEqual([['a#1=1']]);
    });

    it('keeps forwarding to the other gateways when one withdraws', async () => {
      const { ref } = start();
      const g1 = attach(ref, 'g1');
      const g2 = attach(ref, 'g2');
      interest(ref, 'g1', 'a', true);
      interest(ref, 'g2', 'a', true);
      interest(ref, 'g1', 'a', false);
      await publish(ref, [pub('a', 1)]);
      expect(g1).toEqual([]);
      expect(g2.map(brief)).toEqual([['a#1=1']]);
    });

    it('counts a gateway once however often it registers the same interest', async () => {
      const { ref } = start();
      const g1 = attach(ref, 'g1');
      interest(ref, 'g1', 'a', true);
      interest(ref, 'g1', 'a', true);
      await publish(ref, [pub('a', 1)]);
      expect(g1.map(brief)).toEqual([['a#1=1']]);
      interest(ref, 'g1', 'a', false);
      await publish(ref, [pub('a', 2)]);
      expect(g1).toHaveLength(1);
    });

    it('follows interest changes of a topic that already has a log', async () => {
      // The log keeps its own copy of the topic's interest: every change must reach it.
      const { ref } = start();
      const g1 = attach(ref, 'g1');
      const g2 = attach(ref, 'g2');
      await publish(ref, [pub('a', 1)]); // a log, no interest yet
      interest(ref, 'g1', 'a', true);
      await publish(ref, [pub('a', 2)]);
      interest(ref, 'g2', 'a', true); // one gateway becomes two
      await publish(ref, [pub('a', 3)]);
      interest(ref, 'g1', 'a', false); // two become one
      await publish(ref, [pub('a', 4)]);
      interest(ref, 'g2', 'a', false); // none
      await publish(ref, [pub('a', 5)]);
      interest(ref, 'g1', 'a', true); // and back
      await publish(ref, [pub('a', 6)]);
      expect(g1.map(brief)).toEqual([['a#2=2'], ['a#3=3'], ['a#6=6']]);
      expect(g2.map(brief)).toEqual([['a#3=3'], ['a#4=4']]);
    });

    it('ignores withdrawing an interest that was never registered', async () => {
      const { ref } = start();
      const g1 = attach(ref, 'g1');
      interest(ref, 'g1', 'zzz', false);
      interest(ref, 'g1', 'a', true);
      await publish(ref, [pub('a', 1)]);
      expect(g1).toHaveLength(1);
    });
  });

  describe('#detach', () => {
    it('stops calling the sink and drops every interest of the gateway', async () => {
      const { ref, stats } = start();
      const g1 = attach(ref, 'g1');
      interest(ref, 'g1', 'a', true);
      interest(ref, 'g1', 'b', true);
      ref.tell({ type: 'detach', gateway: 'g1' });
      await publish(ref, [pub('a', 1), pub('b', 1)]);
      expect(g1).toEqual([]);
      expect(stats.gateways).toBe(0);
    });

    it('drops the interest of a topic with a log, keeping the other gateways', async () => {
      const { ref } = start();
      attach(ref, 'g1');
      const g2 = attach(ref, 'g2');
      interest(ref, 'g1', 'a', true);
      interest(ref, 'g2', 'a', true);
      interest(ref, 'g1', 'b', true); // g1 alone
      await publish(ref, [pub('a', 1), pub('b', 1)]);
      ref.tell({ type: 'detach', gateway: 'g1' });
      const again = attach(ref, 'g1');
      await publish(ref, [pub('a', 2), pub('b', 2)]);
      expect(again).toEqual([]);
      expect(g2.map(brief)).toEqual([['a#1=1'], ['a#2=2']]);
    });

    it('does not restore old interest when the gateway attaches again', async () => {
      const { ref } = start();
      attach(ref, 'g1');
      interest(ref, 'g1', 'a', true);
      ref.tell({ type: 'detach', gateway: 'g1' });
      const again = attach(ref, 'g1');
      await publish(ref, [pub('a', 1)]);
      expect(again).toEqual([]);
    });
  });

  describe('#history', () => {
    it('answers epoch and seq 0 for a topic never published to', async () => {
      const { ref } = start();
      const h = await history(ref, 'a');
      expect(h.seq).toBe(0);
      expect(h.recovered).toBe(false);
      expect(h.events).toEqual([]);
      const [r] = await publish(ref, [pub('a', 1)]);
      expect(r).toMatchObject({ seq: 1, epoch: h.epoch });
    });

    it('answers the latest seq without since', async () => {
      const { ref } = start();
      const rs = await publish(ref, [pub('a', 1), pub('a', 2)]);
      expect(await history(ref, 'a')).toEqual({
        epoch: rs[1]!.epoch,
        seq: 2,
        recovered: false,
        events: [],
      });
    });

    it('answers the missed events and recovered true with since', async () => {
      const { ref } = start();
      const rs = await publish(ref, [pub('a', 'x'), pub('a', 'y'), pub('a', 'z')]);
      const h = await history(ref, 'a', { epoch: rs[0]!.epoch, seq: 1 });
      expect(h.recovered).toBe(true);
      expect(brief(h.events)).toEqual(['a#2=y', 'a#3=z']);
    });

    it('answers recovered false when the history no longer holds every missed event', async () => {
      const { ref } = start({ capacity: 2 });
      const rs = await publish(ref, [pub('a', 1), pub('a', 2), pub('a', 3), pub('a', 4)]);
      const h = await history(ref, 'a', { epoch: rs[0]!.epoch, seq: 1 });
      expect(h.recovered).toBe(false);
      expect(brief(h.events)).toEqual(['a#3=3', 'a#4=4']);
    });

    it('answers recovered false for another epoch', async () => {
      const { ref } = start();
      const rs = await publish(ref, [pub('a', 1)]);
      const h = await history(ref, 'a', { epoch: `x${rs[0]!.epoch}`, seq: 0 });
      expect(h.recovered).toBe(false);
      expect(h.events).toEqual([]);
    });
  });

  describe('#history (last)', () => {
    it('answers the latest N held events, recovered true', async () => {
      const { ref } = start();
      const rs = await publish(
        ref,
        [1, 2, 3, 4, 5].map((n) => pub('a', n)),
      );
      const h = await history(ref, 'a', undefined, 3);
      expect(h).toMatchObject({ epoch: rs[0]!.epoch, seq: 5, recovered: true });
      expect(brief(h.events)).toEqual(['a#3=3', 'a#4=4', 'a#5=5']);
    });

    it('lets since win where both are given', async () => {
      const { ref } = start();
      const rs = await publish(
        ref,
        [1, 2, 3, 4, 5].map((n) => pub('a', n)),
      );
      const h = await history(ref, 'a', { epoch: rs[0]!.epoch, seq: 4 }, 3);
      expect(brief(h.events)).toEqual(['a#5=5']);
    });

    it('answers no event and recovered true for a topic never published to', async () => {
      const { ref } = start();
      const h = await history(ref, 'never', undefined, 5);
      expect(h).toMatchObject({ seq: 0, recovered: true, events: [] });
      const [r] = await publish(ref, [pub('never', 1)]);
      expect(r!.epoch).toBe(h.epoch);
    });

    it('answers recovered false from a position whose events are no longer held', async () => {
      const { ref } = start({ capacity: 0 });
      await publish(ref, [pub('a', 1), pub('a', 2)]);
      expect(await history(ref, 'a', undefined, 5)).toMatchObject({
        seq: 2,
        recovered: false,
        events: [],
      });
    });
  });

  describe('history bytes (historyMaxBytes)', () => {
    const X = 'x'.repeat(1000);
    const size = eventBytes(X);

    it('evicts the oldest events of the node first, across topics, and a resume past one is not recovered', async () => {
      const { ref, stats } = start({ historyMaxBytes: 3 * size });
      const [a1, b1] = await publish(ref, [pub('a', X), pub('b', X), pub('a', X)]);
      expect(stats).toMatchObject({ historyBytes: 3 * size, historyEvictions: 0 });
      await publish(ref, [pub('b', X)]); // a#1 is the node's oldest: it goes
      const ha = await history(ref, 'a', { epoch: a1!.epoch, seq: 0 });
      expect(ha.recovered).toBe(false);
      expect(brief(ha.events)).toEqual([`a#2=${X}`]);
      const hb = await history(ref, 'b', { epoch: b1!.epoch, seq: 0 });
      expect(hb.recovered).toBe(true);
      expect(hb.events.map((e) => e.seq)).toEqual([1, 2]);
      await publish(ref, [pub('c', X)]); // then b#1
      const hb2 = await history(ref, 'b', { epoch: b1!.epoch, seq: 0 });
      expect(hb2.recovered).toBe(false);
      expect(stats).toMatchObject({
        historyBytes: 3 * size,
        historyEvents: 3,
        historyEvictions: 2,
      });
    });

    it('charges an item that carries its size exactly that size, without walking its data', async () => {
      const { ref, stats } = start({ historyMaxBytes: 10 * size });
      // 5 is not what a walk of X finds: the charge can only have come from the item.
      await publish(ref, [{ topic: 'a', data: X, bytes: 5 }, pub('b', X)]);
      expect(stats).toMatchObject({
        historyBytes: 5 + EVENT_OVERHEAD_BYTES + size,
        historyEvents: 2,
      });
    });

    it('still delivers live an event larger than the whole cap, holding none of it', async () => {
      const { ref, stats } = start({ historyMaxBytes: size / 2 });
      const g1 = attach(ref, 'g1');
      interest(ref, 'g1', 'a', true);
      const [r] = await publish(ref, [pub('a', X)]);
      expect(r!.seq).toBe(1);
      expect(g1.map(brief)).toEqual([[`a#1=${X}`]]);
      expect(stats).toMatchObject({ historyBytes: 0, historyEvents: 0, historyEvictions: 1 });
      expect((await publish(ref, [pub('a', X)]))[0]).toMatchObject({ seq: 2, epoch: r!.epoch });
    });

    it('shows the held bytes and evictions in stats and the admin view', async () => {
      const h = start({ historyMaxBytes: size });
      await publish(h.ref, [pub('a', X), pub('b', X)]);
      expect(inspectOf(h)).toMatchObject({
        historyBytes: size,
        historyEvents: 1,
        historyEvictions: 1,
      });
    });
  });

  describe('topics before their first publish', () => {
    it('makes no log for sub and history of topics never published', async () => {
      const h = start();
      attach(h.ref, 'g1');
      for (let i = 0; i < 200; i++) interest(h.ref, 'g1', `t${i}`, true);
      const answers = await Promise.all(
        Array.from({ length: 200 }, (_, i) => history(h.ref, `t${i}`)),
      );
      expect(answers.every((a) => a.seq === 0 && a.events.length === 0)).toBe(true);
      expect(h.stats.topics).toBe(0);
      expect(inspectOf(h)).toMatchObject({ topics: 0, positions: 200 });
    });

    it('stamps the first event with the epoch the subscribers were given in their ack', async () => {
      const { ref, stats } = start();
      const g1 = attach(ref, 'g1');
      interest(ref, 'g1', 'a', true);
      const ack = await history(ref, 'a');
      const again = await history(ref, 'a');
      expect(again.epoch).toBe(ack.epoch);
      const [r] = await publish(ref, [pub('a', 1)]);
      expect(r).toMatchObject({ seq: 1, epoch: ack.epoch });
      expect(g1[0]![0]).toMatchObject({ seq: 1, epoch: ack.epoch });
      expect(stats.topics).toBe(1);
    });

    it('answers recovered true to a resume from seq 0 of that epoch before any publish', async () => {
      const { ref } = start();
      attach(ref, 'g1');
      interest(ref, 'g1', 'a', true);
      const ack = await history(ref, 'a');
      expect((await history(ref, 'a', { epoch: ack.epoch, seq: 0 })).recovered).toBe(true);
      expect((await history(ref, 'a', { epoch: 'other', seq: 0 })).recovered).toBe(false);
    });
  });

  describe('forgetting topics', () => {
    it('keeps the seq of a topic with interest even when it holds nothing', async () => {
      const { ref } = start({ capacity: 0 });
      attach(ref, 'g1');
      interest(ref, 'g1', 'a', true);
      const [r1] = await publish(ref, [pub('a', 1)]);
      const [r2] = await publish(ref, [pub('a', 2)]);
      expect(r2).toMatchObject({ seq: 2, epoch: r1!.epoch });
    });

    it('lets go of a log that holds nothing once its last interest leaves, keeping its position', async () => {
      const h = start({ capacity: 0 });
      attach(h.ref, 'g1');
      interest(h.ref, 'g1', 'a', true);
      const [r] = await publish(h.ref, [pub('a', 1)]);
      expect(h.stats.topics).toBe(1);
      interest(h.ref, 'g1', 'a', false);
      const after = await history(h.ref, 'a', { epoch: r!.epoch, seq: 1 });
      expect(h.stats.topics).toBe(0);
      expect(after).toMatchObject({ epoch: r!.epoch, seq: 1, recovered: true });
      expect((await publish(h.ref, [pub('a', 2)]))[0]).toMatchObject({ seq: 2, epoch: r!.epoch });
    });

    it('replays what was published while a topic had no interest to a client that resumes', async () => {
      // A client subscribed (before any publish), lost its connection, comes back: a gateway
      // restart withdraws every interest of that gateway at once, so this is the common case.
      const { ref } = start();
      attach(ref, 'g1');
      interest(ref, 'g1', 'a', true);
      const ack = await history(ref, 'a');
      interest(ref, 'g1', 'a', false);
      await publish(ref, [pub('a', 1), pub('a', 2)]);
      interest(ref, 'g1', 'a', true);
      const resumed = await history(ref, 'a', { epoch: ack.epoch, seq: 0 });
      expect(resumed).toMatchObject({ epoch: ack.epoch, seq: 2, recovered: true });
      expect(resumed.events.map((e) => e.data)).toEqual([1, 2]);
    });

    it('lets go of the position of a topic without interest after the history TTL', async () => {
      const h = start({ ttlMs: 30, sweepMs: 5 });
      attach(h.ref, 'g1');
      interest(h.ref, 'g1', 'a', true);
      const first = await history(h.ref, 'a');
      expect(inspectOf(h)).toMatchObject({ positions: 1 });
      interest(h.ref, 'g1', 'a', false);
      await publish(h.ref, []);
      expect(inspectOf(h)).toMatchObject({ positions: 1 });
      await eventually(() => inspectOf(h).positions === 0);
      interest(h.ref, 'g1', 'a', true);
      expect((await history(h.ref, 'a')).epoch).not.toBe(first.epoch);
    });

    it('keeps the position of a topic with interest past the TTL', async () => {
      const h = start({ ttlMs: 10, sweepMs: 5 });
      attach(h.ref, 'g1');
      interest(h.ref, 'g1', 'a', true);
      const first = await history(h.ref, 'a');
      await new Promise((r) => setTimeout(r, 50));
      expect((await history(h.ref, 'a')).epoch).toBe(first.epoch);
    });

    it('lets go of the position read for a topic without interest after the TTL', async () => {
      const h = start({ sweepMs: 5, ttlMs: 20 });
      await history(h.ref, 'a');
      await eventually(() => inspectOf(h).positions === 0);
    });

    it('keeps at most maxIdlePositions positions without interest, the oldest let go first', async () => {
      const h = start({ maxIdlePositions: 10 });
      const answers = [];
      for (let i = 0; i < 25; i++) answers.push(await history(h.ref, `t${i}`));
      expect(inspectOf(h)).toMatchObject({ positions: 10 });
      expect((await history(h.ref, 't24')).epoch).toBe(answers[24]!.epoch);
      expect((await history(h.ref, 't0')).epoch).not.toBe(answers[0]!.epoch);
    });

    it('keeps nothing for a publish nobody wants when history is off', async () => {
      const { ref, stats } = start({ capacity: 0 });
      await publish(ref, [pub('a', 1), pub('b', 1)]);
      expect(stats.topics).toBe(0);
    });

    it('forgets a log without interest once the cap evicted all it held', async () => {
      const size = eventBytes(1);
      const { ref, stats } = start({ historyMaxBytes: size });
      await publish(ref, [pub('a', 1), pub('b', 1)]);
      expect(stats.topics).toBe(1);
    });

    it('keeps a log with held events after its interest leaves, until they expire', async () => {
      const { ref, stats } = start({ ttlMs: 30, sweepMs: 5 });
      attach(ref, 'g1');
      interest(ref, 'g1', 'a', true);
      await publish(ref, [pub('a', 1)]);
      interest(ref, 'g1', 'a', false);
      await publish(ref, []);
      expect(stats.topics).toBe(1);
      await eventually(() => stats.topics === 0);
      expect(stats.historyEvents).toBe(0);
    });
  });

  describe('#sweep', () => {
    it('evicts idle topics without interest and keeps those with interest', async () => {
      const h = start({ ttlMs: 20, sweepMs: 5 });
      const { ref, stats } = h;
      attach(ref, 'g1');
      interest(ref, 'g1', 'kept', true);
      const [idle, kept] = await publish(ref, [pub('idle', 1), pub('kept', 1)]);
      expect(stats.topics).toBe(2);
      await eventually(() => stats.topics === 1 && inspectOf(h).positions === 0);
      const idleNow = await history(ref, 'idle');
      expect(idleNow.seq).toBe(0);
      expect(idleNow.epoch).not.toBe(idle!.epoch);
      const keptNow = await history(ref, 'kept');
      expect(keptNow).toMatchObject({ epoch: kept!.epoch, seq: 1 });
    });

    it('evicts a topic once its last interest is withdrawn and it goes idle', async () => {
      const h = start({ ttlMs: 20, sweepMs: 5 });
      const { ref, stats } = h;
      attach(ref, 'g1');
      interest(ref, 'g1', 'a', true);
      await publish(ref, [pub('a', 1)]);
      interest(ref, 'g1', 'a', false);
      await eventually(() => stats.topics === 0 && inspectOf(h).positions === 0);
      expect((await history(ref, 'a')).seq).toBe(0);
    });
  });

  describe('stats', () => {
    it('counts topics, events in, events routed per gateway and attached gateways', async () => {
      const { ref, stats } = start();
      attach(ref, 'g1');
      attach(ref, 'g2');
      interest(ref, 'g1', 'a', true);
      interest(ref, 'g2', 'a', true);
      interest(ref, 'g2', 'b', true);
      await publish(ref, [pub('a', 1), pub('b', 1), pub('c', 1)]);
      expect(stats).toMatchObject({ topics: 3, eventsIn: 3, eventsRouted: 3, gateways: 2 });
      ref.tell({ type: 'detach', gateway: 'g2' });
      await publish(ref, [pub('a', 2)]);
      expect(stats).toMatchObject({ topics: 3, eventsIn: 4, eventsRouted: 4, gateways: 1 });
    });

    it('does not count events for an interested gateway that has no sink', async () => {
      const { ref, stats } = start();
      interest(ref, 'ghost', 'a', true);
      await publish(ref, [pub('a', 1)]);
      expect(stats.eventsIn).toBe(1);
      expect(stats.eventsRouted).toBe(0);
    });
  });

  describe('supervision', () => {
    const boom = (): never => {
      throw new Error('boom');
    };

    it('keeps attachment, interest and history when a message throws', async () => {
      const h = start();
      const calls = attach(h.ref, 'g1');
      h.ref.tell({ type: 'interest', gateway: 'g1', topic: 't', on: true });
      const [first] = await publish(h.ref, [{ topic: 't', data: 1 }]);
      h.ref.tell({ type: 'history', topic: 't', since: undefined, reply: boom });
      await publish(h.ref, [{ topic: 't', data: 2 }]);
      expect(calls.flat().map((e) => e.data)).toEqual([1, 2]);
      const a = await history(h.ref, 't', { epoch: first!.epoch, seq: 0 });
      expect(a).toMatchObject({ epoch: first!.epoch, seq: 2, recovered: true });
      expect(h.system.stats().restarts).toBe(0);
    });

    it('never stops however many messages throw', async () => {
      const h = start();
      await publish(h.ref, [{ topic: 't', data: 1 }]);
      for (let i = 0; i < 50; i++) h.ref.tell({ type: 'retain', owns: boom });
      const [r] = await publish(h.ref, [{ topic: 't', data: 2 }]);
      expect(r!.seq).toBe(2);
      expect(h.ref.isAlive()).toBe(true);
    });
  });

  describe('#inspect', () => {
    it('shows attached gateways and their interest in the admin view', async () => {
      const { system, ref } = start();
      attach(ref, 'g1');
      interest(ref, 'g1', 'a', true);
      await publish(ref, [pub('a', 1)]);
      const node = system.inspect(ref.path);
      expect(node?.state).toMatchObject({
        topics: 1,
        gateways: ['g1'],
        interest: { a: ['g1'] },
        eventsIn: 1,
      });
    });
  });
});
