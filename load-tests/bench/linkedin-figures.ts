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
    `${n(f.bytesPerConnection)} B/connection, ${n(f.rssAfterFlowMB)} MB after ${n(f.flowSeconds)} s of events; ` +
    `stopped by: ${f.limit ?? 'nothing (target held)'}`
  );
}
