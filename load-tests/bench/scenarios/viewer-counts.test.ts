import type { StepResult } from '../../generator/run-step';
import { countsCostMetrics, countsCostRate, maxInWindow, minGap } from './viewer-counts';

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

  describe(countsCostRate, () => {
    const lat = (p99: number) => ({ latencyMs: { p99 } });
    it('is half of the counts-off capacity when a step passed', () => {
      const off = [
        { ...step(500, 1e6, 0.5), ...lat(40) },
        { ...step(1000, 2e6, 0.9), ...lat(90) },
        { ...step(2000, 2e6, 1, 0.6), ...lat(900) },
      ];
      expect(countsCostRate(off, [])).toBe(500);
    });

    it('falls back to the highest rate both runs delivered when no step passed', () => {
      const off = [step(25, 50_000, 0.1), step(100, 200_000, 0.4), step(500, 400_000, 1, 0.5)];
      const on = [step(25, 50_000, 0.1), step(100, 200_000, 0.5), step(500, 900_000, 1)];
      const slow = (xs: StepResult[]) => xs.map((x) => ({ ...x, latencyMs: { p99: 300 } }));
      expect(countsCostRate(slow(off), slow(on))).toBe(100);
      expect(countsCostRate([], slow(on))).toBeNull();
    });
  });

  describe(countsCostMetrics, () => {
    it('flattens capacities, their ratio and the alternated steps into named metrics', () => {
      const side = (cpu: number, p99: number) => ({
        p50Ms: 1,
        p99Ms: p99,
        deliveredRatio: 1,
        cpuUsPerDelivery: cpu,
      });
      const m = countsCostMetrics({
        offCapacity: { rate: 1000, deliveriesPerSec: 2e6 },
        onCapacity: { rate: 500, deliveriesPerSec: 1e6 },
        capacityRatio: 0.5,
        pair: {
          rate: 500,
          runs: 3,
          a: side(0.4, 30),
          b: side(0.42, 33),
          addedP99Ms: 3,
          addedP50Ms: 0,
          cpuPerDeliveryRatio: 1.05,
        },
        alternated: { off: [], on: [] },
      });
      expect(m).toMatchObject({
        offCapacityRate: 1000,
        onCapacityRate: 500,
        onOverOff: 0.5,
        costRate: 500,
        costRuns: 3,
        offCpuUsPerDelivery: 0.4,
        onCpuUsPerDelivery: 0.42,
        cpuPerDeliveryRatio: 1.05,
        offP99Ms: 30,
        onP99Ms: 33,
      });
    });
  });
});
