import { bucketOf, LatencyHistogram, upperBoundOf } from './latency-histogram';

describe('LatencyHistogram', () => {
  describe('#percentile', () => {
    it('returns NaN when empty', () => {
      expect(new LatencyHistogram().percentile(0.5)).toBeNaN();
    });

    it('is within 1% above the exact percentile of 1..1000', () => {
      const h = new LatencyHistogram();
      for (let i = 1; i <= 1000; i++) h.record(i);
      for (const [q, exact] of [
        [0.5, 500],
        [0.9, 900],
        [0.99, 990],
      ] as const) {
        const p = h.percentile(q);
        expect(p).toBeGreaterThanOrEqual(exact);
        expect(p).toBeLessThanOrEqual(exact * 1.0101);
      }
    });

    it('returns the exact max for q = 1 and never exceeds it', () => {
      const h = new LatencyHistogram();
      h.record(3.3);
      expect(h.percentile(1)).toBe(3.3);
      expect(h.percentile(0.5)).toBeLessThanOrEqual(3.3);
    });

    it('treats negative values (clock skew) as zero', () => {
      const h = new LatencyHistogram();
      h.record(-0.2);
      expect(h.percentile(0.5)).toBe(0);
    });
  });

  describe('#drain', () => {
    it('moves every value into another histogram and empties itself', () => {
      const a = new LatencyHistogram();
      for (let i = 1; i <= 100; i++) a.record(i / 10);
      const before = a.percentile(0.9);
      const b = new LatencyHistogram();
      b.merge(a.drain());
      expect(a.count).toBe(0);
      expect(b.count).toBe(100);
      expect(b.percentile(0.9)).toBe(before);
      expect(b.max).toBe(10);
    });
  });
});

describe('bucketOf', () => {
  it('puts every value at or below its bucket upper bound and above the previous one', () => {
    for (const v of [0.011, 0.5, 1, 7.77, 100, 12345]) {
      const b = bucketOf(v);
      expect(v).toBeLessThanOrEqual(upperBoundOf(b) * (1 + 1e-9));
      expect(v).toBeGreaterThan(upperBoundOf(b - 1));
    }
  });
});
