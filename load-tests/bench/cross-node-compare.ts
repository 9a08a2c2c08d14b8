/**
 * Pure figures of the cross-node scenario: routed events/s from the dispatcher's counter, and
 * the step-by-step comparison with single-process troupe (hot-topic) at the same offered rates.
 */
import { fmtCount, fmtMs } from '../generator/run-step';
import { capacityOf, halfRate, passes, ratio, type Capacity, type StepLike } from './capacity';
import type { PairAtRate } from './paired-steps';
import type { ScenarioRun } from './summary';

/** What cross-node adds to a step, read from the cluster around it. */
export interface ClusterStepFigures {
  /** Increase of the dispatcher's `troupe_events_routed_total` over the step / step seconds. */
  readonly routedPerSec: number | null;
  /** The same increase / publishes of the step (= linked gateways with subscribers). */
  readonly routedPerPublish: number | null;
  readonly dispatcherCpuCores: number | null;
  /** Sum over the gateways. */
  readonly gatewaysCpuCores: number | null;
}

export interface LadderStep extends StepLike {
  readonly published: number;
  readonly latencyMs: { readonly p50: number | null; readonly p99: number | null };
}

/** Routed events/s and per publish from two readings of the counter; null when unreadable. */
export function routedFigures(
  before: number | null,
  after: number | null,
  seconds: number,
  published: number,
): Pick<ClusterStepFigures, 'routedPerSec' | 'routedPerPublish'> {
  if (before === null || after === null || after < before)
    return { routedPerSec: null, routedPerPublish: null };
  const d = after - before;
  return {
    routedPerSec: seconds > 0 ? Math.round(d / seconds) : null,
    routedPerPublish: published > 0 ? Math.round((d / published) * 100) / 100 : null,
  };
}

/** Steps of `system`'s hot-topic run earlier in this bench run, or null when it did not run ok. */
export function earlierHotTopic(
  earlier: readonly ScenarioRun[] | undefined,
  system: string,
): readonly LadderStep[] | null {
  const run = earlier
    ?.find((s) => s.scenario === 'hot-topic')
    ?.systems.find((s) => s.system === system);
  if (run?.status !== 'ok' || run.result === undefined || run.result.steps.length === 0)
    return null;
  return run.result.steps;
}

export interface SideFigures {
  readonly deliveriesPerSec: number;
  readonly deliveredRatio: number;
  readonly p50: number | null;
  readonly p99: number | null;
  readonly ok: boolean;
}

export interface ComparisonRow {
  readonly rate: number;
  readonly cross: SideFigures & { readonly routedPerSec: number | null };
  /** Single-process troupe at the same offered rate; null when it has no step at that rate. */
  readonly standalone: SideFigures | null;
  /** Deliveries/s cross-node / standalone at this rate. */
  readonly ratio: number | null;
}

const side = (s: LadderStep): SideFigures => ({
  deliveriesPerSec: s.deliveriesPerSec,
  deliveredRatio: s.deliveredRatio,
  p50: s.latencyMs.p50,
  p99: s.latencyMs.p99,
  ok: passes(s),
});

/** One row per cross-node step, next to the standalone step of the same offered rate. */
export function compareSteps(
  cross: readonly (LadderStep & { readonly routedPerSec?: number | null })[],
  standalone: readonly LadderStep[],
): ComparisonRow[] {
  return cross.map((c) => {
    const s = standalone.find((x) => x.offeredRate === c.offeredRate);
    return {
      rate: c.offeredRate,
      cross: { ...side(c), routedPerSec: c.routedPerSec ?? null },
      standalone: s === undefined ? null : side(s),
      ratio: s === undefined ? null : ratio(c.deliveriesPerSec, s.deliveriesPerSec),
    };
  });
}

export interface CapacityComparison {
  readonly cross: Capacity;
  readonly standalone: Capacity;
  /** Deliveries/s at capacity, cross-node / standalone; null when either has no passing step. */
  readonly ratio: number | null;
}

export function compareCapacity(
  cross: readonly StepLike[],
  standalone: readonly StepLike[],
): CapacityComparison {
  const c = capacityOf(cross);
  const s = capacityOf(standalone);
  return { cross: c, standalone: s, ratio: ratio(c.deliveriesPerSec, s.deliveriesPerSec) };
}

/** The comparison as a printed table (one row per offered rate). */
export function formatComparison(rows: readonly ComparisonRow[]): string {
  const header = [
    'offered/s',
    'deliv/s',
    'delivered',
    'p50',
    'p99',
    'routed/s',
    'ok',
    '| alone deliv/s',
    'delivered',
    'p50',
    'p99',
    'ok',
    'x deliv/s',
  ];
  const pct = (r: number): string => `${(r * 100).toFixed(1)}%`;
  const yes = (b: boolean): string => (b ? 'yes' : 'no');
  const cells = rows.map((r) => [
    String(r.rate),
    fmtCount(r.cross.deliveriesPerSec),
    pct(r.cross.deliveredRatio),
    fmtMs(r.cross.p50),
    fmtMs(r.cross.p99),
    r.cross.routedPerSec === null ? '-' : fmtCount(r.cross.routedPerSec),
    yes(r.cross.ok),
    r.standalone === null ? '| -' : `| ${fmtCount(r.standalone.deliveriesPerSec)}`,
    r.standalone === null ? '-' : pct(r.standalone.deliveredRatio),
    r.standalone === null ? '-' : fmtMs(r.standalone.p50),
    r.standalone === null ? '-' : fmtMs(r.standalone.p99),
    r.standalone === null ? '-' : yes(r.standalone.ok),
    r.ratio === null ? '-' : `${r.ratio}x`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]?.length ?? 0)));
  const line = (c: readonly string[]): string =>
    c.map((x, i) => x.padStart(widths[i] ?? 0)).join('  ');
  return [line(header), ...cells.map(line)].join('\n');
}

