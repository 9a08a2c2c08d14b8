/** CPU and RSS of another process from /proc (Linux); null elsewhere or once it is gone. */
import { readFileSync } from 'node:fs';

const TICKS_PER_SEC = 100; // USER_HZ, 100 on every mainstream Linux

export interface ProcSample {
  readonly cpuSeconds: number;
  readonly rssBytes: number;
  readonly at: number;
}

export function sampleProc(pid: number): ProcSample | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cpu = (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SEC;
    const status = readFileSync(`/proc/${pid}/status`, 'latin1');
    const m = /VmRSS:\s+(\d+) kB/.exec(status);
    return { cpuSeconds: cpu, rssBytes: m ? Number(m[1]) * 1024 : 0, at: performance.now() };
  } catch {
    return null;
  }
}

/** CPU used between two samples, in cores (1.0 = one core busy). */
export function cpuCoresBetween(a: ProcSample | null, b: ProcSample | null): number | null {
  if (a === null || b === null || b.at <= a.at) return null;
  return (b.cpuSeconds - a.cpuSeconds) / ((b.at - a.at) / 1000);
}
