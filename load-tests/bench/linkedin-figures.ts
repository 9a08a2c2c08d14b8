/**
 * The linkedin-node scenario's figures as pure functions: memory per held connection after the
 * fixed cost of the processes, which limit stopped the connect phase short of its target, and
 * the summary line (issue 14 part 2).
 */
import { fmtMs } from '../generator/run-step';

/** What stopped the connect phase before the target, as the report names it. */
export const Limit = {
  /** The server tree lost a process while the machine ran short of memory. */
  Memory: 'memory',
  /** A server process refused upgrades (503: its --max-connections, from its open-file limit). */
  ServerFds: 'file descriptors (server)',
  /** A generator process hit its open-file limit (EMFILE / ENFILE). */
  GeneratorFds: 'file descriptors (generator)',
  /** A source address ran out of ephemeral ports (EADDRNOTAVAIL / EADDRINUSE). */
  SourcePorts: 'source ports',
  /** Connections without an answer in time, the generator busier than the server. */
  GeneratorCpu: 'generator CPU',
  /**
   * Connections without an answer in time (10 s each) or not tried within the phase's bound:
   * the connect rate (the server's accept queues overflowing, SYNs sent again after 1, 3, 7 s).
   */
  ConnectTimeouts: 'connect timeouts',
  /** A server process went away with memory to spare. */
  ServerExited: 'server exited',
  /** Connections closed for another reason (see the close reasons in the notes). */
  Other: 'other',
} as const;
export type Limit = (typeof Limit)[keyof typeof Limit];

/** Below this share of MemAvailable / MemTotal the machine counts as out of memory. */
const LOW_MEMORY = 0.05;

export interface ConnectOutcome {
  readonly target: number;
  /** Connections that got every sub ack. */
  readonly ready: number;
  /** Why connections failed, as the generator tallied them (`socket error: connect EMFILE ..`). */
  readonly closeReasons: Readonly<Record<string, number>>;
  /** Every server process is still there. */
  readonly serverAlive: boolean;
  readonly memAvailableBytes: number | null;
  readonly memTotalBytes: number | null;
  /** CPU over the connect phase, in cores: the generator's workers, the server's process tree. */
  readonly generatorCpuCores: number;
  readonly serverCpuCores: number | null;
  readonly cores: number;
  /** 1-minute load average at the end: other work on the machine counts as busy too. */
  readonly loadAvg1: number;
  /** Connections the kernel dropped over the phase because an accept queue was full. */
  readonly listenOverflows: number;
}

export interface Shortfall {
  readonly limit: Limit;
  /** Connections held (subscribed) when it stopped. */
  readonly heldAt: number;
  /** Connections that did not make it, by cause. */
  readonly byCause: Readonly<Partial<Record<Limit, number>>>;
}

const CAUSES: readonly (readonly [RegExp, Limit])[] = [
  [/EMFILE|ENFILE/, Limit.GeneratorFds],
  [/upgrade refused: HTTP\/1\.1 503/, Limit.ServerFds],
  [/EADDRNOTAVAIL|EADDRINUSE/, Limit.SourcePorts],
  [/ETIMEDOUT|timed? ?out/i, Limit.ConnectTimeouts],
];

/** The cause of one close reason. */
export function causeOf(reason: string): Limit {
  for (const [re, limit] of CAUSES) if (re.test(reason)) return limit;
  return Limit.Other;
}

/** Null when the target was held; else the limit that stopped it and what each cause cost. */
export function classifyShortfall(o: ConnectOutcome): Shortfall | null {
  if (o.ready >= o.target) return null;
  const byCause: Partial<Record<Limit, number>> = {};
  const add = (l: Limit, n: number): void => {
    if (n > 0) byCause[l] = (byCause[l] ?? 0) + n;
  };
  let closed = 0;
  for (const [reason, n] of Object.entries(o.closeReasons)) {
    add(causeOf(reason), n);
    closed += n;
  }
  // Neither subscribed nor closed: no answer within the connection's or the phase's bound.
  add(Limit.ConnectTimeouts, o.target - o.ready - closed);
  const lowMemory =
    o.memAvailableBytes !== null &&
    o.memTotalBytes !== null &&
    o.memAvailableBytes < o.memTotalBytes * LOW_MEMORY;
  const result = (limit: Limit): Shortfall => ({ limit, heldAt: o.ready, byCause });
  if (lowMemory) return result(Limit.Memory);
  if (!o.serverAlive) return result(Limit.ServerExited);
  let top: Limit = Limit.ConnectTimeouts;
  for (const [l, n] of Object.entries(byCause) as [Limit, number][])
    if (n > (byCause[top] ?? 0)) top = l;
  // Timeouts on a saturated machine (by us or by others) where the generator took the larger
  // part: the generator could not keep up. Not when the server's accept queues overflowed:
  // then the server did not take connections as fast as they came.
  const busy =
    o.generatorCpuCores + (o.serverCpuCores ?? 0) >= 0.9 * o.cores || o.loadAvg1 >= 2 * o.cores;
  if (
    top === Limit.ConnectTimeouts &&
    busy &&
    o.listenOverflows === 0 &&
    o.generatorCpuCores > (o.serverCpuCores ?? Infinity)
  )
    return result(Limit.GeneratorCpu);
  return result(top);
}

