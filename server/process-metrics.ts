/**
 * Node process metrics under the names dashboards look for (`process_cpu_seconds_total`,
 * `process_resident_memory_bytes`, `nodejs_eventloop_lag_seconds`, `nodejs_heap_size_used_bytes`,
 * ...): prom-client's default collectors, without a prefix.
 *
 * One change to them: prom-client reads its event loop delay summary (min, max, mean, stddev,
 * p50, p90, p99) from a histogram it resets at every scrape, so a scrape that finds no sample
 * since the last one (two scrapes close together, an idle loop between them) exports the empty
 * histogram: min 9223372036.85 s (2^63 - 1 ns) and a NaN mean and stddev. Those gauges are ours
 * here: each scrape reads a window that has samples, and when it has none the previous window's
 * values stand (0 before the first).
 *
 * And `nodejs_gc_duration_seconds`: prom-client's observer reads only the first entry of each
 * callback, and Node hands an observer every GC since its last callback at once, so the GCs of a
 * busy turn (several scavenges under load) counted as one. Ours observes every entry, under the
 * same name, help, kinds and buckets. prom-client's observer cannot be reached to stop: it goes
 * on filling its own histogram, which no registry reads any more (a callback per turn with GCs).
 */
import {
  constants,
  monitorEventLoopDelay,
  PerformanceObserver,
  type IntervalHistogram,
} from 'node:perf_hooks';
import { Gauge, Histogram, collectDefaultMetrics, type Registry } from 'prom-client';

/** The monitor's sampling interval, as prom-client's default. */
const RESOLUTION_MS = 10;

type Stat = 'min' | 'max' | 'mean' | 'stddev' | 'p50' | 'p90' | 'p99';

/** Name, help and how `--workers` scrapes merge it, per statistic of the delay. */
const LAG_STATS: readonly [Stat, string, 'min' | 'max' | 'average'][] = [
  ['min', 'The minimum recorded event loop delay.', 'min'],
  ['max', 'The maximum recorded event loop delay.', 'max'],
  ['mean', 'The mean of the recorded event loop delays.', 'average'],
  ['stddev', 'The standard deviation of the recorded event loop delays.', 'average'],
  ['p50', 'The 50th percentile of the recorded event loop delays.', 'average'],
  ['p90', 'The 90th percentile of the recorded event loop delays.', 'average'],
  ['p99', 'The 99th percentile of the recorded event loop delays.', 'average'],
];

const lagName = (stat: Stat): string => `nodejs_eventloop_lag_${stat}_seconds`;

/** The last window of delays that had samples, in seconds. */
function readWindow(h: IntervalHistogram, into: Record<Stat, number>): void {
  if (h.count === 0) return;
  const values: Record<Stat, number> = {
    min: h.min,
    max: h.max,
    mean: h.mean,
    stddev: h.stddev,
    p50: h.percentile(50),
    p90: h.percentile(90),
    p99: h.percentile(99),
  };
  h.reset();
  for (const [stat, ns] of Object.entries(values) as [Stat, number][]) {
    // Never a NaN or a sentinel, even if the histogram had one to give.
    if (Number.isFinite(ns) && ns >= 0 && ns < Number.MAX_SAFE_INTEGER) into[stat] = ns / 1e9;
  }
}

const GC_NAME = 'nodejs_gc_duration_seconds';
/** A GC entry's `detail.kind` -> its label, one object per kind for every observation. */
const GC_LABELS: ReadonlyMap<number, { kind: string }> = new Map([
  [constants.NODE_PERFORMANCE_GC_MAJOR, { kind: 'major' }],
  [constants.NODE_PERFORMANCE_GC_MINOR, { kind: 'minor' }],
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL, { kind: 'incremental' }],
  [constants.NODE_PERFORMANCE_GC_WEAKCB, { kind: 'weakcb' }],
]);

/** The GC histogram of every registry that has one; weakly held (tests make many). */
const gcHistograms = new Set<WeakRef<Histogram<'kind'>>>();
let gcObserver: PerformanceObserver | undefined;

function observeGcs(list: { getEntries(): { duration: number; detail?: unknown }[] }): void {
  const entries = list.getEntries();
  for (const ref of gcHistograms) {
    const histogram = ref.deref();
    if (histogram === undefined) {
      gcHistograms.delete(ref);
      continue;
    }
    for (const e of entries) {
      const labels = GC_LABELS.get((e.detail as { kind?: number } | undefined)?.kind ?? -1);
      if (labels !== undefined) histogram.observe(labels, e.duration / 1000);
    }
  }
}

/** Replaces prom-client's GC histogram on `reg` with one that counts every GC. */
function registerGcMetric(reg: Registry): void {
  reg.removeSingleMetric(GC_NAME);
  const histogram = new Histogram({
    name: GC_NAME,
    help: 'Garbage collection duration by kind, one of major, minor, incremental or weakcb.',
    labelNames: ['kind'],
    buckets: [0.001, 0.01, 0.1, 1, 2, 5],
    registers: [reg],
  });
  gcHistograms.add(new WeakRef(histogram));
  if (gcObserver === undefined) {
    gcObserver = new PerformanceObserver(observeGcs);
    gcObserver.observe({ entryTypes: ['gc'] });
  }
}

/** Registers the process metrics on `reg`. */
export function registerProcessMetrics(reg: Registry): void {
  collectDefaultMetrics({ register: reg, eventLoopMonitoringPrecision: RESOLUTION_MS });
  registerGcMetric(reg);
  const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  histogram.enable();
  const latest: Record<Stat, number> = {
    min: 0,
    max: 0,
    mean: 0,
    stddev: 0,
    p50: 0,
    p90: 0,
    p99: 0,
  };
  for (const [stat, help, aggregator] of LAG_STATS) {
    reg.removeSingleMetric(lagName(stat));
    new Gauge({
      name: lagName(stat),
      help,
      aggregator,
      registers: [reg],
      // Whichever gauge a scrape reads first takes the window; the others then find it empty.
      collect() {
        readWindow(histogram, latest);
        this.set(latest[stat]);
      },
    });
  }
}
