import {
  compareCapacity,
  compareSteps,
  costMetrics,
  costRates,
  costsOf,
  crossNodeCost,
  earlierHotTopic,
  formatCost,
  formatCapacity,
  formatComparison,
  routedFigures,
  type LadderStep,
} from './cross-node-compare';
import { pairAtRate } from './paired-steps';
import type { ScenarioRun } from './summary';

const step = (
  offeredRate: number,
  deliveriesPerSec: number,
  deliveredRatio: number,
  p50: number | null,
  p99: number | null,
): LadderStep => ({
  offeredRate,
  published: offeredRate * 3,
  deliveriesPerSec,
  deliveredRatio,
  latencyMs: { p50, p99 },
});

const withCpu = (s: LadderStep) => ({ ...s, serverCpuCores: 1 });

describe('routedFigures', () => {
  it('divides the counter increase by the step seconds and by the publishes', () => {
    expect(routedFigures(1000, 3400, 3, 600)).toEqual({ routedPerSec: 800, routedPerPublish: 4 });
  });

  it('is null when a reading is missing or the counter went back (node restarted)', () => {
    const none = { routedPerSec: null, routedPerPublish: null };
    expect(routedFigures(null, 10, 3, 5)).toEqual(none);
    expect(routedFigures(10, null, 3, 5)).toEqual(none);
    expect(routedFigures(10, 5, 3, 5)).toEqual(none);
  });

  it('leaves per-publish out when nothing was published', () => {
    expect(routedFigures(0, 0, 2, 0)).toEqual({ routedPerSec: 0, routedPerPublish: null });
  });
});

describe('earlierHotTopic', () => {
  const hot = [step(100, 200_000, 1, 2, 20)];
  const runs: ScenarioRun[] = [
    {
      scenario: 'hot-topic',
      systems: [
        {
          system: 'troupe',
          status: 'ok',
          result: { steps: hot as never, capacity: null, metrics: {}, notes: {} },
        },
        { system: 'socketio', status: 'failed', reason: 'x' },
      ],
    },
  ];

  it("returns the system's hot-topic steps from this run", () => {
    expect(earlierHotTopic(runs, 'troupe')).toBe(hot);
  });

  it('is null when hot-topic did not run, or not ok, for the system', () => {
    expect(earlierHotTopic(undefined, 'troupe')).toBeNull();
    expect(earlierHotTopic([], 'troupe')).toBeNull();
    expect(earlierHotTopic(runs, 'socketio')).toBeNull();
    expect(earlierHotTopic(runs, 'uws-native')).toBeNull();
  });
});

describe('compareSteps / compareCapacity', () => {
  const cross = [
    { ...step(100, 200_000, 1, 3, 40), routedPerSec: 200 },
    { ...step(400, 700_000, 0.9, 30, 300), routedPerSec: 800 },
  ];
  const alone = [step(100, 200_000, 1, 2, 20), step(400, 800_000, 1, 5, 60)];

  it('pairs each cross-node step with the standalone step of the same rate', () => {
    const rows = compareSteps(cross, alone);
    expect(rows.map((r) => [r.rate, r.ratio, r.cross.ok, r.standalone?.ok])).toEqual([
      [100, 1, true, true],
      [400, 0.88, false, true],
    ]);
    expect(rows[1]?.cross.routedPerSec).toBe(800);
  });

  it('leaves the standalone side empty where it has no step at that rate', () => {
    const rows = compareSteps(cross, alone.slice(0, 1));
    expect(rows[1]?.standalone).toBeNull();
    expect(rows[1]?.ratio).toBeNull();
    expect(formatComparison(rows).split('\n')).toHaveLength(3);
  });

  it('compares deliveries/s at capacity', () => {
    const c = compareCapacity(cross, alone);
    expect(c.cross).toEqual({ rate: 100, deliveriesPerSec: 200_000 });
    expect(c.standalone).toEqual({ rate: 400, deliveriesPerSec: 800_000 });
    expect(c.ratio).toBe(0.25);
    expect(formatCapacity(c)).toContain('ratio 0.25x');
    expect(formatCapacity(compareCapacity([], alone))).toContain('none passed');
  });
});

