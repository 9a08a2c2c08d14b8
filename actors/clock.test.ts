import { clockMs, nowMs } from './clock';

describe('clock', () => {
  describe('#clockMs', () => {
    it('returns whole ms that never go back when read twice', () => {
      const a = clockMs();
      const b = clockMs();
      expect(Number.isInteger(a)).toBe(true);
      expect(b).toBeGreaterThanOrEqual(a);
    });
  });

  describe('#nowMs', () => {
    it('reads within a few ms of the wall clock when compared with Date.now()', () => {
      expect(Math.abs(nowMs() - Date.now())).toBeLessThan(50);
    });
  });
});
