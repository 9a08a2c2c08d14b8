import {
  borderline,
  capacityOf,
  halfCapacityOf,
  halfRate,
  passes,
  refineRate,
  shouldStop,
  type StepLike,
} from './capacity';

const step = (offeredRate: number, deliveredRatio: number, p99: number | null): StepLike => ({
  offeredRate,
  deliveredRatio,
  deliveriesPerSec: offeredRate * 100,
  latencyMs: { p99 },
});

describe('passes', () => {
  it('needs at least 95% delivered and p99 at or under 100 ms', () => {
    expect(passes(step(1, 0.95, 100))).toBe(true);
    expect(passes(step(1, 0.9499, 10))).toBe(false);
    expect(passes(step(1, 1, 100.1))).toBe(false);
    expect(passes(step(1, 1, null))).toBe(false);
  });
});

describe('borderline', () => {
  it('is a step that failed on p99 alone, by at most twice the bound', () => {
    expect(borderline(step(1, 1, 105.5))).toBe(true);
    expect(borderline(step(1, 0.95, 200))).toBe(true);
    expect(borderline(step(1, 1, 200.1))).toBe(false); // far past: saturated
    expect(borderline(step(1, 0.94, 105))).toBe(false); // lost deliveries
    expect(borderline(step(1, 1, 100))).toBe(false); // passed
    expect(borderline(step(1, 1, null))).toBe(false);
  });
});

describe('capacityOf', () => {
  it('picks the highest passing offered rate, even after a failing one', () => {
    expect(
      capacityOf([step(100, 1, 5), step(200, 0.9, 5), step(300, 0.99, 50), step(400, 0.5, 500)]),
    ).toEqual({ rate: 300, deliveriesPerSec: 30000 });
  });

  it('is null when nothing passed', () => {
    expect(capacityOf([step(100, 0.1, 5)])).toEqual({ rate: null, deliveriesPerSec: null });
  });
});

describe('shouldStop', () => {
  it('goes on after one mild failure and stops after two in a row', () => {
    expect(shouldStop([step(1, 1, 5), step(2, 0.94, 50)])).toBe(false);
    expect(shouldStop([step(1, 1, 5), step(2, 0.94, 50), step(3, 0.9, 50)])).toBe(true);
  });

  it('stops at once when a step is far off', () => {
    expect(shouldStop([step(1, 0.4, 5)])).toBe(true);
    expect(shouldStop([step(1, 1, 1500)])).toBe(true);
  });

  it('stops after one mild failure when the next rate is at least twice its rate', () => {
    expect(shouldStop([step(100, 1, 5), step(500, 1, 120)], undefined, 2000)).toBe(true);
    expect(shouldStop([step(100, 1, 5), step(500, 1, 120)], undefined, 1000)).toBe(true);
    expect(shouldStop([step(100, 1, 5), step(500, 1, 120)], undefined, 999)).toBe(false);
    expect(shouldStop([step(100, 1, 5), step(500, 1, 50)], undefined, 2000)).toBe(false);
  });
});

describe('refineRate', () => {
  it('bisects between the highest pass and the lowest fail above it, on a round number', () => {
    expect(refineRate([step(1000, 1, 50), step(2000, 1, 80), step(3000, 1, 150)])).toBe(2500);
    expect(refineRate([step(2000, 1, 80), step(3000, 1, 150), step(2500, 1, 90)])).toBe(2800);
    expect(refineRate([step(2000, 1, 80), step(3000, 0.5, 50), step(2500, 1, 120)])).toBe(2300);
  });

  it('stops when the two are within 10% or there is no pass or no fail above it', () => {
    expect(refineRate([step(2000, 1, 80), step(2100, 1, 150)])).toBeNull();
    expect(refineRate([step(2000, 1, 180)])).toBeNull();
    expect(refineRate([step(2000, 1, 80), step(3000, 1, 90)])).toBeNull();
    expect(refineRate([step(2000, 1, 80), step(1000, 0.5, 90)])).toBeNull();
  });
});

describe('halfRate', () => {
  it('halves and rounds to a readable rate', () => {
    expect(halfRate(2000)).toBe(1000);
    expect(halfRate(2700)).toBe(1350);
    expect(halfRate(3500)).toBe(1750);
    expect(halfRate(25)).toBe(13);
    expect(halfRate(1)).toBe(1);
  });
});

describe('halfCapacityOf', () => {
  const run = (p50: number | null, p99: number | null) => ({ latencyMs: { p50, p99 } });

  it('reports the run with the median p99 and every run in order', () => {
    expect(halfCapacityOf(1000, [run(20, 65), run(18, 45), run(19, 47)])).toEqual({
      rate: 1000,
      p50Ms: 19,
      p99Ms: 47,
      p99Runs: [65, 45, 47],
    });
  });

  it('counts a run without latency as the worst, takes the lower middle of an even count', () => {
    expect(halfCapacityOf(10, [run(1, null), run(2, 30)])?.p99Ms).toBe(30);
    expect(halfCapacityOf(10, [run(1, 50), run(2, 30), run(3, 40), run(4, 60)])?.p99Ms).toBe(40);
    expect(halfCapacityOf(10, [])).toBeNull();
  });
});
