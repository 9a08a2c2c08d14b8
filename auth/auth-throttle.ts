/**
 * Failed authentications throttled per source address: a token bucket per address, spent by
 * each failure and refilled with time. While an address's bucket is empty, its attempts are not
 * answered (the caller closes or refuses them without verifying), so guessing a token costs at
 * most `refillPerSec` tries a second per address after a burst of `burst`.
 *
 * Defaults: a burst of 10 failures (a user mistyping, a client retrying a stale token a few
 * times) then 1 a second. Successes cost nothing. The table holds at most `maxAddresses`
 * buckets, least recently failing first out; a bucket that has refilled is dropped, since a full
 * bucket and no bucket mean the same. IPv6 addresses count per /64, the block one host or
 * subscriber usually holds, so an attacker cannot get a fresh bucket per address of its block.
 *
 * Pure: the clock is passed in (ms), nothing is scheduled.
 */

export interface AuthThrottleOptions {
  burst?: number;
  refillPerSec?: number;
  maxAddresses?: number;
}

/** What a throttled address is told, by every path that authenticates (clients, publishers). */
export const THROTTLED = 'too many failed authentications';

export const DEFAULT_AUTH_BURST = 10;
export const DEFAULT_AUTH_REFILL_PER_SEC = 1;
export const DEFAULT_AUTH_MAX_ADDRESSES = 10_000;

interface Bucket {
  tokens: number;
  at: number;
}

export class AuthThrottle {
  readonly burst: number;
  readonly refillPerSec: number;
  readonly maxAddresses: number;
  private readonly buckets = new Map<string, Bucket>();

  constructor(options: AuthThrottleOptions = {}) {
    this.burst = options.burst ?? DEFAULT_AUTH_BURST;
    this.refillPerSec = options.refillPerSec ?? DEFAULT_AUTH_REFILL_PER_SEC;
    this.maxAddresses = options.maxAddresses ?? DEFAULT_AUTH_MAX_ADDRESSES;
  }

  /** Addresses currently throttled or partly spent. */
  get size(): number {
    return this.buckets.size;
  }

  /** Whether an authentication attempt from `ip` is answered now. */
  allow(ip: string, now: number): boolean {
    const key = addressKey(ip);
    const bucket = this.buckets.get(key);
    if (bucket === undefined) return true;
    this.refill(bucket, now);
    if (bucket.tokens >= this.burst) {
      this.buckets.delete(key);
      return true;
    }
    return bucket.tokens >= 1;
  }

  /** Records a failed authentication from `ip`. */
  fail(ip: string, now: number): void {
    const key = addressKey(ip);
    let bucket = this.buckets.get(key);
    if (bucket === undefined) {
      bucket = { tokens: this.burst, at: now };
    } else {
      this.refill(bucket, now);
      this.buckets.delete(key); // re-inserted last: the most recently failing address
    }
    bucket.tokens = Math.max(0, bucket.tokens - 1);
    this.buckets.set(key, bucket);
    while (this.buckets.size > this.maxAddresses) {
      this.buckets.delete(this.buckets.keys().next().value as string);
    }
  }

  private refill(bucket: Bucket, now: number): void {
    if (now > bucket.at) {
      bucket.tokens = Math.min(
        this.burst,
        bucket.tokens + ((now - bucket.at) / 1000) * this.refillPerSec,
      );
      bucket.at = now;
    }
  }
}

/**
 * The bucket an address counts against: IPv4 (also IPv4-mapped IPv6) as is, IPv6 by its /64.
 * Anything unparsable is its own key, so a bad input never merges with another address.
 */
export function addressKey(ip: string): string {
  if (!ip.includes(':')) return ip;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1];
  const zoneless = ip.split('%')[0].toLowerCase();
  const halves = zoneless.split('::');
  if (halves.length > 2) return ip;
  const head = halves[0] === '' ? [] : halves[0].split(':');
  const tail = halves.length === 2 && halves[1] !== '' ? halves[1].split(':') : [];
  const missing = 8 - head.length - tail.length;
  if (missing < 0 || (halves.length === 1 && missing !== 0)) return ip;
  const groups = [...head, ...Array<string>(missing).fill('0'), ...tail];
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}
