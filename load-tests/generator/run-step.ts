/**
 * One measured step: publish at a fixed offered rate for a while, then let the pipeline drain,
 * and report what arrived. Shared by the generator CLI and every bench scenario.
 *
 * - deliveries/s counts only what arrived while publishing (sustained throughput);
 * - delivered ratio also counts what arrived during the drain (bounded), against
 *   sent x subscribers-per-event.
 */
import * as os from 'node:os';
import type { Publisher } from './publisher';
import type { SubscriberPool } from './subscriber-pool';
import type { Window } from './window';
import { cpuCoresBetween, sampleProc } from './proc-stats';

export interface StepOptions {
  readonly label: string;
  readonly rate: number;
  readonly seconds: number;
  readonly maxDrainMs?: number;
  /** Server process to sample for CPU and RSS (optional). */
  readonly serverPid?: number;
  readonly log?: (line: string) => void;
  /**
   * Deliveries owed for the publishes at positions [from, to) of the publisher (its
   * `position`s); default: published x the pool's subscriptions per topic, which holds when
   * every topic of the round-robin has the same subscribers.
   */
  readonly expected?: (from: number, to: number) => number;
}

export interface LatencySummary {
  readonly samples: number;
  readonly p50: number | null;
  readonly p90: number | null;
  readonly p99: number | null;
  readonly max: number | null;
}

export interface StepResult {
  readonly offeredRate: number;
  readonly seconds: number;
  readonly published: number;
  readonly publishSkipped: number;
  readonly expected: number;
  readonly delivered: number;
  readonly deliveredRatio: number;
  readonly deliveriesPerSec: number;
  readonly framesPerSec: number;
  readonly missing: number;
  readonly gaps: number;
  readonly reorders: number;
  readonly errors: number;
  readonly latencyMs: LatencySummary;
  readonly connected: number;
  readonly generatorCpuCores: number;
  readonly serverCpuCores: number | null;
  readonly serverRssBytes: number | null;
  /** 1-minute load average at the end of the step: above the core count, figures are noisy. */
  readonly loadAvg1: number;
}

export function summarize(w: Window): LatencySummary {
  const h = w.latency;
  const q = (x: number): number | null => (h.count === 0 ? null : round(h.percentile(x)));
  return {
    samples: h.count,
    p50: q(0.5),
    p90: q(0.9),
    p99: q(0.99),
    max: h.count === 0 ? null : round(h.max),
  };
}

export async function runStep(
  pool: SubscriberPool,
  publisher: Publisher,
  o: StepOptions,
): Promise<StepResult> {
  const log = o.log ?? ((l: string) => process.stdout.write(l + '\n'));
  await pool.flush(); // whatever arrived before this step belongs to no step
  const all = pool.openWindow();
  const during = pool.openWindow();
  let second = pool.openWindow();
  let lastSent = 0;
  const proc0 = o.serverPid !== undefined ? sampleProc(o.serverPid) : null;
  const topics = pool.topics();
  const from = publisher.position;
  const res = await publisher.run(topics, o.rate, o.seconds, (sent) => {
    const s = second;
    second = pool.openWindow();
    pool.closeWindow(s);
    log(progressLine(o.label, pool, s, sent - lastSent, s.seconds()));
    lastSent = sent;
  });
  pool.closeWindow(second);
  await pool.flush();
  pool.closeWindow(during);
  const proc1 = o.serverPid !== undefined ? sampleProc(o.serverPid) : null;
  await drain(pool, all, o.maxDrainMs ?? 3000);
  pool.closeWindow(all);

  const fanout = pool.subscriptionsTotal() / topics.length;
  const expected = o.expected?.(from, from + res.sent) ?? res.sent * fanout;
  const secs = res.elapsedMs / 1000;
  return {
    offeredRate: o.rate,
    seconds: round(secs),
    published: res.sent,
    publishSkipped: res.skipped,
    expected,
    delivered: all.events,
    deliveredRatio: expected === 0 ? 0 : round(all.events / expected, 4),
    deliveriesPerSec: Math.round(during.events / secs),
    framesPerSec: Math.round(during.frames / secs),
    missing: all.missing,
    gaps: all.gaps,
    reorders: all.reorders,
    errors: all.errors,
    latencyMs: summarize(all),
    connected: pool.gauges().connected,
    generatorCpuCores: round(during.cpuCores()),
    serverCpuCores: nullableRound(cpuCoresBetween(proc0, proc1)),
    serverRssBytes: proc1?.rssBytes ?? null,
    loadAvg1: round(os.loadavg()[0] ?? 0, 2),
  };
}

/** Waits until a flush `quietMs` after the last brings no new events into `w`, or `maxMs` passed. */
export async function drain(
  pool: SubscriberPool,
  w: Window,
  maxMs: number,
  quietMs = 200,
): Promise<void> {
  const deadline = performance.now() + maxMs;
  let before = -1;
  while (performance.now() < deadline && w.events !== before) {
    before = w.events;
    await new Promise((r) => setTimeout(r, quietMs));
    await pool.flush();
  }
}

export function progressLine(
  label: string,
  pool: SubscriberPool,
  s: Window,
  published: number,
  secs: number,
): string {
  const g = pool.gauges();
  const lat = summarize(s);
  const per = (n: number): string => fmtCount(n / (secs > 0 ? secs : 1));
  return (
    `[${label}] conns=${g.connected} pub=${per(published)}/s deliv=${per(s.events)}/s frames=${per(s.frames)}/s ` +
    `p50=${fmtMs(lat.p50)} p99=${fmtMs(lat.p99)} gaps=${s.gaps} gen-cpu=${s.cpuCores().toFixed(2)}`
  );
}

export function fmtCount(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)}k`;
  return `${Math.round(n)}`;
}

export function fmtMs(ms: number | null): string {
  return ms === null ? '-' : `${ms < 10 ? ms.toFixed(2) : ms.toFixed(1)}ms`;
}

function round(x: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

function nullableRound(x: number | null): number | null {
  return x === null ? null : round(x);
}
