/**
 * The checks both stores make at every entry point, before they touch any state: a closed store
 * refuses (StoreUnavailableError, as the contract says), and arguments no heartbeat could carry
 * are a caller's bug, refused with a RangeError instead of being written (a NaN expiry would
 * never expire in memory, and Redis answers `ERR invalid expire time`).
 */
import { StoreUnavailableError } from './store';

/** Longest TTL a store accepts: a week, far above any `d + ε`; Redis takes at most 2^63 ms. */
export const MAX_TTL_MS = 7 * 24 * 60 * 60 * 1000;

export function closedError(kind: string): StoreUnavailableError {
  return new StoreUnavailableError(`the ${kind} presence store is closed`);
}

/** Why `touch` cannot be served, or null. */
export function touchRefusal(
  kind: string,
  closed: boolean,
  members: readonly string[],
  ttlMs: number,
  now: number,
): Error | null {
  if (closed) return closedError(kind);
  if (!Number.isInteger(ttlMs) || ttlMs < 1 || ttlMs > MAX_TTL_MS) {
    return new RangeError(`ttlMs must be an integer in 1..${MAX_TTL_MS}, got ${ttlMs}`);
  }
  return readRefusal(kind, closed, members, now);
}

/** Why `read` cannot be served, or null. */
export function readRefusal(
  kind: string,
  closed: boolean,
  members: readonly string[],
  now: number,
): Error | null {
  if (closed) return closedError(kind);
  if (!Number.isFinite(now) || now < 0) {
    return new RangeError(`now must be ms since the epoch, got ${now}`);
  }
  if (!Array.isArray(members)) return new TypeError('members must be an array of strings');
  return null;
}
