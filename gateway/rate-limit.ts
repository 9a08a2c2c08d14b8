/**
 * A client's request budget: a token bucket (a rate per second and a burst above it) and the
 * count of requests in a row it refused.
 *
 * A refused request is answered `err` 429 and the connection stays; a client that keeps
 * sending through `rateStrikes` refusals in a row is not reading its errors, and is closed with
 * 4029. One admitted request clears the strikes.
 *
 * The bucket is two fields of its owner (the connection actor), not an object of its own: an
 * object per connection costs 48 bytes, 4.8 MB at 100k. Its time is the owner's: `refill`
 * takes the ms since the owner last refilled (a connection's `lastSeen`).
 */

export interface RateLimits {
  /**
   * Client requests per second (token bucket) and the burst allowed above it. A whole number
   * (Limits.ratePerSec): a whole ms earns a whole number of thousandths of a token.
   */
  readonly ratePerSec: number;
  readonly rateBurst: number;
  /** Rate-limited requests in a row before the connection is closed with 4029. */
  readonly rateStrikes: number;
}

export interface RateBucket {
  /**
   * Thousandths of a token, always an integer: a fraction in this field in any one connection
   * would make V8 store it as a boxed double (16 bytes more) in every connection.
   */
  milliTokens: number;
  strikes: number;
}

const MILLI = 1000;

/** A full bucket's `milliTokens`: a new client may send its whole burst at once. */
export function fullBucket(limits: RateLimits): number {
  return limits.rateBurst * MILLI;
}

/** Adds what `elapsedMs` earned at `ratePerSec`, up to the burst. */
export function refill(bucket: RateBucket, elapsedMs: number, limits: RateLimits): void {
  // ratePerSec tokens per 1000 ms is ratePerSec thousandths per ms; floor only guards a
  // fractional rate (which would lose what a refill earns below one thousandth).
  const earned = Math.floor(elapsedMs * limits.ratePerSec);
  bucket.milliTokens = Math.min(fullBucket(limits), bucket.milliTokens + earned);
}

/** Takes a token; false (and one strike more) when the request is over the rate. */
export function admit(bucket: RateBucket): boolean {
  if (bucket.milliTokens >= MILLI) {
    bucket.milliTokens -= MILLI;
    bucket.strikes = 0;
    return true;
  }
  bucket.strikes++;
  return false;
}

/** True once `rateStrikes` requests in a row were refused: time to close with 4029. */
export function struckOut(bucket: RateBucket, limits: RateLimits): boolean {
  return bucket.strikes >= limits.rateStrikes;
}