export interface MemoryFigures {
  /** RSS of the whole server tree before any connection: the fixed cost. */
  readonly fixedMB: number;
  readonly fixedPerProcessMB: number;
  /** RSS of the tree holding the connections. */
  readonly heldMB: number;
  /** (held - fixed) / connections; null without connections or readings. */
  readonly bytesPerConnection: number | null;
}

export function memoryFigures(o: {
  readonly fixedBytes: number;
  readonly processes: number;
  readonly heldBytes: number;
  readonly connections: number;
}): MemoryFigures {
  const mb = (b: number): number => Math.round((b / 1048576) * 10) / 10;
  return {
    fixedMB: mb(o.fixedBytes),
    fixedPerProcessMB: mb(o.fixedBytes / Math.max(1, o.processes)),
    heldMB: mb(o.heldBytes),
    bytesPerConnection:
      o.connections > 0 ? Math.round((o.heldBytes - o.fixedBytes) / o.connections) : null,
  };
}

/** The server tree's RSS when the generator held `connections` (scenarios/linkedin-node.ts). */
export interface RssSample {
  readonly connections: number;
  readonly rssBytes: number;
}

/** The part of the connect phase the marginal cost is fitted over, as shares of the target. */
export const MARGINAL_FROM = 0.2;
export const MARGINAL_TO = 0.9;

export interface MarginalFigures {
  /** RSS each added connection brings: the slope of RSS over connections held. */
  readonly bytesPerConnection: number;
  /** Where that line meets 0 connections: the fixed cost of a warm tree. */
  readonly warmFixedMB: number;
}

/**
 * The memory each connection adds, apart from what the first connections cost once (code
 * compiled on first use, heap pages first grown, and in this layout most of the dispatcher's
 * per-topic state: 37 MB over the idle tree of 8 processes at 100,000; RESULTS.md, session of
 * 2026-12-03, third): the least-squares slope of RSS over connections held, over the samples
 * taken while between MARGINAL_FROM and MARGINAL_TO of `target` were held (both ends in the
 * middle of the storm, so its in-flight garbage is at both). Null with fewer than 3 such samples or under a quarter
 * of the target between the first and the last of them.
 *
 * A lower bound, as `bytesPerConnection` (over the idle tree) is an upper one: the layout
 * names every personal topic within the first third of the connect phase (connection i takes
 * topic i mod N/10, seven generator slices at once), so what the dispatcher keeps once per
 * topic is mostly made before the fitted range, and a worker meets fewer new topics per
 * connection as it fills (the slope flattens). The target is judged on the upper bound.
 */
export function marginalFigures(
  samples: readonly RssSample[],
  target: number,
): MarginalFigures | null {
  const inside = samples.filter(
    (s) => s.connections >= MARGINAL_FROM * target && s.connections <= MARGINAL_TO * target,
  );
  if (inside.length < 3) return null;
  const xs = inside.map((s) => s.connections);
  if (Math.max(...xs) - Math.min(...xs) < target / 4) return null;
  const n = inside.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = inside.reduce((a, s) => a + s.rssBytes, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (const s of inside) {
    sxy += (s.connections - mx) * (s.rssBytes - my);
    sxx += (s.connections - mx) ** 2;
  }
  const slope = sxy / sxx;
  return {
    bytesPerConnection: Math.round(slope),
    warmFixedMB: Math.round(((my - slope * mx) / 1048576) * 10) / 10,
  };
}

/** The metrics the summary keeps (see scenarios/linkedin-node.ts for each). */
export const LINKEDIN_FIGURES = [
  'target',
  'held',
  'serverProcesses',
  'generatorProcesses',
  'connectSeconds',
  'connectsPerSec',
  'connectP99Ms',
  'rssFixedMB',
  'rssFixedPerProcessMB',
  'rssHeldMB',
  'bytesPerConnection',
  'marginalBytesPerConnection',
  'rssWarmFixedMB',
  'rssAfterFlowMB',
  'maxFdsPerProcess',
  'flowSeconds',
] as const;
export type LinkedinFigures = Readonly<
  Record<(typeof LINKEDIN_FIGURES)[number], number | null> & { limit: string | null }
>;

/** Issue 14's memory target per connection, over the fixed cost. */
export const BYTES_PER_CONNECTION_TARGET = 2048;

export function formatLinkedin(system: string, f: LinkedinFigures): string {
  const n = (v: number | null): string => (v === null ? '-' : String(v));
  return (
    `${system} ${n(f.held)}/${n(f.target)} held on ${n(f.serverProcesses)} server processes ` +
    `(generator: ${n(f.generatorProcesses)} processes / source addresses, at most ${n(f.maxFdsPerProcess)} fds in one server process), ` +
    `${n(f.connectsPerSec)} connects/s (${n(f.connectSeconds)} s, p99 ${fmtMs(f.connectP99Ms)}); ` +
    `RSS ${n(f.rssHeldMB)} MB = ${n(f.rssFixedMB)} MB fixed (${n(f.rssFixedPerProcessMB)} MB/process) + ` +
    `${n(f.bytesPerConnection)} B/connection; each added connection ${n(f.marginalBytesPerConnection)} B over ${n(f.rssWarmFixedMB)} MB warm; ` +
    `${n(f.rssAfterFlowMB)} MB after ${n(f.flowSeconds)} s of events; ` +
    `stopped by: ${f.limit ?? 'nothing (target held)'}`
  );
}
