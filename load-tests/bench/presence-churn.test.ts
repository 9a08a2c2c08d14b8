import { ChurnSchedule, pickWatched, type ChurnOptions } from './presence-churn';

const T0 = 1_000_000;

const options = (over: Partial<ChurnOptions> = {}): ChurnOptions => ({
  members: 100,
  steady: new Set(),
  watched: new Set(),
  ratePerSec: 10,
  minOnlineMs: 1000,
  minOfflineMs: 2500,
  ...over,
});

/** Polls `s` every `stepMs` from T0 to T0 + ms; returns every action with its time. */
function drive(s: ChurnSchedule, ms: number, stepMs = 10) {
  const closes: { m: number; at: number }[] = [];
  const opens: { m: number; at: number }[] = [];
  for (let t = T0; t <= T0 + ms; t += stepMs) {
    const d = s.due(t);
    for (const m of d.close) closes.push({ m, at: t });
    for (const m of d.open) opens.push({ m, at: t });
  }
  return { closes, opens };
}

describe('ChurnSchedule', () => {
  describe('#due', () => {
    it('closes at the rate from the start and opens at the same rate from minOfflineMs on', () => {
      const s = new ChurnSchedule(options({ ratePerSec: 20 }), T0);
      const { closes, opens } = drive(s, 10_000);
      expect(closes).toHaveLength(200);
      expect(opens).toHaveLength(Math.floor(((10_000 - 2500) * 20) / 1000));
      expect(opens[0]!.at).toBeGreaterThanOrEqual(T0 + 2500);
      expect(s.counts).toMatchObject({ starvedCloses: 0, starvedOpens: 0 });
    });

    it('gives nothing twice for the same moment', () => {
      const s = new ChurnSchedule(options(), T0);
      expect(s.due(T0 + 1000).close).toHaveLength(10);
      expect(s.due(T0 + 1000)).toEqual({ close: [], open: [] });
      expect(s.due(T0 - 5)).toEqual({ close: [], open: [] });
    });

    it('never churns a steady member', () => {
      const steady = new Set([0, 1, 2, 3, 4]);
      const s = new ChurnSchedule(options({ members: 10, steady, ratePerSec: 50 }), T0);
      const { closes, opens } = drive(s, 20_000);
      expect(closes.length).toBeGreaterThan(0);
      for (const a of [...closes, ...opens]) expect(steady.has(a.m)).toBe(false);
    });

    it('picks a watched member on every other close while one is eligible', () => {
      const watched = new Set([10, 20, 30, 40, 50, 60, 70, 80, 90, 99]);
      const s = new ChurnSchedule(options({ watched }), T0);
      const { closes } = drive(s, 1000);
      expect(closes.map((c) => watched.has(c.m))).toEqual([
        true,
        false,
        true,
        false,
        true,
        false,
        true,
        false,
        true,
        false,
      ]);
    });

    it('keeps a member offline at least minOfflineMs and online at least minOnlineMs', () => {
      // 10 members at 20/s: every member cycles, as fast as the bounds let it.
      const s = new ChurnSchedule(options({ members: 10, ratePerSec: 20 }), T0);
      const { closes, opens } = drive(s, 30_000);
      const byMember = new Map<number, { kind: string; at: number }[]>();
      for (const c of closes)
        byMember.set(c.m, [...(byMember.get(c.m) ?? []), { kind: 'close', at: c.at }]);
      for (const o of opens)
        byMember.set(o.m, [...(byMember.get(o.m) ?? []), { kind: 'open', at: o.at }]);
      let cycles = 0;
      for (const events of byMember.values()) {
        events.sort((a, b) => a.at - b.at || (a.kind === 'close' ? -1 : 1));
        for (let i = 1; i < events.length; i++) {
          const [prev, next] = [events[i - 1]!, events[i]!];
          expect(next.kind).not.toBe(prev.kind); // strictly alternating
          const gap = next.at - prev.at;
          expect(gap).toBeGreaterThanOrEqual(prev.kind === 'close' ? 2500 : 1000);
          cycles++;
        }
      }
      expect(cycles).toBeGreaterThan(20);
    });

    it('opens a member whose time offline ends a moment after its open is due, not dropping it', () => {
      // Polled every 30 ms: each close leaves up to 30 ms after it was due, and so may its open.
      const s = new ChurnSchedule(options({ ratePerSec: 20 }), T0);
      const { closes, opens } = drive(s, 10_000, 30);
      expect(s.counts.starvedOpens).toBe(0);
      expect(opens.length).toBeGreaterThanOrEqual(Math.floor(((10_000 - 2500) * 20) / 1000) - 1);
      for (const o of opens) {
        const before = closes.filter((c) => c.m === o.m && c.at <= o.at).map((c) => c.at);
        expect(o.at - Math.max(...before)).toBeGreaterThanOrEqual(2500);
      }
    });

    it('drops and counts what is due when no member is eligible, owing nothing', () => {
      // 3 members at 100/s: the pools run dry at once.
      const s = new ChurnSchedule(options({ members: 3, ratePerSec: 100 }), T0);
      drive(s, 1000);
      expect(s.counts.closes).toBe(3);
      expect(s.counts.starvedCloses).toBe(97);
      // Once members may come back no backlog of closes is paid at once.
      const later = s.due(T0 + 4000);
      expect(later.close.length).toBeLessThanOrEqual(3);
    });

    it('refuses a rate that is not above 0', () => {
      expect(() => new ChurnSchedule(options({ ratePerSec: 0 }), T0)).toThrow(/above 0/);
    });
  });

  describe('#churnable', () => {
    it('counts every member but the steady ones, wherever they are', () => {
      const s = new ChurnSchedule(options({ members: 10, steady: new Set([1, 2]) }), T0);
      expect(s.churnable).toBe(8);
      s.due(T0 + 500);
      expect(s.churnable).toBe(8);
    });
  });
});

describe('pickWatched', () => {
  it('spreads the sample evenly, alternately steady and churning', () => {
    const s = pickWatched(2000, 500);
    expect(s.watched).toHaveLength(500);
    expect(new Set(s.watched).size).toBe(500);
    expect(s.watched.slice(0, 4)).toEqual([0, 4, 8, 12]);
    expect(s.watched[499]).toBe(1996);
    expect(s.steady.size).toBe(250);
    expect(s.churning.size).toBe(250);
    expect([...s.steady].some((m) => s.churning.has(m))).toBe(false);
  });

  it('watches every member at most, and nobody for a count of 0', () => {
    expect(pickWatched(3, 10).watched).toEqual([0, 1, 2]);
    expect(pickWatched(10, 0).watched).toEqual([]);
  });
});
