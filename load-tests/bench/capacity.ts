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
 * Whether to skip the remaining (higher) rates: two failing steps in a row, or one step so far
 * off (under half delivered, or p99 over 1 s) that higher rates cannot pass. Saves minutes.
 */
export function shouldStop(steps: readonly StepLike[], c: CapacityCriteria = CAPACITY): boolean {
  const last = steps[steps.length - 1];
  if (last === undefined || passes(last, c)) return false;
  if (last.deliveredRatio < 0.5 || (last.latencyMs.p99 ?? Infinity) > 1000) return true;
  const prev = steps[steps.length - 2];
  return prev !== undefined && !passes(prev, c);
}
