import { capacityOf, passes, shouldStop, type StepLike } from './capacity';

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
});
