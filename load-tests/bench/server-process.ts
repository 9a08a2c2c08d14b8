/**
 * Runs a system under test as a child process and reads its `listening <name> <host>:<port>`
 * lines. Output is drained for the process's whole life (a full pipe would stall the server),
 * keeping only a short tail for error messages.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { SystemCommand } from './systems';

export interface Endpoint {
  readonly host: string;
  readonly port: number;
}

export interface RunningServer {
  readonly pid: number;
  readonly listeners: ReadonlyMap<string, Endpoint>;
  endpoint(name: string): Endpoint;
  /** SIGTERM, then SIGKILL after 5 s; resolves once the process is gone. */
  stop(): Promise<void>;
  /** SIGKILL now, synchronously (for exit hooks, where nothing can be awaited). */
  killNow(): void;
}

const LISTENING = /^listening (\S+) (\S+):(\d+)\s*$/;

/** Parses one stdout line; null when it is not a listening line. */
export function parseListening(line: string): { name: string; endpoint: Endpoint } | null {
  const m = LISTENING.exec(line.trim());
  if (m === null) return null;
  return { name: m[1] as string, endpoint: { host: m[2] as string, port: Number(m[3]) } };
}

export function startServer(
  cmd: SystemCommand,
  need: readonly string[],
  timeoutMs = 20_000,
): Promise<RunningServer> {
  const child = spawn(cmd.command, [...cmd.args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const listeners = new Map<string, Endpoint>();
  let tail = '';
  const keepTail = (s: string): void => {
    tail = (tail + s).slice(-4000);
  };
  return new Promise((resolve, reject) => {
    let partial = '';
    let settled = false;
    const fail = (why: string): void => {
      if (settled) return;
      settled = true;
      child.kill('SIGKILL');
      reject(new Error(`${why}\n--- output tail ---\n${tail}`));
    };
    const timer = setTimeout(
      () => fail(`no listening lines for ${need.join(', ')} within ${timeoutMs} ms`),
      timeoutMs,
    );
    child.stdout?.setEncoding('utf8').on('data', (s: string) => {
      keepTail(s);
      if (settled) return;
      partial += s;
      const lines = partial.split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        const l = parseListening(line);
        if (l !== null) listeners.set(l.name, l.endpoint);
      }
      if (need.every((n) => listeners.has(n))) {
        settled = true;
        clearTimeout(timer);
        resolve(wrap(child, listeners));
      }
    });
    child.stderr?.setEncoding('utf8').on('data', keepTail);
    child.on('error', (err) => fail(`cannot start: ${err.message}`));
    child.on('exit', (code, signal) => fail(`exited early (code ${code}, signal ${signal})`));
  });
}

function wrap(child: ChildProcess, listeners: Map<string, Endpoint>): RunningServer {
  let exited = child.exitCode !== null;
  child.on('exit', () => (exited = true));
  return {
    pid: child.pid as number,
    listeners,
    endpoint(name) {
      const e = listeners.get(name);
      if (e === undefined) throw new Error(`no "${name}" listener`);
      return e;
    },
    async stop() {
      if (exited) return;
      child.kill('SIGTERM');
      const deadline = Date.now() + 5000;
      while (!exited && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      if (!exited) child.kill('SIGKILL');
    },
    killNow() {
      if (!exited) child.kill('SIGKILL');
    },
  };
}
