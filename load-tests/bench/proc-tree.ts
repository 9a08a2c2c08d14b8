/**
 * A process and all its descendants, from /proc (Linux), and their resident memory. A system
 * under test may fork workers (troupe's `--workers`, comedy's forked actors), so the memory a
 * connection costs is read over the whole tree, not just the pid the bench started.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { sampleProc, type ProcSample } from '../generator/proc-stats';

/** Parent pid from the text of /proc/<pid>/stat (the command name may hold spaces and parens). */
export function parsePpid(stat: string): number {
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(rest[1]);
}

/** VmRSS in bytes from the text of /proc/<pid>/status; 0 when absent (kernel thread, zombie). */
export function parseVmRssBytes(status: string): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(status);
  return m ? Number(m[1]) * 1024 : 0;
}

/** `root` and every pid below it, given each pid's parent. */
export function descendantsOf(root: number, parents: ReadonlyMap<number, number>): number[] {
  const children = new Map<number, number[]>();
  for (const [pid, ppid] of parents) {
    const list = children.get(ppid) ?? [];
    list.push(pid);
    children.set(ppid, list);
  }
  const out: number[] = [];
  const todo = [root];
  while (todo.length > 0) {
    const pid = todo.pop() as number;
    out.push(pid);
    todo.push(...(children.get(pid) ?? []));
  }
  return out;
}

function readOr(file: string): string | null {
  try {
    return readFileSync(file, 'latin1');
  } catch {
    return null; // the process went away between listing and reading
  }
}

/** `pid` and every pid below it now; null when `pid` is gone. */
export function treePids(pid: number): number[] | null {
  const parents = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readOr(`/proc/${name}/stat`);
    if (stat !== null) parents.set(Number(name), parsePpid(stat));
  }
  return parents.has(pid) ? descendantsOf(pid, parents) : null;
}

/** Summed VmRSS of `pid` and its descendants, in bytes; null when `pid` is gone. */
export function treeRssBytes(pid: number): number | null {
  const pids = treePids(pid);
  if (pids === null) return null;
  let total = 0;
  for (const p of pids) {
    const status = readOr(`/proc/${p}/status`);
    if (status !== null) total += parseVmRssBytes(status);
  }
  return total;
}

/**
 * CPU seconds of `pid` and its descendants now (see generator/proc-stats.ts cpuCoresBetween for
 * two of them); null when `pid` is gone. A process that ends between two samples takes its
 * seconds with it, so read it over windows where the tree stays the same.
 */
export function treeCpuSample(pid: number): ProcSample | null {
  const pids = treePids(pid);
  if (pids === null) return null;
  let cpuSeconds = 0;
  let rssBytes = 0;
  for (const p of pids) {
    const s = sampleProc(p);
    cpuSeconds += s?.cpuSeconds ?? 0;
    rssBytes += s?.rssBytes ?? 0;
  }
  return { cpuSeconds, rssBytes, at: performance.now() };
}

/** Open file descriptors of `pid` (sockets included); null when it is gone or not readable. */
export function openFileCount(pid: number): number | null {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return null;
  }
}

/**
 * Listening sockets on `port` in the text of /proc/net/tcp: one per process when processes
 * share the port with SO_REUSEPORT, so it tells how many of them listen yet.
 */
export function listenersOnPort(procNetTcp: string, port: number): number {
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  let n = 0;
  for (const line of procNetTcp.split('\n')) {
    // "  sl  local_address rem_address   st ..." -> ["0:", "0100007F:1F90", "00000000:0000", "0A", ...]
    const f = line.trim().split(/\s+/);
    if (f[3] === '0A' && f[1]?.endsWith(`:${hex}`)) n++;
  }
  return n;
}

/**
 * The `TcpExt` counters of /proc/net/netstat (a header line of names, then a line of values),
 * e.g. ListenOverflows (a connection dropped because an accept queue was full) and
 * TCPSynRetrans (a SYN sent again, one second or more later).
 */
export function parseTcpExt(netstat: string): Record<string, number> {
  const lines = netstat.split('\n').filter((l) => l.startsWith('TcpExt:'));
  const names = (lines[0] ?? '').trim().split(/\s+/).slice(1);
  const values = (lines[1] ?? '').trim().split(/\s+/).slice(1);
  const out: Record<string, number> = {};
  names.forEach((n, i) => {
    const v = Number(values[i]);
    if (Number.isFinite(v)) out[n] = v;
  });
  return out;
}
