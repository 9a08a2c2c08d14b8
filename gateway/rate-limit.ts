/**
 * A client's request budget: a token bucket (a rate per second and a burst above it) and the
 * count of requests in a row it refused.
 *
 * A refused request is answered `err` 429 and the connection stays; a client that keeps
 * sending through `rateStrikes` refusals in a row is not reading its errors, and is closed with
 * 4029. One admitted request clears the strikes.
 */

export interface RateLimits {
  /** Client requests per second (token bucket) and the burst allowed above it. */
  readonly ratePerSec: number;
  readonly rateBurst: number;
  /** Rate-limited requests in a row before the connection is closed with 4029. */
  readonly rateStrikes: number;
}

/**
 * The limits are passed to each call, not held: every connection of a node shares one limits
 * object, and a field per connection for it would cost 100k pointers.
 */
export class RateLimit {
  private tokens: number;
  /** ms on `clockMs()` when `tokens` was last topped up. */
  private tokensAt: number;
  private strikes = 0;

  constructor(limits: RateLimits, now: number) {
    this.tokens = limits.rateBurst;
    this.tokensAt = now;
  }

  /** Takes a token; false (and one strike more) when the request is over the rate. */
  admit(now: number, limits: RateLimits): boolean {
    this.tokens = Math.min(
      limits.rateBurst,
      this.tokens + ((now - this.tokensAt) * limits.ratePerSec) / 1000,
    );
    this.tokensAt = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      this.strikes = 0;
      return true;
    }
    this.strikes++;
    return false;
  }

  /** True once `rateStrikes` requests in a row were refused: time to close with 4029. */
  struckOut(limits: RateLimits): boolean {
    return this.strikes >= limits.rateStrikes;
  }
}
