import { RateLimit, type RateLimits } from './rate-limit';

const limits: RateLimits = { ratePerSec: 10, rateBurst: 3, rateStrikes: 2 };

describe('RateLimit', () => {
  describe('#admit', () => {
    it('admits a burst of rateBurst requests when they come at once', () => {
      const rate = new RateLimit(limits, 0);
      expect([1, 2, 3].map(() => rate.admit(0, limits))).toEqual([true, true, true]);
    });

    it('refuses a request when the burst is spent and no time passed', () => {
      const rate = new RateLimit(limits, 0);
      for (let i = 0; i < 3; i++) rate.admit(0, limits);
      expect(rate.admit(0, limits)).toBe(false);
    });

    it('admits again when time refilled a token at ratePerSec', () => {
      const rate = new RateLimit(limits, 0);
      for (let i = 0; i < 3; i++) rate.admit(0, limits);
      expect(rate.admit(99, limits)).toBe(false);
      expect(rate.admit(100, limits)).toBe(true);
    });

    it('never holds more than rateBurst tokens when idle for long', () => {
      const rate = new RateLimit(limits, 0);
      const admitted = [1, 2, 3, 4].map(() => rate.admit(60_000, limits));
      expect(admitted).toEqual([true, true, true, false]);
    });
  });

  describe('#struckOut', () => {
    it('is true when rateStrikes requests in a row were refused', () => {
      const rate = new RateLimit(limits, 0);
      for (let i = 0; i < 3; i++) rate.admit(0, limits);
      rate.admit(0, limits);
      expect(rate.struckOut(limits)).toBe(false);
      rate.admit(0, limits);
      expect(rate.struckOut(limits)).toBe(true);
    });

    it('starts counting again when a request is admitted between refusals', () => {
      const rate = new RateLimit(limits, 0);
      for (let i = 0; i < 3; i++) rate.admit(0, limits);
      rate.admit(0, limits);
      expect(rate.admit(100, limits)).toBe(true);
      rate.admit(100, limits);
      expect(rate.struckOut(limits)).toBe(false);
    });
  });
});
