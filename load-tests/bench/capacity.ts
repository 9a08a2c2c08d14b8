/**
 * Capacity (issue 4): the highest offered rate at which at least 95% of deliveries arrive and
 * p99 latency stays at or under 100 ms.
 */

export interface CapacityCriteria {
  readonly minDeliveredRatio: number;
  readonly maxP99Ms: number;
}

export const CAPACITY: CapacityCriteria = { minDeliveredRatio: 0.95, maxP99Ms: 100 };

export interface StepLike {
  readonly offeredRate: number;
  readonly deliveredRatio: number;
  readonly deliveriesPerSec: number;
  readonly latencyMs: { readonly p99: number | null };
}

export function passes(step: StepLike, c: CapacityCriteria = CAPACITY): boolean {
  return (
    step.deliveredRatio >= c.minDeliveredRatio &&
    step.latencyMs.p99 !== null &&
    step.latencyMs.p99 <= c.maxP99Ms
  );
}

/**
 * A step that failed on latency alone, and not by much (everything delivered, p99 at most twice
 * the bound): the ladder runs that rate once more before it counts as failed. On one hot topic
 * of 2,000 the p99 of a 4 s step moves by +-20 ms around 70-100 ms at every rate from 100/s for
 * troupe and uws-native alike (one run: uws-native failed 440/s and passed 500, 760 and 880/s),
 * so a single step decided the capacity figure by chance (load-tests/profiles/RESULTS.md).
 */
export function borderline(step: StepLike, c: CapacityCriteria = CAPACITY): boolean {
  return (
    !passes(step, c) &&
    step.deliveredRatio >= c.minDeliveredRatio &&
    step.latencyMs.p99 !== null &&
    step.latencyMs.p99 <= 2 * c.maxP99Ms
  );
}

export interface Capacity {
  /** Offered events/s; null when no step passed. */
  readonly rate: number | null;
  /** Deliveries/s measured at that step. */
  readonly deliveriesPerSec: number | null;
}

export function capacityOf(steps: readonly StepLike[], c: CapacityCriteria = CAPACITY): Capacity {
  let best: StepLike | null = null;
  for (const s of steps)
    if (passes(s, c) && (best === null || s.offeredRate > best.offeredRate)) best = s;
  return { rate: best?.offeredRate ?? null, deliveriesPerSec: best?.deliveriesPerSec ?? null };
}

/**
 * A failing step's rate times this: a step there cannot pass (a failure at half the rate is a
 * saturated server, not noise, unless the noise was that large), so the ladder does not run it.
 */
export const HOPELESS_FACTOR = 2;

/**
 * Whether to skip the remaining (higher) rates: two failing steps in a row, one step so far off
 * (under half delivered, or p99 over 1 s) that higher rates cannot pass, or a failing step whose
 * next rate is HOPELESS_FACTOR times its own or more. A step past capacity costs its seconds
 * and up to 3 s of draining its backlog; the ladder's bisection finds capacity below it anyway.
 */
export function shouldStop(
  steps: readonly StepLike[],
  c: CapacityCriteria = CAPACITY,
  nextRate?: number,
): boolean {
  const last = steps[steps.length - 1];
  if (last === undefined || passes(last, c)) return false;
  if (last.deliveredRatio < 0.5 || (last.latencyMs.p99 ?? Infinity) > 1000) return true;
  if (nextRate !== undefined && nextRate >= last.offeredRate * HOPELESS_FACTOR) return true;
  const prev = steps[steps.length - 2];
  return prev !== undefined && !passes(prev, c);
}

/** Capacity is refined until the passing and failing rates are this close. */
const REFINE_MIN_GAP = 1.1;

/**
 * The next rate to try between the highest passing step and the lowest failing step above it
 * (the coarse ladder only knows capacity to within its step), or null when they are within
 * 10% of each other, nothing passed, or nothing above it failed. Rounded to a multiple of
 * 5% of the passing rate so the table reads well.
 */
export function refineRate(
  steps: readonly StepLike[],
  c: CapacityCriteria = CAPACITY,
): number | null {
  const best = capacityOf(steps, c).rate;
  if (best === null) return null;
  let failAbove = Infinity;
  for (const s of steps)
    if (!passes(s, c) && s.offeredRate > best) failAbove = Math.min(failAbove, s.offeredRate);
  if (!Number.isFinite(failAbove) || failAbove / best < REFINE_MIN_GAP) return null;
  const unit = niceUnit(best * 0.05);
  const mid = Math.round((best + failAbove) / 2 / unit) * unit;
  return mid > best && mid < failAbove ? mid : null;
}

/** The offered rate at half of `capacityRate`, rounded like the refinement steps. */
export function halfRate(capacityRate: number): number {
  const half = capacityRate / 2;
  const unit = niceUnit(half * 0.05);
  return Math.max(unit, Math.round(half / unit) * unit);
}

/** 1, 2 or 5 times a power of ten, at most `x` (at least 1). */
function niceUnit(x: number): number {
  if (x < 1) return 1;
  const p = 10 ** Math.floor(Math.log10(x));
  for (const m of [5, 2, 1]) if (m * p <= x) return m * p;
  return p;
}

export interface HalfCapacity {
  /** Offered events/s: half of the capacity rate, rounded. */
  readonly rate: number;
  /** Of the run with the median p99. */
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
  /** p99 of every run at that rate, in run order. */
  readonly p99Runs: readonly (number | null)[];
}

/** The run with the median p99 (a run without one counts as the worst) stands for the rate. */
export function halfCapacityOf(
  rate: number,
  runs: readonly {
    readonly latencyMs: { readonly p50: number | null; readonly p99: number | null };
  }[],
): HalfCapacity | null {
  if (runs.length === 0) return null;
  const key = (p: number | null): number => p ?? Infinity;
  const sorted = [...runs].sort((a, b) => key(a.latencyMs.p99) - key(b.latencyMs.p99));
  const mid = sorted[Math.floor((sorted.length - 1) / 2)]!;
  return {
    rate,
    p50Ms: mid.latencyMs.p50,
    p99Ms: mid.latencyMs.p99,
    p99Runs: runs.map((r) => r.latencyMs.p99),
  };
}

/** a / b to two decimals; null when either is missing or b is 0. */
export function ratio(a: number | null | undefined, b: number | null | undefined): number | null {
  if (a === null || a === undefined || b === null || b === undefined || b === 0) return null;
  return Math.round((a / b) * 100) / 100;
}
