import { RatePacer } from './rate-pacer';

describe('RatePacer', () => {
  describe('#due', () => {
    it('sends rate x elapsed in total whatever the tick spacing', () => {
      const p = new RatePacer(1000, 0, 1000);
      let sent = 0;
      for (const t of [1, 3, 3, 7, 20, 21, 100, 1000]) sent += p.due(t);
      expect(sent).toBe(1000);
      expect(p.total).toBe(1000);
    });

    it('returns 0 before the first event is due', () => {
      const p = new RatePacer(10, 0);
      expect(p.due(50)).toBe(0);
      expect(p.due(100)).toBe(1);
    });

    it('caps a late tick at maxBurst and forgives the rest as skipped', () => {
      const p = new RatePacer(1000, 0, 10);
      expect(p.due(500)).toBe(10);
      expect(p.skipped).toBe(490);
      expect(p.due(502)).toBe(2);
    });
  });
});
