import type { StepResult } from '../generator/run-step';
import {
  alternateSteps,
  cpuUsPerDelivery,
  median,
  pairAtRate,
  stepBrief,
  type PairedStep,
} from './paired-steps';

const step = (
  offeredRate: number,
  p50: number | null,
  p99: number | null,
  cpu: number | null = 1,
  deliveriesPerSec = 1_000_000,
  deliveredRatio = 1,
): PairedStep => ({
  offeredRate,
  deliveredRatio,
  deliveriesPerSec,
  serverCpuCores: cpu,
  latencyMs: { p50, p99 },
});

describe('paired steps', () => {
  describe(alternateSteps, () => {
    it('runs each side `runs` times per rate, alternating which goes first', async () => {
      const order: string[] = [];
      const at =
        (side: string) =>
        async (rate: number): Promise<StepResult> => {
          order.push(`${side}${rate}`);
          return step(rate, 1, 2) as StepResult;
        };
      const r = await alternateSteps(at('a'), at('b'), [10, 20], 3);
      expect(order).toEqual([
        'a10',
        'b10',
        'b10',
        'a10',
        'a10',
        'b10',
        'a20',
        'b20',
        'b20',
        'a20',
        'a20',
        'b20',
      ]);
      expect(r.a.map((s) => s.offeredRate)).toEqual([10, 10, 10, 20, 20, 20]);
      expect(r.b).toHaveLength(6);
    });

    it('runs a rate listed twice once', async () => {
      const at = async (rate: number): Promise<StepResult> => step(rate, 1, 2) as StepResult;
      const r = await alternateSteps(at, at, [25, 25], 3);
      expect(r.a).toHaveLength(3);
      expect(r.b).toHaveLength(3);
    });
  });

  describe(cpuUsPerDelivery, () => {
    it('divides server CPU cores by deliveries/s, in µs', () => {
      expect(cpuUsPerDelivery(step(1, 0, 0, 0.8, 400_000))).toBe(2);
      expect(cpuUsPerDelivery(step(1, 0, 0, 0.5, 3_000_000))).toBe(0.17);
    });

    it('is null without a CPU reading or without deliveries', () => {
      expect(cpuUsPerDelivery(step(1, 0, 0, null))).toBeNull();
      expect(cpuUsPerDelivery(step(1, 0, 0, 1, 0))).toBeNull();
    });
  });

  describe(stepBrief, () => {
    it('keeps the figures of an alternated step, with its CPU per delivery', () => {
      expect(stepBrief(step(250, 30, 90, 0.5, 500_000, 0.99))).toEqual({
        rate: 250,
        deliveredRatio: 0.99,
        deliveriesPerSec: 500_000,
        p50Ms: 30,
        p99Ms: 90,
        serverCpuCores: 0.5,
        cpuUsPerDelivery: 1,
      });
    });
  });

  describe(median, () => {
    it('takes the middle value (the lower middle of an even count), skipping nulls', () => {
      expect(median([3, 1, 2])).toBe(2);
      expect(median([4, null, 1, 3, 2])).toBe(2);
      expect(median([null])).toBeNull();
    });
  });

  describe(pairAtRate, () => {
    const alone = [step(500, 10, 40, 0.5), step(500, 12, 60, 0.6), step(500, 11, 50, 0.55)];
    const cross = [
      step(500, 15, 58, 0.75, 1_000_000, 0.99),
      step(500, 14, 52, 0.7),
      step(500, 16, 70, 0.8),
      step(1000, 30, 90),
    ];

    it('compares the median-p99 run of each side and the median CPU per delivery', () => {
      const p = pairAtRate(500, alone, cross);
      expect(p).toEqual({
        rate: 500,
        runs: 3,
        a: { p50Ms: 11, p99Ms: 50, deliveredRatio: 1, cpuUsPerDelivery: 0.55 },
        b: { p50Ms: 15, p99Ms: 58, deliveredRatio: 0.99, cpuUsPerDelivery: 0.75 },
        addedP99Ms: 8,
        addedP50Ms: 4,
        cpuPerDeliveryRatio: 1.36,
      });
    });

    it('gives a negative difference when the second side is the faster one', () => {
      expect(pairAtRate(500, cross, alone)?.addedP99Ms).toBe(-8);
    });

    it('is null when a side has no step at the rate', () => {
      expect(pairAtRate(1000, alone, cross)).toBeNull();
      expect(pairAtRate(250, alone, cross)).toBeNull();
    });

    it('leaves the difference out when a side has no p99', () => {
      const p = pairAtRate(500, [step(500, null, null)], [step(500, 5, 20)]);
      expect(p?.addedP99Ms).toBeNull();
      expect(p?.runs).toBe(1);
    });
  });
});
