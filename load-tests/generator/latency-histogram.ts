/**
 * Mergeable latency histogram with ~1% relative precision.
 *
 * Why a histogram and not raw samples: workers ship one compact delta per second over IPC and
 * the coordinator merges them per step without ever holding unbounded sample arrays.
 *
 * Bucket i (i >= 1) holds values in (MIN_MS * GROWTH^(i-1), MIN_MS * GROWTH^i]; bucket 0 holds
 * everything at or below MIN_MS. Percentiles report the bucket's upper bound (never optimistic).
 */

const MIN_MS = 0.01;
const GROWTH = 1.01;
const LOG_GROWTH = Math.log(GROWTH);
/** 0.01 ms .. ~ 2^30 ms: well past any bounded run. */
export const BUCKETS = 2200;

/** Sparse delta as shipped between processes: [bucketIndex, count] pairs plus exact max. */
export interface HistogramDelta {
  readonly pairs: number[];
  readonly max: number;
  readonly sum: number;
}

export function bucketOf(ms: number): number {
  if (!(ms > MIN_MS)) return 0;
  const i = Math.ceil(Math.log(ms / MIN_MS) / LOG_GROWTH - 1e-9);
  return i >= BUCKETS ? BUCKETS - 1 : i;
}

export function upperBoundOf(bucket: number): number {
  return MIN_MS * Math.pow(GROWTH, bucket);
}

export class LatencyHistogram {
  private readonly counts = new Uint32Array(BUCKETS);
  private readonly touched: number[] = [];
  private total = 0;
  private maxMs = 0;
  private sumMs = 0;

  get count(): number {
    return this.total;
  }

  get max(): number {
    return this.maxMs;
  }

  get mean(): number {
    return this.total === 0 ? 0 : this.sumMs / this.total;
  }

  record(ms: number): void {
    // Clock skew between processes can make a tiny negative; it is "instant", not an error.
    const v = ms < 0 ? 0 : ms;
    const b = bucketOf(v);
    if (this.counts[b] === 0) this.touched.push(b);
    this.counts[b]++;
    this.total++;
    this.sumMs += v;
    if (v > this.maxMs) this.maxMs = v;
  }

  merge(delta: HistogramDelta): void {
    const p = delta.pairs;
    for (let i = 0; i + 1 < p.length; i += 2) {
      const b = p[i] as number;
      const n = p[i + 1] as number;
      if (this.counts[b] === 0) this.touched.push(b);
      this.counts[b] += n;
      this.total += n;
    }
    this.sumMs += delta.sum;
    if (delta.max > this.maxMs) this.maxMs = delta.max;
  }

  /** Returns the recorded values as a delta and empties this histogram. */
  drain(): HistogramDelta {
    const pairs: number[] = [];
    for (const b of this.touched) {
      pairs.push(b, this.counts[b] as number);
      this.counts[b] = 0;
    }
    const delta = { pairs, max: this.maxMs, sum: this.sumMs };
    this.touched.length = 0;
    this.total = 0;
    this.maxMs = 0;
    this.sumMs = 0;
    return delta;
  }

  /** q in [0, 1]; NaN when empty. The max is exact, so q = 1 returns it. */
  percentile(q: number): number {
    if (this.total === 0) return NaN;
    if (q >= 1) return this.maxMs;
    const rank = Math.max(1, Math.ceil(q * this.total));
    const sorted = [...this.touched].sort((a, b) => a - b);
    let seen = 0;
    for (const b of sorted) {
      seen += this.counts[b] as number;
      if (seen >= rank) return Math.min(upperBoundOf(b), this.maxMs);
    }
    return this.maxMs;
  }
}
