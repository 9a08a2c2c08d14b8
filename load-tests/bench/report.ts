/**
 * The bench's outputs: a printed step table per rate-ladder scenario, a summary table with
 * capacities and ratios, results/latest.json and results/latest.svg.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fmtCount, fmtMs } from '../generator/run-step';
import { passes } from './capacity';
import { renderChart, type ChartRow } from './chart-svg';
import { BYTES_PER_CONNECTION_TARGET, formatLinkedin } from './linkedin-figures';
import type { BenchArgs } from './cli-args';
import type { Budget } from './wall-time';
import { costLines, hopNote } from './cost-lines';
import { costsOf } from './cross-node-compare';
import {
  LADDER_SCENARIOS,
  type PresenceFigures,
  type ScenarioRun,
  type Summary,
  type SystemRun,
} from './summary';

export type { ScenarioRun, SystemRun } from './summary';

export interface BenchReport {
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly durationSeconds: number;
  /** durationSeconds against the profile's budget (wall-time.ts). */
  readonly budget: Budget;
  readonly command: string;
  readonly machine: { readonly cpus: number; readonly node: string; readonly platform: string };
  readonly params: BenchArgs;
  readonly summary: Summary;
  readonly scenarios: readonly ScenarioRun[];
}

export function machineFacts(): BenchReport['machine'] {
  return {
    cpus: os.cpus().length,
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
  };
}

export function formatTable(runs: readonly SystemRun[]): string {
  const header = [
    'system',
    'offered/s',
    'published',
    'deliv/s',
    'delivered',
    'p50',
    'p90',
    'p99',
    'max',
    'gaps',
    'srv cpu',
    'gen cpu',
    'load',
    'ok',
  ];
  const rows: string[][] = [];
  for (const r of runs) {
    if (r.status !== 'ok' || r.result === undefined) {
      rows.push([r.system, `${r.status}: ${r.reason ?? ''}`]);
      continue;
    }
    for (const s of r.result.steps) {
      rows.push([
        r.system,
        String(s.offeredRate),
        String(s.published),
        fmtCount(s.deliveriesPerSec),
        `${(s.deliveredRatio * 100).toFixed(1)}%`,
        fmtMs(s.latencyMs.p50),
        fmtMs(s.latencyMs.p90),
        fmtMs(s.latencyMs.p99),
        fmtMs(s.latencyMs.max),
        String(s.gaps),
        s.serverCpuCores === null ? '-' : s.serverCpuCores.toFixed(2),
        s.generatorCpuCores.toFixed(2),
        s.loadAvg1.toFixed(1),
        passes(s) ? 'yes' : 'no',
      ]);
    }
    const c = r.result.capacity;
    rows.push([
      r.system,
      'capacity',
      c?.rate === null || c === null ? 'none' : `${c.rate}/s`,
      c?.deliveriesPerSec == null ? '-' : fmtCount(c.deliveriesPerSec),
    ]);
  }
  const widths = header.map((h, i) =>
    Math.max(h.length, ...rows.filter((r) => r.length > 2).map((r) => (r[i] ?? '').length)),
  );
  const line = (cells: readonly string[]): string =>
    cells.length <= 2
      ? cells.join('  ')
      : cells
          .map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0)))
          .join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}

/** One row per system: capacities, connect-storm, idle memory; then the ratios. */
/** Issue 4's latency target, at half of troupe's hot-topic capacity. */
export const P99_TARGET_MS = 50;

export function formatSummary(summary: Summary): string {
  const header = [
    'system',
    ...LADDER_SCENARIOS.map((s) => `${s} capacity`),
    'connect/s',
    'connect p99',
    'idle B/conn 3s',
    'idle B/conn 35s',
  ];
  const cap = (c: { rate: number | null; deliveriesPerSec: number | null } | undefined): string =>
    c === undefined
      ? '-'
      : c.rate === null
        ? 'none passed'
        : `${c.rate}/s = ${fmtCount(c.deliveriesPerSec ?? 0)} deliv/s`;
  const rows = summary.systems.map((s) => [
    s.system,
    ...LADDER_SCENARIOS.map((sc) => cap(s.capacity[sc])),
    s.connectPerSec === null ? '-' : String(s.connectPerSec),
    fmtMs(s.connectP99Ms),
    s.idleBytesPerConnection === null ? '-' : String(s.idleBytesPerConnection),
    s.idleBytesPerConnectionSettled === null ? '-' : String(s.idleBytesPerConnectionSettled),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0)))
      .join('  ');
  const ratios = summary.ratios.map(
    (r) =>
      `${r.pair} ${r.scenario}: ${r.value === null ? 'n/a (a side has no passing step)' : `${r.value}x`}`,
  );
  const half = summary.systems.flatMap((s) =>
    LADDER_SCENARIOS.filter((sc) => s.halfCapacity[sc] !== undefined).map((sc) => {
      const h = s.halfCapacity[sc]!;
      const runs =
        h.p99Runs.length > 1
          ? ` (median of ${h.p99Runs.length} runs: ${h.p99Runs.map(fmtMs).join(', ')})`
          : '';
      return `${s.system} ${sc} at ${h.rate}/s: p50 ${fmtMs(h.p50Ms)}, p99 ${fmtMs(h.p99Ms)}${runs}`;
    }),
  );
  const pct = (x: number | null): string => (x === null ? '-' : `${(x * 100).toFixed(1)}%`);
  const hostile = summary.systems.flatMap((s) =>
    s.hostile === null
      ? []
      : [
          `${s.system} bystanders under attack: p99 ${fmtMs(s.hostile.hostileP99Ms)} vs ${fmtMs(s.hostile.quietP99Ms)} quiet, ` +
            `delivered ${pct(s.hostile.hostileDelivered)} vs ${pct(s.hostile.quietDelivered)} quiet`,
        ],
  );
  const presence = summary.systems.flatMap((s) =>
    s.presence === null ? [] : [formatPresence(s.system, s.presence)],
  );
  const linkedin = summary.systems.flatMap((s) =>
    s.linkedin === null ? [] : [formatLinkedin(s.system, s.linkedin)],
  );
  const jwt = summary.systems.flatMap((s) =>
    s.connectJwtPerSec === null
      ? []
      : [
          `${s.system} connect/s with JWT: ${s.connectJwtPerSec} (${s.connectJwtOverPlain === null ? 'no connect-storm before it' : `${s.connectJwtOverPlain}x without`})`,
        ],
  );
  return [
    line(header),
    ...rows.map(line),
    ...(jwt.length > 0 ? ['', ...jwt] : []),
    ...(hostile.length > 0 ? ['', ...hostile] : []),
    ...(linkedin.length > 0
      ? [
          '',
          `linkedin-node (target: under ${BYTES_PER_CONNECTION_TARGET} B/connection over the fixed cost):`,
          ...linkedin,
        ]
      : []),
    ...(presence.length > 0
      ? [
          '',
          `presence (target: connect -> online p99 < ${PRESENCE_ONLINE_TARGET_MS} ms):`,
          ...presence,
        ]
      : []),
    ...costLines(summary),
    '',
    'deliveries/s at capacity, same run:',
    ...ratios,
    ...(half.length > 0
      ? [
          '',
          `latency at half of capacity (target: troupe hot-topic p99 < ${P99_TARGET_MS} ms):`,
          ...half,
        ]
      : []),
  ].join('\n');
}

