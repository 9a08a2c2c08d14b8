/**
 * The summary's lines for issue 14 parts 3 and 4, both read at equal offered rate in one run:
 * what the dispatcher hop adds to p99 (cross-node against standalone) and what viewer counts
 * cost a hot topic's fan-out (counts on against off).
 */
import { fmtMs } from '../generator/run-step';
import { formatCost, type CrossNodeCost } from './cross-node-compare';
import type { CountsCost, Summary } from './summary';

/** Issue 14 part 3: the hop adds at most this to p99 at equal load. */
export const HOP_ADDED_P99_TARGET_MS = 10;
/** Issue 14 part 4: counts cost under 5% of capacity (on / off at least this). */
export const COUNTS_MIN_RATIO = 0.95;

export function formatCountsCost(c: CountsCost): string {
  const x = (v: number | null): string => (v === null ? '-' : `${v}x`);
  const us = (v: number | null): string => (v === null ? '-' : `${v} µs`);
  return (
    `counts on/off: capacity ${x(c.capacityRatio)}, CPU per delivery ${x(c.cpuPerDeliveryRatio)}` +
    (c.rate === null
      ? ' (no rate both delivered)'
      : ` at ${c.rate}/s (${us(c.offCpuUsPerDelivery)} -> ${us(c.onCpuUsPerDelivery)}, median of ${c.runs ?? '-'} alternated runs each)`)
  );
}

/** The block printed in the summary (empty when neither scenario ran). */
export function costLines(summary: Summary): string[] {
  const lines = summary.systems.flatMap((s) => [
    ...(s.crossNodeCost ?? []).map((c) => `${s.system} cross-node hop ${formatCost(c)}`),
    ...(s.countsCost === null ? [] : [`${s.system} ${formatCountsCost(s.countsCost)}`]),
  ]);
  return lines.length === 0
    ? []
    : [
        '',
        `at equal offered rate, same run (targets: the dispatcher hop adds <= ${HOP_ADDED_P99_TARGET_MS} ms to p99; ` +
          `counts on/off >= ${COUNTS_MIN_RATIO}x capacity, i.e. cost < 5%):`,
        ...lines,
      ];
}

/** A short line for the chart's cross-node row: `hop adds +6.6 ms p99 at 1000/s, ...`. */
export function hopNote(costs: readonly CrossNodeCost[]): string {
  const one = (c: CrossNodeCost): string =>
    `${c.addedP99Ms === null ? '-' : `${c.addedP99Ms >= 0 ? '+' : ''}${c.addedP99Ms} ms`} at ${c.rate}/s ` +
    `(${fmtMs(c.standaloneP99Ms)} -> ${fmtMs(c.crossNodeP99Ms)})`;
  return costs.length === 0
    ? ''
    : `dispatcher hop, p99 at equal rate vs standalone: ${costs.map(one).join(', ')}`;
}