describe("the dispatcher hop's cost", () => {
  describe(costRates, () => {
    it('reads it at half of standalone capacity and at the cross-node capacity', () => {
      const alone = [
        step(1000, 2e6, 1, 10, 40),
        step(2000, 4e6, 1, 20, 90),
        step(3000, 4e6, 0.7, 900, 2000),
      ];
      const cross = [
        step(25, 5e4, 1, 5, 20),
        step(1000, 2e6, 1, 30, 80),
        step(2000, 3e6, 0.8, 200, 900),
      ];
      expect(costRates(cross, alone)).toEqual([
        { at: 'half', rate: 1000, halfOf: 2000 },
        { at: 'cap', rate: 1000, halfOf: null },
      ]);
    });

    it('falls back to the lowest rate cross-node ran when standalone passed no step', () => {
      const slow = [step(25, 5e4, 1, 50, 150)];
      expect(costRates([step(100, 2e5, 1, 60, 160), step(25, 5e4, 1, 50, 140)], slow)).toEqual([
        { at: 'half', rate: 25, halfOf: null },
      ]);
      expect(costRates([], slow)).toEqual([]);
    });
  });

  // Standalone (first side) and cross-node at 1000/s and 2000/s, three runs each.
  const alone = [20, 21, 19].map((p50, i) => step(1000, 2e6, 1, p50, [45.5, 47, 44][i]!));
  const xnode = [24, 23, 25].map((p50, i) => step(1000, 2e6, 1, p50, [52.1, 60, 50][i]!));
  const pairAt = (rate: number, a: LadderStep[], b: LadderStep[]) => {
    const p = pairAtRate(rate, a.map(withCpu), b.map(withCpu));
    if (p === null) throw new Error(`no pair at ${rate}`);
    return p;
  };
  const half = crossNodeCost({ at: 'half', rate: 1000, halfOf: 2000 }, pairAt(1000, alone, xnode));
  const cap = crossNodeCost(
    { at: 'cap', rate: 2000, halfOf: null },
    pairAt(2000, [step(2000, 4e6, 1, 30, 45.5)], [step(2000, 3.9e6, 1, 40, 98)]),
  );

  it('names standalone the first side and cross-node the second', () => {
    expect(half).toEqual({
      at: 'half',
      rate: 1000,
      halfOf: 2000,
      runs: 3,
      standaloneP50Ms: 20,
      crossNodeP50Ms: 24,
      standaloneP99Ms: 45.5,
      crossNodeP99Ms: 52.1,
      addedP99Ms: 6.6,
    });
  });

  it('round-trips through flat scenario metrics', () => {
    const m = costMetrics([half, cap]);
    expect(m.cost_half_addedP99Ms).toBe(6.6);
    expect(m.cost_cap_crossNodeP99Ms).toBe(98);
    expect(m.cost_cap_addedP99Ms).toBe(52.5);
    expect(costsOf(m)).toEqual([half, cap]);
    expect(costsOf(costMetrics([cap]))).toEqual([cap]);
    expect(costsOf({})).toEqual([]);
  });

  it('prints where, both p50/p99 and the p99 the hop adds', () => {
    expect(formatCost(half)).toMatch(
      /^at 1000\/s \(half of 2000\/s standalone capacity, median of 3 alternated runs each\): p50 20\.0ms -> 24\.0ms, p99 45\.5ms -> 52\.1ms \(\+6\.6 ms\)$/,
    );
    expect(formatCost({ ...cap, addedP99Ms: -3 })).toContain('(cross-node capacity, ');
    expect(formatCost({ ...cap, addedP99Ms: -3 })).toMatch(/\(-3 ms\)$/);
  });
});
