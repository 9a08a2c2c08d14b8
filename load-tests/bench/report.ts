/** The bench's outputs: a printed table per scenario and results/latest.json. */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fmtCount, fmtMs } from '../generator/run-step';
import { passes } from './capacity';
import type { ScenarioResult } from './scenarios/scenario';
import type { BenchArgs } from './cli-args';

export interface SystemRun {
  readonly system: string;
  readonly status: 'ok' | 'skipped' | 'failed';
  readonly reason?: string;
  readonly result?: ScenarioResult;
}

export interface BenchReport {
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly machine: { readonly cpus: number; readonly node: string; readonly platform: string };
  readonly scenario: string;
  readonly params: BenchArgs;
  readonly systems: readonly SystemRun[];
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

export function writeReport(report: BenchReport, out: string | null): string {
  // dist/load-tests/bench/report.js -> <repo>/load-tests/results/latest.json
  const file =
    out ?? path.resolve(__dirname, '..', '..', '..', 'load-tests', 'results', 'latest.json');
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(report, null, 2) + '\n');
  return file;
}
