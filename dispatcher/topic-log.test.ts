import {
  lastRecovered,
  newEpoch,
  TopicLog,
  type HistoryLedger,
  type TopicLogLimits,
} from './topic-log';
import { RawMsgpack } from '../protocol/raw-msgpack';

const TOPIC = 'room:1';
const ROOMY: TopicLogLimits = { capacity: 100, ttlMs: 60_000 };

/** A log holding `n` events appended at `now`, data = seq. */
function logWith(n: number, limits: TopicLogLimits = ROOMY, now = 0): TopicLog {
  const log = new TopicLog(TOPIC, limits, now);
  for (let i = 1; i <= n; i++) log.append(i, now);
  return log;
}

function seqs(events: readonly { seq: number }[]): number[] {
  return events.map((e) => e.seq);
}

describe('newEpoch', () => {
  it('returns a non-empty url-safe string that differs between calls', () => {
    const a = newEpoch();
    const b = newEpoch();
    expect(a).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(a).not.toBe(b);
  });
});

describe('TopicLog', () => {
  describe('#constructor', () => {
    it('starts at seq 0 with nothing held', () => {
      const log = new TopicLog(TOPIC, ROOMY, 0);
      expect(log.lastSeq).toBe(0);
      expect(log.held).toBe(0);
      expect(log.topic).toBe(TOPIC);
    });

    it('uses the epoch it is given', () => {
      expect(new TopicLog(TOPIC, ROOMY, 0, 'e1').epoch).toBe('e1');
    });

    it('picks a fresh epoch for each new life of the topic when none is given', () => {
      const a = new TopicLog(TOPIC, ROOMY, 0);
      const b = new TopicLog(TOPIC, ROOMY, 0);
      expect(a.epoch).not.toBe('');
      expect(a.epoch).not.toBe(b.epoch);
    });

    it('records the creation time as the last activity', () => {
      expect(new TopicLog(TOPIC, ROOMY, 1234).lastActive).toBe(1234);
    });
  });

  describe('#append', () => {
    it('stamps seq 1, 2, 3 with the topic, the epoch, the data and the time', () => {
      const log = new TopicLog(TOPIC, ROOMY, 0, 'ep');
      const a = log.append({ n: 'a' }, 10);
      const b = log.append('b', 11);
      const c = log.append(null, 12);
      expect(a).toEqual({ topic: TOPIC, seq: 1, epoch: 'ep', data: { n: 'a' }, t0: 10 });
      expect(b).toEqual({ topic: TOPIC, seq: 2, epoch: 'ep', data: 'b', t0: 11 });
      expect(c).toEqual({ topic: TOPIC, seq: 3, epoch: 'ep', data: null, t0: 12 });
      expect(log.lastSeq).toBe(3);
      expect(log.held).toBe(3);
    });

    it('updates the last activity time', () => {
      const log = new TopicLog(TOPIC, ROOMY, 0);
      log.append(1, 500);
      expect(log.lastActive).toBe(500);
    });

    it('evicts the oldest event when the ring is full', () => {
      const log = logWith(5, { capacity: 3, ttlMs: 60_000 });
      expect(log.held).toBe(3);
      expect(log.lastSeq).toBe(5);
      const r = log.read({ epoch: log.epoch, seq: 0 }, 0);
      expect(seqs(r.events)).toEqual([3, 4, 5]);
      expect(r.events.map((e) => e.data)).toEqual([3, 4, 5]);
    });

    it('keeps stamping seq but holds nothing when the capacity is 0', () => {
      const log = logWith(4, { capacity: 0, ttlMs: 60_000 });
      expect(log.lastSeq).toBe(4);
      expect(log.held).toBe(0);
    });

    it('drops events older than the ttl when a new one is appended', () => {
      const log = new TopicLog(TOPIC, { capacity: 10, ttlMs: 100 }, 0);
      log.append('old', 0);
      log.append('older-but-kept', 50);
      log.append('new', 120);
      expect(log.held).toBe(2);
      const r = log.read({ epoch: log.epoch, seq: 0 }, 120);
      expect(r.events.map((e) => e.data)).toEqual(['older-but-kept', 'new']);
    });

    it('keeps order across ring wrap-around combined with ttl eviction', () => {
      const log = new TopicLog(TOPIC, { capacity: 3, ttlMs: 50 }, 0);
      log.append(1, 0);
      log.append(2, 0);
      log.append(3, 0);
      log.append(4, 100); // overwrites 1, then 2 and 3 expire
      log.append(5, 100);
      log.append(6, 100);
      log.append(7, 100); // overwrites 4
      expect(log.held).toBe(3);
      expect(seqs(log.read({ epoch: log.epoch, seq: 0 }, 100).events)).toEqual([5, 6, 7]);
    });
  });

  describe('#read', () => {
    it('answers the current position, not recovered and no events, without since', () => {
      const log = logWith(3);
      expect(log.read(undefined, 0)).toEqual({
        epoch: log.epoch,
        seq: 3,
        recovered: false,
        events: [],
      });
    });

    it('answers seq 0 for a topic that has seen no publish', () => {
      const log = new TopicLog(TOPIC, ROOMY, 0, 'ep');
      expect(log.read(undefined, 0)).toEqual({ epoch: 'ep', seq: 0, recovered: false, events: [] });
    });

    it('returns every missed event and recovered true when nothing after since was evicted', () => {
      const log = logWith(5);
      const r = log.read({ epoch: log.epoch, seq: 2 }, 0);
      expect(r.recovered).toBe(true);
      expect(r.seq).toBe(5);
      expect(r.epoch).toBe(log.epoch);
      expect(seqs(r.events)).toEqual([3, 4, 5]);
    });

    it('returns recovered true and no events when the client is caught up', () => {
      const log = logWith(4);
      const r = log.read({ epoch: log.epoch, seq: 4 }, 0);
      expect(r.recovered).toBe(true);
      expect(r.events).toEqual([]);
    });

    it('returns recovered true for since seq 0 on a topic with no publish yet', () => {
      const log = new TopicLog(TOPIC, ROOMY, 0);
      expect(log.read({ epoch: log.epoch, seq: 0 }, 0).recovered).toBe(true);
    });

    it('returns the events still held and recovered false when some after since were evicted by capacity', () => {
      const log = logWith(6, { capacity: 3, ttlMs: 60_000 });
      const r = log.read({ epoch: log.epoch, seq: 1 }, 0);
      expect(r.recovered).toBe(false);
      expect(seqs(r.events)).toEqual([4, 5, 6]);
    });

    it('returns recovered true when since is exactly the seq before the oldest held event', () => {
      const log = logWith(6, { capacity: 3, ttlMs: 60_000 });
      const r = log.read({ epoch: log.epoch, seq: 3 }, 0);
      expect(r.recovered).toBe(true);
      expect(seqs(r.events)).toEqual([4, 5, 6]);
    });

    it('returns the events still held and recovered false when some after since expired by ttl', () => {
      const log = new TopicLog(TOPIC, { capacity: 10, ttlMs: 100 }, 0);
      log.append('a', 0);
      log.append('b', 0);
      log.append('c', 80);
      const r = log.read({ epoch: log.epoch, seq: 0 }, 150);
      expect(r.recovered).toBe(false);
      expect(r.events.map((e) => e.data)).toEqual(['c']);
      expect(log.held).toBe(1);
    });

    it('returns recovered false and no events when every missed event expired', () => {
      const log = new TopicLog(TOPIC, { capacity: 10, ttlMs: 100 }, 0);
      log.append('a', 0);
      log.append('b', 0);
      const r = log.read({ epoch: log.epoch, seq: 1 }, 1000);
      expect(r).toEqual({ epoch: log.epoch, seq: 2, recovered: false, events: [] });
    });

    it('returns recovered false and no events for another epoch', () => {
      const log = logWith(3);
      const r = log.read({ epoch: `not-${log.epoch}`, seq: 1 }, 0);
      expect(r).toEqual({ epoch: log.epoch, seq: 3, recovered: false, events: [] });
    });

    it('returns recovered false and no events for a seq from the future', () => {
      const log = logWith(3);
      const r = log.read({ epoch: log.epoch, seq: 4 }, 0);
      expect(r).toEqual({ epoch: log.epoch, seq: 3, recovered: false, events: [] });
    });

    it('returns recovered false and no events when the capacity is 0 and events were missed', () => {
      const log = logWith(3, { capacity: 0, ttlMs: 60_000 });
      const r = log.read({ epoch: log.epoch, seq: 1 }, 0);
      expect(r).toEqual({ epoch: log.epoch, seq: 3, recovered: false, events: [] });
    });

    it('returns recovered true when the capacity is 0 and nothing was missed', () => {
      const log = logWith(3, { capacity: 0, ttlMs: 60_000 });
      expect(log.read({ epoch: log.epoch, seq: 3 }, 0).recovered).toBe(true);
    });

    it('expires old events on read even when nothing new is appended', () => {
      const log = new TopicLog(TOPIC, { capacity: 10, ttlMs: 100 }, 0);
      log.append('a', 0);
      expect(log.held).toBe(1);
      log.read(undefined, 500);
      expect(log.held).toBe(0);
    });
  });

  describe('#read (last)', () => {
    it('returns the latest N held events, oldest first, and recovered true', () => {
      const log = logWith(20);
      const r = log.read(undefined, 0, 5);
      expect(seqs(r.events)).toEqual([16, 17, 18, 19, 20]);
      expect(r.events.map((e) => e.data)).toEqual([16, 17, 18, 19, 20]);
      expect(r).toMatchObject({ epoch: log.epoch, seq: 20, recovered: true });
    });

    it('returns every event and recovered true when fewer than N were stamped', () => {
      const r = logWith(20).read(undefined, 0, 1000);
      expect(seqs(r.events)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      expect(r.recovered).toBe(true);
    });

    it('returns no event and recovered true on a topic with no publish yet', () => {
      const log = new TopicLog(TOPIC, ROOMY, 0, 'ep');
      expect(log.read(undefined, 0, 5)).toEqual({
        epoch: 'ep',
        seq: 0,
        recovered: true,
        events: [],
      });
    });

    it('returns what is held and recovered false when the capacity let some of the N go', () => {
      const r = logWith(10, { capacity: 3, ttlMs: 60_000 }).read(undefined, 0, 5);
      expect(seqs(r.events)).toEqual([8, 9, 10]);
      expect(r.recovered).toBe(false);
    });

    it('returns recovered true when the capacity let go only events older than the N', () => {
      const r = logWith(10, { capacity: 3, ttlMs: 60_000 }).read(undefined, 0, 3);
      expect(seqs(r.events)).toEqual([8, 9, 10]);
      expect(r.recovered).toBe(true);
    });

    it('leaves out expired events (recovered false)', () => {
      const log = new TopicLog(TOPIC, { capacity: 10, ttlMs: 100 }, 0);
      log.append('a', 0);
      log.append('b', 80);
      const r = log.read(undefined, 150, 2);
      expect(r.events.map((e) => e.data)).toEqual(['b']);
      expect(r.recovered).toBe(false);
    });

    it('reads the latest N across a ring wrapped around', () => {
      const log = logWith(7, { capacity: 4, ttlMs: 60_000 });
      expect(seqs(log.read(undefined, 0, 3).events)).toEqual([5, 6, 7]);
      expect(seqs(log.read(undefined, 0, 4).events)).toEqual([4, 5, 6, 7]);
    });

    it('lets since win where both are given', () => {
      const log = logWith(10);
      const r = log.read({ epoch: log.epoch, seq: 8 }, 0, 5);
      expect(seqs(r.events)).toEqual([9, 10]);
      expect(r.recovered).toBe(true);
    });

    it('counts the events of a log made again from a position as not held (recovered false)', () => {
      const log = new TopicLog(TOPIC, ROOMY, 0, 'ep', undefined, 10);
      log.append('x', 0);
      const r = log.read(undefined, 0, 5);
      expect(seqs(r.events)).toEqual([11]);
      expect(r.recovered).toBe(false);
    });
  });

  describe('lastRecovered', () => {
    it('is true exactly when the replay holds min(N, seq) events', () => {
      expect(lastRecovered(5, 5, 20)).toBe(true);
      expect(lastRecovered(4, 5, 20)).toBe(false);
      expect(lastRecovered(3, 5, 3)).toBe(true);
      expect(lastRecovered(0, 5, 0)).toBe(true);
      expect(lastRecovered(0, 5, 1)).toBe(false);
    });
  });

  /** A ledger that records what a log tells it. */
  function recorder() {
    const calls: string[] = [];
    const ledger: HistoryLedger = {
      held: (log, seq, bytes) => calls.push(`held ${log.topic}#${seq} ${bytes}`),
      released: (bytes) => calls.push(`released ${bytes}`),
    };
    return { calls, ledger };
  }

  describe('#append (growth and ledger)', () => {
    it('grows its ring by doubling as events arrive, never past the capacity', () => {
      const log = new TopicLog(TOPIC, { capacity: 10, ttlMs: 60_000 }, 0);
      expect(log.slots).toBe(0);
      log.append(1, 0);
      expect(log.slots).toBe(4);
      for (let i = 2; i <= 5; i++) log.append(i, 0);
      expect(log.slots).toBe(8);
      for (let i = 6; i <= 30; i++) log.append(i, 0);
      expect(log.slots).toBe(10);
      expect(seqs(log.read({ epoch: log.epoch, seq: 20 }, 0).events)).toEqual([
        21, 22, 23, 24, 25, 26, 27, 28, 29, 30,
      ]);
    });

    it('keeps order when the ring grows after wrapping around', () => {
      const log = new TopicLog(TOPIC, { capacity: 8, ttlMs: 60_000 }, 0);
      for (let i = 1; i <= 4; i++) log.append(i, 0);
      log.dropOldest();
      log.dropOldest();
      for (let i = 5; i <= 9; i++) log.append(i, 0);
      expect(seqs(log.read({ epoch: log.epoch, seq: 2 }, 0).events)).toEqual([3, 4, 5, 6, 7, 8, 9]);
    });

    it('answers each held event as it was stamped, across growth, wrap-around and a ttl', () => {
      // Held column by column: a read rebuilds topic, seq, epoch, data and t0 from the ring.
      const log = new TopicLog(TOPIC, { capacity: 6, ttlMs: 100 }, 0);
      const stamped = [];
      for (let i = 1; i <= 15; i++) stamped.push(log.append({ n: i }, i * 10 + 0.25));
      const all = log.read({ epoch: log.epoch, seq: 0 }, 150);
      // Count keeps seqs 10..15; at 150 the ttl lets go of t0 < 50 too (none of those is held).
      expect(all.events).toEqual(stamped.slice(9));
      expect(all.events[0]).toEqual({
        topic: TOPIC,
        seq: 10,
        epoch: log.epoch,
        data: { n: 10 },
        t0: 100.25,
      });
      expect(all.events[0]!.data).toBe(stamped[9]!.data);
      expect(log.read({ epoch: log.epoch, seq: 13 }, 150).events).toEqual(stamped.slice(13));
      expect(log.read(undefined, 150, 2).events).toEqual(stamped.slice(13));
      // At 205 the ttl lets go of t0 < 105: seqs 10 (100.25) leaves, 11 (110.25) stays.
      expect(seqs(log.read({ epoch: log.epoch, seq: 0 }, 205).events)).toEqual([
        11, 12, 13, 14, 15,
      ]);
      expect(log.oldestT0).toBe(110.25);
    });

    it('holds publisher bytes off the heap and answers them as the bytes they came as', () => {
      // Raw data mixed with decoded data, across growth, wrap-around, count and ttl.
      const log = new TopicLog(TOPIC, { capacity: 6, ttlMs: 100 }, 0);
      const stamped = [];
      for (let i = 1; i <= 15; i++) {
        const data =
          i % 4 === 0 ? { n: i } : new RawMsgpack(String.fromCharCode(0x90 + (i % 16)).repeat(i));
        stamped.push(log.append(data, i * 10));
      }
      const all = log.read({ epoch: log.epoch, seq: 0 }, 150);
      expect(all.events).toEqual(stamped.slice(9));
      for (const e of all.events) {
        const want = stamped[e.seq - 1]!.data;
        if (want instanceof RawMsgpack) {
          // A new object for the same bytes: the appended one was not kept.
          expect(e.data).toBeInstanceOf(RawMsgpack);
          expect(e.data).not.toBe(want);
          expect((e.data as RawMsgpack).bin).toBe(want.bin);
        } else {
          expect(e.data).toBe(want);
        }
      }
      expect(log.read(undefined, 150, 2).events.map((e) => (e.data as RawMsgpack).bin)).toEqual([
        '\x9e'.repeat(14),
        '\x9f'.repeat(15),
      ]);
      log.clear();
      expect(log.read({ epoch: log.epoch, seq: 0 }, 150).events).toEqual([]);
    });

    it('makes its value column only when a value comes, wrapped or not, and keeps order', () => {
      // Raw events fill the typed columns alone; the first value (not publisher bytes) makes the
      // ring's value column, once at the full capacity in a wrapped ring and once before a growth.
      const raw = (i: number): RawMsgpack =>
        new RawMsgpack(String.fromCharCode(0xa0 + i).repeat(30));
      const full = new TopicLog(TOPIC, { capacity: 4, ttlMs: 60_000 }, 0);
      for (let i = 1; i <= 4; i++) full.append(raw(i), i);
      full.append({ n: 5 }, 5); // drops seq 1; the value lands in the wrapped slot 0
      full.append(raw(6), 6);
      const a = full.read({ epoch: full.epoch, seq: 0 }, 6).events;
      expect(seqs(a)).toEqual([3, 4, 5, 6]);
      expect(a.map((e) => (e.data instanceof RawMsgpack ? e.data.bin : e.data))).toEqual([
        raw(3).bin,
        raw(4).bin,
        { n: 5 },
        raw(6).bin,
      ]);
      expect(a.map((e) => e.t0)).toEqual([3, 4, 5, 6]);

      const growing = new TopicLog(TOPIC, { capacity: 16, ttlMs: 60_000 }, 0);
      for (let i = 1; i <= 4; i++) growing.append(raw(i), i);
      growing.dropOldest();
      growing.dropOldest();
      growing.append(raw(5), 5);
      growing.append(raw(6), 6); // wrapped: slots 0 and 1
      growing.append({ n: 7 }, 7); // full: grows (unwrapping) to 8, then makes the value column
      for (let i = 8; i <= 12; i++) growing.append(i % 2 === 0 ? raw(i) : { n: i }, i);
      expect(growing.slots).toBe(16);
      const b = growing.read({ epoch: growing.epoch, seq: 0 }, 12).events;
      expect(seqs(b)).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
      expect(b.map((e) => (e.data instanceof RawMsgpack ? e.data.bin : e.data))).toEqual(
        [3, 4, 5, 6, 7, 8, 9, 10, 11, 12].map((i) =>
          i <= 6 || i % 2 === 0 ? raw(i).bin : { n: i },
        ),
      );
      expect(b.map((e) => e.t0)).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    });

    it('keeps publisher bytes of no length as the value it was given', () => {
      const log = new TopicLog(TOPIC, ROOMY, 0);
      const empty = new RawMsgpack('');
      log.append(new RawMsgpack('\x01'), 0);
      log.append(empty, 0);
      const events = log.read({ epoch: log.epoch, seq: 0 }, 0).events;
      expect((events[0]!.data as RawMsgpack).bin).toBe('\x01');
      expect(events[1]!.data).toBe(empty);
    });

    it('tells its ledger the bytes of each event it holds and of each it lets go', () => {
      const { calls, ledger } = recorder();
      const log = new TopicLog(TOPIC, { capacity: 2, ttlMs: 100 }, 0, 'e', ledger);
      log.append('a', 0, 10);
      log.append('b', 0, 20);
      log.append('c', 50, 30); // the ring is full: 'a' goes
      log.append('d', 150, 40); // 'b' is too old, which makes room
      expect(calls).toEqual([
        'held room:1#1 10',
        'held room:1#2 20',
        'released 10',
        'held room:1#3 30',
        'released 20',
        'held room:1#4 40',
      ]);
    });

    it('holds nothing and tells its ledger nothing when the capacity is 0', () => {
      const { calls, ledger } = recorder();
      const log = new TopicLog(TOPIC, { capacity: 0, ttlMs: 100 }, 0, 'e', ledger);
      log.append('a', 0, 10);
      expect(calls).toEqual([]);
    });
  });

  describe('#dropOldest', () => {
    it('lets go of the oldest held event, so a resume past it is not recovered', () => {
      const { calls, ledger } = recorder();
      const log = new TopicLog(TOPIC, ROOMY, 0, 'e', ledger);
      log.append('a', 0, 10);
      log.append('b', 0, 20);
      log.dropOldest();
      expect(log.held).toBe(1);
      expect(log.firstSeq).toBe(2);
      expect(calls.at(-1)).toBe('released 10');
      expect(log.read({ epoch: 'e', seq: 0 }, 0).recovered).toBe(false);
      expect(log.read({ epoch: 'e', seq: 1 }, 0).recovered).toBe(true);
    });

    it('does nothing on an empty log', () => {
      const log = new TopicLog(TOPIC, ROOMY, 0);
      log.dropOldest();
      expect(log.held).toBe(0);
    });
  });

  describe('#clear', () => {
    it('lets go of every held event but keeps the seq', () => {
      const { calls, ledger } = recorder();
      const log = new TopicLog(TOPIC, ROOMY, 0, 'e', ledger);
      log.append('a', 0, 10);
      log.append('b', 0, 20);
      log.clear();
      expect(log.held).toBe(0);
      expect(log.lastSeq).toBe(2);
      expect(log.firstSeq).toBe(3);
      expect(calls.slice(2)).toEqual(['released 30']);
    });
  });

  describe('#oldestT0', () => {
    it('is the time of the oldest held event, or undefined when none is held', () => {
      const log = new TopicLog(TOPIC, ROOMY, 0);
      expect(log.oldestT0).toBeUndefined();
      log.append('a', 7);
      log.append('b', 9);
      expect(log.oldestT0).toBe(7);
    });
  });
});
