/**
 * A process and all its descendants, from /proc (Linux), and their resident memory. A system
 * under test may fork workers (troupe's `--workers`, comedy's forked actors), so the memory a
 * connection costs is read over the whole tree, not just the pid the bench started.
 */
import { readdirSync, readFileSync } from 'node:fs';

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
