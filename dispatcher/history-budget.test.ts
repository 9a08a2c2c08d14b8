import { eventBytes, EVENT_OVERHEAD_BYTES, HistoryBudget, newHistoryStats } from './history-budget';
import { TopicLog } from './topic-log';

const ROOMY = { capacity: 100, ttlMs: 1_000 };

/** A budget of `maxBytes`, logs made on it, and the logs it reported emptied. */
function setup(maxBytes: number, limits = ROOMY) {
  const stats = newHistoryStats();
  const emptied: string[] = [];
  const budget = new HistoryBudget({
    maxBytes,
    ttlMs: limits.ttlMs,
    stats,
    onEmptied: (log) => emptied.push(log.topic),
  });
  const log = (topic: string) => new TopicLog(topic, limits, 0, `e-${topic}`, budget);
  return { stats, emptied, budget, log };
}

describe('eventBytes', () => {
  it('is the payload estimate plus the fixed cost of a held event', () => {
    expect(eventBytes('x'.repeat(1000))).toBe(16 + 1000 + EVENT_OVERHEAD_BYTES);
    expect(eventBytes(new Uint8Array(4096))).toBeGreaterThan(4096 + EVENT_OVERHEAD_BYTES);
  });
});

describe('HistoryBudget', () => {
  describe('#held', () => {
    it('adds up the bytes and events every log holds, and takes them off as they go', () => {
      const { stats, log } = setup(1_000_000);
      const a = log('a');
      const b = log('b');
      a.append(1, 0, 100);
      b.append(1, 0, 50);
      a.append(2, 0, 10);
      expect(stats).toEqual({ historyBytes: 160, historyEvents: 3, historyEvictions: 0 });
      a.clear();
      expect(stats).toEqual({ historyBytes: 50, historyEvents: 1, historyEvictions: 0 });
    });

    it('evicts the node-wide oldest events first, across topics, once over the cap', () => {
      const { stats, emptied, log } = setup(300);
      const a = log('a');
      const b = log('b');
      a.append('a1', 0, 100);
      b.append('b1', 0, 100);
      a.append('a2', 0, 100);
      expect(stats.historyEvictions).toBe(0);
      b.append('b2', 0, 100); // 400 > 300: a1 (the oldest) goes
      expect(a.firstSeq).toBe(2);
      expect(b.firstSeq).toBe(1);
      a.append('a3', 0, 100); // then b1
      expect(b.firstSeq).toBe(2);
      expect(stats).toEqual({ historyBytes: 300, historyEvents: 3, historyEvictions: 2 });
      expect(a.read({ epoch: 'e-a', seq: 0 }, 0).recovered).toBe(false);
      expect(a.read({ epoch: 'e-a', seq: 1 }, 0).recovered).toBe(true);
      expect(emptied).toEqual([]);
    });

    it('evicts as many old events as one large event needs, and reports a log it empties', () => {
      const { stats, emptied, log } = setup(300);
      const a = log('a');
      const b = log('b');
      a.append('a1', 0, 100);
      a.append('a2', 0, 100);
      b.append('big', 0, 250);
      expect(a.held).toBe(0);
      expect(b.held).toBe(1);
      expect(emptied).toEqual(['a']);
      expect(stats).toEqual({ historyBytes: 250, historyEvents: 1, historyEvictions: 2 });
    });

    it('evicts an event larger than the whole cap at once', () => {
      const { stats, emptied, log } = setup(100);
      const a = log('a');
      const ev = a.append('huge', 0, 500);
      expect(ev.seq).toBe(1);
      expect(a.held).toBe(0);
      expect(emptied).toEqual(['a']);
      expect(stats.historyBytes).toBe(0);
    });

    it('skips events already gone from their log (count, age, clear) when evicting', () => {
      const { stats, log } = setup(300, { capacity: 1, ttlMs: 1_000 });
      const a = log('a');
      const b = log('b');
      a.append('a1', 0, 100);
      a.append('a2', 0, 100); // a1 goes by count; its queue entry is stale
      b.append('b1', 0, 100);
      const c = log('c');
      c.append('c1', 0, 100);
      c.append('c2', 0, 150); // c1 by count; 350 > 300: a2 goes, not b1
      expect(a.held).toBe(0);
      expect(b.held).toBe(1);
      expect(stats).toEqual({ historyBytes: 250, historyEvents: 2, historyEvictions: 1 });
    });

    it('keeps its queue proportional to the events held, however many come and go', () => {
      const { budget, stats, log } = setup(1_000_000, { capacity: 1, ttlMs: 1_000 });
      const a = log('a');
      for (let i = 0; i < 100_000; i++) a.append(i, 0, 10);
      expect(stats.historyEvents).toBe(1);
      expect(budget.queued).toBeLessThan(2_100);
    });
  });

  describe('#expire', () => {
    it('drops events older than the ttl across logs, oldest first, and reports emptied logs', () => {
      const { stats, emptied, budget, log } = setup(1_000_000);
      const a = log('a');
      const b = log('b');
      a.append('a1', 0, 10);
      b.append('b1', 500, 10);
      a.append('a2', 900, 10);
      budget.expire(1_200);
      expect(a.held).toBe(1);
      expect(b.held).toBe(1);
      budget.expire(1_600);
      expect(b.held).toBe(0);
      expect(emptied).toEqual(['b']);
      expect(stats).toEqual({ historyBytes: 10, historyEvents: 1, historyEvictions: 0 });
    });
  });
});
