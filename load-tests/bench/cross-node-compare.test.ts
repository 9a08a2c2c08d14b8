import {
  compareCapacity,
  compareSteps,
  earlierHotTopic,
  formatCapacity,
  formatComparison,
  routedFigures,
  type LadderStep,
} from './cross-node-compare';
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