export function formatCapacity(c: CapacityComparison): string {
  const cap = (x: Capacity): string =>
    x.rate === null ? 'none passed' : `${x.rate}/s = ${fmtCount(x.deliveriesPerSec ?? 0)} deliv/s`;
  return (
    `capacity cross-node ${cap(c.cross)}, standalone ${cap(c.standalone)}, ` +
    `ratio ${c.ratio === null ? 'n/a (a side has no passing step)' : `${c.ratio}x`}`
  );
}

/**
 * Where the dispatcher hop's cost is read (issue 14 part 3), at equal offered rate on both
 * sides: `half` at half of standalone troupe's hot-topic capacity (where the latency target is
 * stated), or at the lowest rate both ladders ran when standalone passed no step; `cap` at the
 * cross-node capacity (when some step passed).
 */
export const COST_POINTS = ['half', 'cap'] as const;
export type CostPoint = (typeof COST_POINTS)[number];

export interface CostRate {
  readonly at: CostPoint;
  readonly rate: number;
  /** The standalone capacity rate `half` is half of; null for `cap`, or when it fell back. */
  readonly halfOf: number | null;
}

export function costRates(cross: readonly StepLike[], standalone: readonly StepLike[]): CostRate[] {
  const out: CostRate[] = [];
  const alone = capacityOf(standalone).rate;
  const lowest = Math.min(...cross.map((s) => s.offeredRate));
  if (alone !== null) out.push({ at: 'half', rate: halfRate(alone), halfOf: alone });
  else if (Number.isFinite(lowest)) out.push({ at: 'half', rate: lowest, halfOf: null });
  const cap = capacityOf(cross).rate;
  if (cap !== null) out.push({ at: 'cap', rate: cap, halfOf: null });
  return out;
}

/** The hop's cost at one rate: standalone (a) against cross-node (b), medians of the runs. */
export interface CrossNodeCost {
  readonly at: CostPoint;
  readonly rate: number;
  readonly halfOf: number | null;
  readonly runs: number;
  readonly standaloneP50Ms: number | null;
  readonly crossNodeP50Ms: number | null;
  readonly standaloneP99Ms: number | null;
  readonly crossNodeP99Ms: number | null;
  /** crossNodeP99Ms - standaloneP99Ms. */
  readonly addedP99Ms: number | null;
}

export function crossNodeCost(c: CostRate, pair: PairAtRate): CrossNodeCost {
  return {
    at: c.at,
    rate: c.rate,
    halfOf: c.halfOf,
    runs: pair.runs,
    standaloneP50Ms: pair.a.p50Ms,
    crossNodeP50Ms: pair.b.p50Ms,
    standaloneP99Ms: pair.a.p99Ms,
    crossNodeP99Ms: pair.b.p99Ms,
    addedP99Ms: pair.addedP99Ms,
  };
}

type CostField = Exclude<keyof CrossNodeCost, 'at'>;
const COST_FIELDS: readonly CostField[] = [
  'rate',
  'halfOf',
  'runs',
  'standaloneP50Ms',
  'crossNodeP50Ms',
  'standaloneP99Ms',
  'crossNodeP99Ms',
  'addedP99Ms',
];
const key = (at: CostPoint, f: CostField): string => `cost_${at}_${f}`;

/** The costs as flat scenario metrics (`cost_half_addedP99Ms`, ...). */
export function costMetrics(costs: readonly CrossNodeCost[]): Record<string, number | null> {
  const m: Record<string, number | null> = {};
  for (const c of costs) for (const f of COST_FIELDS) m[key(c.at, f)] = c[f];
  return m;
}

/** Back from the metrics: one cost per point measured, in COST_POINTS order. */
export function costsOf(metrics: Readonly<Record<string, number | null>>): CrossNodeCost[] {
  return COST_POINTS.flatMap((at): CrossNodeCost[] => {
    const rate = metrics[key(at, 'rate')];
    if (typeof rate !== 'number') return [];
    const v = (f: CostField): number | null => metrics[key(at, f)] ?? null;
    return [
      {
        at,
        rate,
        halfOf: v('halfOf'),
        runs: v('runs') ?? 0,
        standaloneP50Ms: v('standaloneP50Ms'),
        crossNodeP50Ms: v('crossNodeP50Ms'),
        standaloneP99Ms: v('standaloneP99Ms'),
        crossNodeP99Ms: v('crossNodeP99Ms'),
        addedP99Ms: v('addedP99Ms'),
      },
    ];
  });
}

/** One line per point: `at 1000/s (half of 2000/s standalone capacity): p99 ... (+x ms)`. */
export function formatCost(c: CrossNodeCost): string {
  const where =
    c.at === 'cap'
      ? 'cross-node capacity'
      : c.halfOf === null
        ? 'lowest rate: standalone passed no step'
        : `half of ${c.halfOf}/s standalone capacity`;
  const added = c.addedP99Ms === null ? '-' : `${c.addedP99Ms >= 0 ? '+' : ''}${c.addedP99Ms} ms`;
  return (
    `at ${c.rate}/s (${where}, median of ${c.runs} alternated runs each): ` +
    `p50 ${fmtMs(c.standaloneP50Ms)} -> ${fmtMs(c.crossNodeP50Ms)}, ` +
    `p99 ${fmtMs(c.standaloneP99Ms)} -> ${fmtMs(c.crossNodeP99Ms)} (${added})`
  );
}
