import type { StepResult } from '../../generator/run-step';
import { costAtCommonRate, maxInWindow, minGap } from './viewer-counts';

const step = (offeredRate: number, deliveriesPerSec: number, cpu: number, ratio = 1) =>
  ({ offeredRate, deliveriesPerSec, serverCpuCores: cpu, deliveredRatio: ratio }) as StepResult;

describe('viewer-counts figures', () => {
  describe(maxInWindow, () => {
    it('finds the most messages within any window starting at one of them', () => {
      expect(maxInWindow([0, 1000, 2000], 1000)).toBe(1);
      expect(maxInWindow([0, 1000, 1500, 2100], 1000)).toBe(2);
      expect(maxInWindow([], 1000)).toBe(0);
    });
  });

  describe(minGap, () => {
    it('gives the smallest gap between two messages, or null with fewer than two', () => {
      expect(minGap([0, 990.4, 2000])).toBe(990);
      expect(minGap([5])).toBeNull();
    });
  });

  describe(costAtCommonRate, () => {
    it('reads CPU-µs per delivery at the highest rate both runs delivered', () => {
      const off = [step(25, 50_000, 0.1), step(100, 200_000, 0.4), step(500, 400_000, 1, 0.5)];
      const on = [step(25, 50_000, 0.1), step(100, 200_000, 0.5), step(500, 900_000, 1)];
      expect(costAtCommonRate(off, on)).toEqual({ rate: 100, offUs: 2, onUs: 2.5 });
      expect(costAtCommonRate([], on)).toBeNull();
    });
  });
});