/** Issue 11's bar: a member's status change reaches its watchers within this, p99. */
export const PRESENCE_ONLINE_TARGET_MS = 200;

/** One system's presence line: its run's d and ε, latencies, errors and heartbeat cost. */
export function formatPresence(system: string, p: PresenceFigures): string {
  const n = (v: number | null): string => (v === null ? '-' : String(v));
  return (
    `${system} ${n(p.members)} members, churn ${n(p.churnPerSec)}/s, d ${n(p.dMs)} ms, e ${n(p.graceMs)} ms: ` +
    `connect -> online p50 ${fmtMs(p.onlineP50Ms)} p99 ${fmtMs(p.onlineP99Ms)} ` +
    `(from the upgrade p50 ${fmtMs(p.onlineFromOpenP50Ms)} p99 ${fmtMs(p.onlineFromOpenP99Ms)}); ` +
    `close -> offline minus d+2e p50 ${fmtMs(p.offlineOverDelayP50Ms)} p99 ${fmtMs(p.offlineOverDelayP99Ms)}; ` +
    `offline after lastSeen+d+2e p50 ${fmtMs(p.offlineLateP50Ms)} p99 ${fmtMs(p.offlineLateP99Ms)}; ` +
    `false offlines ${n(p.falseOfflines)}, duplicate onlines ${n(p.duplicateOnlines)}; ` +
    `${n(p.heartbeatsPerDispatcherCore)} heartbeats/s per dispatcher core (${n(p.heartbeatsPerSec)}/s on ${n(p.dispatcherCpuCores)} cores); ` +
    `longest event-loop stall ${fmtMs(p.eventLoopLagMaxMs)}, load ${n(p.loadAvg1)}`
  );
}

/** Chart rows (one per rate-ladder scenario that has steps). */
export function chartRows(runs: readonly ScenarioRun[]): ChartRow[] {
  const rows: ChartRow[] = [];
  for (const sc of LADDER_SCENARIOS) {
    const run = runs.find((r) => r.scenario === sc);
    if (run === undefined) continue;
    const series = run.systems
      .filter((s) => s.status === 'ok' && (s.result?.steps.length ?? 0) > 0)
      .map((s) => ({
        system: s.system,
        points: (s.result?.steps ?? []).map((st) => ({
          offered: st.offeredRate,
          deliveriesPerSec: st.deliveriesPerSec,
          p99Ms: st.latencyMs.p99,
        })),
      }));
    const troupe = run.systems.find((s) => s.system === 'troupe' && s.status === 'ok');
    const note =
      sc === 'cross-node' && troupe?.result ? hopNote(costsOf(troupe.result.metrics)) : '';
    if (series.length > 0) rows.push({ title: sc, series, ...(note === '' ? {} : { note }) });
  }
  return rows;
}

/** Writes the JSON (and the SVG beside it, same name); returns both paths. */
export function writeReport(
  report: BenchReport,
  out: string | null,
): { json: string; svg: string } {
  // dist/load-tests/bench/report.js -> <repo>/load-tests/results/latest.json
  const json =
    out ?? path.resolve(__dirname, '..', '..', '..', 'load-tests', 'results', 'latest.json');
  mkdirSync(path.dirname(json), { recursive: true });
  writeFileSync(json, JSON.stringify(report, null, 2) + '\n');
  const svg = json.replace(/\.json$/, '') + '.svg';
  writeFileSync(
    svg,
    renderChart(
      chartRows(report.scenarios),
      `${report.startedAt.slice(0, 16)}Z, ${report.command}`,
    ),
  );
  return { json, svg };
}
