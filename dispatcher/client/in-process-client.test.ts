import { ActorSystem, type ActorRef } from '../../actors';

import {
  dispatcherBehavior,
  newDispatcherStats,
  type DispatcherMsg,
  type DispatcherStats,
} from '../dispatcher-actor';
import { DispatcherUnavailableError } from '../errors';
import { eventBytes, EVENT_OVERHEAD_BYTES } from '../history-budget';
import type { TopicEvent } from '../types';
import { InProcessDispatcherClient } from './in-process-client';
import { eventually } from '../../testing/eventually';

interface Harness {
  system: ActorSystem;
  ref: ActorRef<DispatcherMsg>;
  stats: DispatcherStats;
}

const systems: ActorSystem[] = [];

function start(): Harness {
  const system = ActorSystem.create('in-process-client-test', { log: () => undefined });
  systems.push(system);
  const stats = newDispatcherStats();
  const ref = system.spawn<DispatcherMsg>('dispatcher', () =>
    dispatcherBehavior({ capacity: 100, ttlMs: 60_000, stats }),
  );
  return { system, ref, stats };
}

afterEach(async () => {
  await Promise.all(systems.splice(0).map((s) => s.terminate()));
});

/** A client whose sink records every call. */
function client(
  ref: ActorRef<DispatcherMsg>,
  gateway: string,
): { c: InProcessDispatcherClient; calls: TopicEvent[][] } {
  const c = new InProcessDispatcherClient(ref, gateway);
  const calls: TopicEvent[][] = [];
  c.onEvents((events) => calls.push([...events]));
  return { c, calls };
}

describe(InProcessDispatcherClient, () => {
  describe('#constructor', () => {
    it('attaches the gateway to the dispatcher', async () => {
      const { ref, stats } = start();
      const { c } = client(ref, 'g1');
      await c.history('t', undefined); // the attach was queued before it
      expect(stats.gateways).toBe(1);
    });
  });

  describe('#setInterest', () => {
    it('has the interest in force before a history requested after it is answered', async () => {
      const { ref } = start();
      const sub = client(ref, 'g1');
      const publisher = client(ref, 'p');
      sub.c.setInterest('t', true);
      const answer = sub.c.history('t', undefined);
      const published = publisher.c.publish('t', 'hello');
      const h = await answer;
      const r = await published;
      expect(h.seq).toBe(0);
      expect(r.seq).toBe(1);
      expect(r.epoch).toBe(h.epoch);
      expect(sub.calls.map((evs) => evs.map((e) => e.data))).toEqual([['hello']]);
    });

    it('stops the events of a topic once the interest is withdrawn', async () => {
      const { ref } = start();
      const { c, calls } = client(ref, 'g1');
      c.setInterest('t', true);
      await c.publish('t', 1);
      c.setInterest('t', false);
      await c.publish('t', 2);
      expect(calls.map((evs) => evs.map((e) => e.seq))).toEqual([[1]]);
    });
  });

  describe('#history', () => {
    it('resolves with the missed events when given since', async () => {
      const { ref } = start();
      const { c } = client(ref, 'g1');
      const first = await c.publish('t', 'a');
      await c.publish('t', 'b');
      const h = await c.history('t', { epoch: first.epoch, seq: first.seq });
      expect(h.recovered).toBe(true);
      expect(h.events.map((e) => e.data)).toEqual(['b']);
    });

    it('rejects with DispatcherUnavailableError when the dispatcher actor is stopped', async () => {
      const { system, ref } = start();
      const { c } = client(ref, 'g1');
      system.stop(ref);
      await eventually(() => !ref.isAlive());
      await expect(c.history('t', undefined)).rejects.toBeInstanceOf(DispatcherUnavailableError);
    });
  });

  describe('#publish', () => {
    it('resolves with the seq and epoch the dispatcher stamped', async () => {
      const { ref } = start();
      const { c } = client(ref, 'g1');
      const a = await c.publish('t', 1);
      const b = await c.publish('t', 2);
      expect(a.seq).toBe(1);
      expect(b).toEqual({ seq: 2, epoch: a.epoch });
      expect(typeof a.epoch).toBe('string');
    });

    it('hands the dispatcher the size the caller found, charged to the history as it is', async () => {
      const { ref, stats } = start();
      const { c } = client(ref, 'g1');
      await c.publish('t', 'x'.repeat(100), 5); // 5: not what a walk of the data finds
      expect(stats.historyBytes).toBe(5 + EVENT_OVERHEAD_BYTES);
      await c.publish('t', 'x'.repeat(100));
      expect(stats.historyBytes).toBe(5 + EVENT_OVERHEAD_BYTES + eventBytes('x'.repeat(100)));
    });

    it('rejects with DispatcherUnavailableError when the dispatcher actor is stopped', async () => {
      const { system, ref } = start();
      const { c } = client(ref, 'g1');
      system.stop(ref);
      await eventually(() => !ref.isAlive());
      const err: unknown = await c.publish('t', 1).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(DispatcherUnavailableError);
      expect((err as DispatcherUnavailableError).code).toBe('DISPATCHER_UNAVAILABLE');
    });
  });

  describe('#onEvents', () => {
    it('delivers the stamped events of topics of interest to the sink', async () => {
      const { ref } = start();
      const { c, calls } = client(ref, 'g1');
      c.setInterest('t', true);
      const r = await c.publish('t', { n: 1 });
      expect(calls).toHaveLength(1);
      expect(calls[0]).toEqual([
        expect.objectContaining({ topic: 't', seq: r.seq, epoch: r.epoch, data: { n: 1 } }),
      ]);
    });

    it('uses the sink set last', async () => {
      const { ref } = start();
      const { c, calls } = client(ref, 'g1');
      const later: TopicEvent[] = [];
      c.onEvents((events) => later.push(...events));
      c.setInterest('t', true);
      await c.publish('t', 1);
      expect(calls).toEqual([]);
      expect(later.map((e) => e.seq)).toEqual([1]);
    });
  });

  describe('#close', () => {
    it('detaches the gateway so no more events reach the sink', async () => {
      const { ref, stats } = start();
      const sub = client(ref, 'g1');
      const publisher = client(ref, 'p');
      sub.c.setInterest('t', true);
      sub.c.close();
      await publisher.c.publish('t', 1);
      expect(sub.calls).toEqual([]);
      expect(stats.gateways).toBe(1);
    });
  });
});
