import { admit, fullBucket, refill, struckOut } from './rate-limit';
import type { RateBucket, RateLimits } from './rate-limit';

const limits: RateLimits = { ratePerSec: 10, rateBurst: 3, rateStrikes: 2 };

const newBucket = (l: RateLimits = limits): RateBucket => ({
  milliTokens: fullBucket(l),
  strikes: 0,
});

/** Requests at once; what admit answered for each. */
const burst = (b: RateBucket, n: number): boolean[] => Array.from({ length: n }, () => admit(b));

describe('rate limit', () => {
  describe('admit', () => {
    it('admits a burst of rateBurst requests when they come at once', () => {
      expect(burst(newBucket(), 3)).toEqual([true, true, true]);
    });

    it('refuses a request when the burst is spent and no time passed', () => {
      const b = newBucket();
      burst(b, 3);
      expect(admit(b)).toBe(false);
    });
  });

  describe('refill', () => {
    it('gives a token back after 1/ratePerSec, and none a millisecond earlier', () => {
      const b = newBucket();
      burst(b, 3);
      refill(b, 99, limits);
      expect(admit(b)).toBe(false);
      refill(b, 1, limits);
      expect(admit(b)).toBe(true);
    });

    it('never holds more than rateBurst tokens when idle for long', () => {
      const b = newBucket();
      burst(b, 1);
      refill(b, 3_600_000, limits);
      expect(burst(b, 4)).toEqual([true, true, true, false]);
    });

    it('keeps the count an integer at a rate that earns fractions of a token per ms', () => {
      // 200/s earns 0.2 token per ms: a fraction stored would be a boxed double per connection.
      const l: RateLimits = { ratePerSec: 200, rateBurst: 400, rateStrikes: 50 };
      const b = newBucket(l);
      burst(b, 5);
      refill(b, 3, l);
      expect(b.milliTokens).toBe(395_600);
      expect(Number.isInteger(b.milliTokens)).toBe(true);
    });
  });

  describe('struckOut', () => {
    it('is true when rateStrikes requests in a row were refused', () => {
      const b = newBucket();
      burst(b, 4);
      expect(struckOut(b, limits)).toBe(false);
      admit(b);
      expect(struckOut(b, limits)).toBe(true);
    });

    it('starts counting again when a request is admitted between refusals', () => {
      const b = newBucket();
      burst(b, 4);
      refill(b, 100, limits);
      expect(admit(b)).toBe(true);
      admit(b);
      expect(struckOut(b, limits)).toBe(false);
    });
  });
});
