/**
 * What the memory store adds to the contract (store.contract.test.ts): retention of an offline
 * member's lastSeen, the bounds on live and remembered entries, and sweeping that never scans.
 */
import { MemoryStore, type MemoryStoreOptions } from './memory-store';
import { OFFLINE_UNKNOWN } from './store';

const T0 = 1_700_000_000_000;
const TTL = 1_000;

const stores: MemoryStore[] = [];
function open(opts: MemoryStoreOptions = {}): MemoryStore {
  const s = new MemoryStore({ sweepMs: 0, ...opts });
  stores.push(s);
  return s;
}
afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()));
  jest.useRealTimers();
});

const names = (n: number, tag = 'm'): string[] => Array.from({ length: n }, (_, i) => `${tag}${i}`);

describe('MemoryStore', () => {
  describe('#read', () => {
    it('forgets an offline member once retentionMs passed since its lastSeen', async () => {
      const s = open({ retentionMs: 10_000 });
      await s.touch(['ann'], TTL, T0);
      expect(await s.read(['ann'], T0 + 9_999)).toEqual([{ online: false, lastSeen: T0 }]);
      expect(await s.read(['ann'], T0 + 10_000)).toEqual([OFFLINE_UNKNOWN]);
    });

    it('still answers the lastSeen of a member the sweep moved to the remembered set', async () => {
      const s = open({ retentionMs: 10_000 });
      await s.touch(['ann'], TTL, T0);
      await s.touch(['bob'], TTL, T0 + 2 * TTL); // sweeps ann out of the live entries
      expect(s.stats()).toMatchObject({ entries: 1, remembered: 1 });
      expect(await s.read(['ann'], T0 + 2 * TTL)).toEqual([{ online: false, lastSeen: T0 }]);
      expect(await s.touch(['ann'], TTL, T0 + 2 * TTL + 1)).toEqual([false]);
      expect(s.stats()).toMatchObject({ entries: 2, remembered: 0 });
    });
  });

  describe('#touch', () => {
    it('lets the oldest-touched entry go at maxEntries and remembers its lastSeen', async () => {
      const s = open({ maxEntries: 3 });
      await s.touch(['a', 'b', 'c'], TTL, T0);
      await s.touch(['a'], TTL, T0 + 1); // a is now the newest: b is the oldest
      await s.touch(['d'], TTL, T0 + 2);
      expect(s.stats()).toEqual({ entries: 3, remembered: 1, evicted: 1 });
      expect(await s.read(['a', 'b', 'c', 'd'], T0 + 3)).toEqual([
        { online: true, lastSeen: T0 + 1 },
        { online: false, lastSeen: T0 },
        { online: true, lastSeen: T0 },
        { online: true, lastSeen: T0 + 2 },
      ]);
    });

    it('never holds more than maxEntries live entries, however many members come', async () => {
      const s = open({ maxEntries: 100, maxRemembered: 50 });
      for (let i = 0; i < 20; i++) await s.touch(names(100, `w${i}-`), TTL, T0 + i);
      expect(s.stats()).toEqual({ entries: 100, remembered: 50, evicted: 1900 });
    });

    it('forgets the oldest remembered member at maxRemembered', async () => {
      const s = open({ maxRemembered: 2 });
      await s.touch(['a'], TTL, T0);
      await s.touch(['b'], TTL, T0 + 1);
      await s.touch(['c'], TTL, T0 + 2);
      await s.read(['x', 'y', 'z'], T0 + 2 * TTL); // sweeps all three out of the live entries
      expect(s.stats()).toMatchObject({ entries: 0, remembered: 2 });
      expect(await s.read(['a', 'b', 'c'], T0 + 2 * TTL)).toEqual([
        OFFLINE_UNKNOWN,
        { online: false, lastSeen: T0 + 1 },
        { online: false, lastSeen: T0 + 2 },
      ]);
    });

    it('sweeps a bounded number of expired entries per call, not the whole map', async () => {
      const s = open({ retentionMs: 1 });
      await s.touch(names(10_000), TTL, T0);
      await s.touch(['late'], TTL, T0 + 2 * TTL);
      // One member named: at most 1 + 16 entries let go by this call; the rest wait.
      expect(s.stats().entries).toBeGreaterThanOrEqual(10_001 - 17);
      expect(s.stats().entries).toBeLessThan(10_001);
    });

    it('does not count an expired entry let go at maxEntries as evicted', async () => {
      const s = open({ maxEntries: 1, maxRemembered: 0 });
      await s.touch(['a'], 5_000, T0); // a long ttl holds the sweep at `a`
      await s.touch(['b'], TTL, T0 + 10_000);
      expect(s.stats()).toEqual({ entries: 1, remembered: 0, evicted: 0 });
    });
  });

  describe('background sweep', () => {
    it('lets at most sweepBatch expired entries go per tick, by the clock given', async () => {
      jest.useFakeTimers();
      let clock = T0;
      const s = open({ sweepMs: 1_000, sweepBatch: 400, retentionMs: 60_000, clock: () => clock });
      await s.touch(names(1_000), TTL, T0);
      clock = T0 + 2 * TTL;
      jest.advanceTimersByTime(1_000);
      expect(s.stats()).toMatchObject({ entries: 600, remembered: 400 });
      jest.advanceTimersByTime(2_000);
      expect(s.stats()).toMatchObject({ entries: 0, remembered: 1_000 });
      clock = T0 + 60_000;
      jest.advanceTimersByTime(3_000);
      expect(s.stats()).toMatchObject({ entries: 0, remembered: 0 });
    });

    it('stops its timer on close', async () => {
      jest.useFakeTimers();
      const s = open({ sweepMs: 1_000 });
      expect(jest.getTimerCount()).toBe(1);
      await s.close();
      expect(jest.getTimerCount()).toBe(0);
    });
  });
});
