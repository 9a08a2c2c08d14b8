/**
 * Reconnect delays: exponential backoff with full jitter (AWS Architecture Blog, "Exponential
 * Backoff and Jitter"): delay = random(0, min(maxMs, baseMs * 2^attempt)). Full jitter spreads
 * the gateways that lost the same dispatcher, so its restart is not met by a thundering herd.
 */
export interface Backoff {
  readonly baseMs: number;
  readonly maxMs: number;
}

export const DEFAULT_BACKOFF: Backoff = { baseMs: 100, maxMs: 5000 };

/** `attempt` counts from 0 (the first retry); `random` returns [0, 1). */
export function backoffDelay(
  attempt: number,
  b: Backoff,
  random: () => number = Math.random,
): number {
  // 2^attempt overflows to Infinity long after the cap applies, and Math.min handles Infinity.
  const cap = Math.min(b.maxMs, b.baseMs * 2 ** attempt);
  return Math.floor(random() * cap);
}
