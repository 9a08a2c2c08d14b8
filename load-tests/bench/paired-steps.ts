/**
 * Two setups measured at equal offered rates in one window of time: steps alternate between
 * them (A B, then B A, ...), so a machine that slows down or speeds up during the comparison
 * (2 shared cores) weighs on both sides alike. Then per rate the run with the median p99 of
 * each side stands for it (as at half capacity), and the server CPU per delivery is the median
 * over the side's runs. Used for the cost of the dispatcher hop (cross-node against standalone)
 * and of viewer counts (counts on against off).
 */
import type { StepResult } from '../generator/run-step';
import { halfCapacityOf, ratio } from './capacity';
import type { StepAt } from './scenarios/step-ladder';

/** What the pair arithmetic reads of a step. */
export interface PairedStep {
  readonly offeredRate: number;
  readonly deliveredRatio: number;
  readonly deliveriesPerSec: number;
  readonly serverCpuCores: number | null;
  readonly latencyMs: { readonly p50: number | null; readonly p99: number | null };
}

/**
 * Runs `runs` steps of each side at each distinct rate (a rate listed twice runs once),
 * alternating which side goes first.
 */
export async function alternateSteps(
  a: StepAt,
  b: StepAt,
  rates: readonly number[],
  runs: number,
): Promise<{ a: StepResult[]; b: StepResult[] }> {
  const out = { a: [] as StepResult[], b: [] as StepResult[] };
  for (const rate of new Set(rates))
    for (let i = 0; i < runs; i++) {
      const why = `equal rate ${i + 1}/${runs}`;
      if (i % 2 === 0) {
        out.a.push(await a(rate, why));
        out.b.push(await b(rate, why));
      } else {
        out.b.push(await b(rate, why));
        out.a.push(await a(rate, why));
      }
    }
  return out;
}

export interface SideAtRate {
  /** Of the run with the median p99. */
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
  /** Lowest delivered ratio over the runs. */
  readonly deliveredRatio: number;
  /** Median over the runs of server CPU-µs per delivery (null when CPU was not read). */
  readonly cpuUsPerDelivery: number | null;
}

export interface PairAtRate {
  readonly rate: number;
  /** Runs per side at this rate. */
  readonly runs: number;
  readonly a: SideAtRate;
  readonly b: SideAtRate;
  /** b's p99 minus a's, ms (one decimal); null when a side has none. */
  readonly addedP99Ms: number | null;
  readonly addedP50Ms: number | null;
  /** b's CPU per delivery over a's (two decimals). */
  readonly cpuPerDeliveryRatio: number | null;
}

/** Server CPU-µs per delivery of one step (two decimals). */
export function cpuUsPerDelivery(s: PairedStep): number | null {
  if (s.serverCpuCores === null || s.deliveriesPerSec <= 0) return null;
  return Math.round((s.serverCpuCores / s.deliveriesPerSec) * 1e8) / 100;
}

/** The middle value (the lower of the two middle ones), or null for none. */
export function median(xs: readonly (number | null)[]): number | null {
  const v = xs.filter((x): x is number => x !== null).sort((p, q) => p - q);
  return v.length === 0 ? null : (v[Math.floor((v.length - 1) / 2)] ?? null);
}

function sideAt(rate: number, steps: readonly PairedStep[]): SideAtRate | null {
  const at = steps.filter((s) => s.offeredRate === rate);
  const mid = halfCapacityOf(rate, at);
  if (mid === null) return null;
  return {
    p50Ms: mid.p50Ms,
    p99Ms: mid.p99Ms,
    deliveredRatio: Math.min(...at.map((s) => s.deliveredRatio)),
    cpuUsPerDelivery: median(at.map(cpuUsPerDelivery)),
  };
}

const diff = (b: number | null, a: number | null): number | null =>
  a === null || b === null ? null : Math.round((b - a) * 10) / 10;

/** Both sides at `rate`; null when either has no step there. */
export function pairAtRate(
  rate: number,
  a: readonly PairedStep[],
  b: readonly PairedStep[],
): PairAtRate | null {
  const sa = sideAt(rate, a);
  const sb = sideAt(rate, b);
  if (sa === null || sb === null) return null;
  return {
    rate,
    runs: Math.min(...[a, b].map((x) => x.filter((s) => s.offeredRate === rate).length)),
    a: sa,
    b: sb,
    addedP99Ms: diff(sb.p99Ms, sa.p99Ms),
    addedP50Ms: diff(sb.p50Ms, sa.p50Ms),
    cpuPerDeliveryRatio: ratio(sb.cpuUsPerDelivery, sa.cpuUsPerDelivery),
  };
}

/** A step as the JSON's notes keep the alternated ones (they are not in the step table). */
export function stepBrief(s: PairedStep): Record<string, number | null> {
  return {
    rate: s.offeredRate,
    deliveredRatio: s.deliveredRatio,
    deliveriesPerSec: s.deliveriesPerSec,
    p50Ms: s.latencyMs.p50,
    p99Ms: s.latencyMs.p99,
    serverCpuCores: s.serverCpuCores,
    cpuUsPerDelivery: cpuUsPerDelivery(s),
  };
}
