/**
 * A real `redis-server` (the Debian package) for tests: on a free loopback port, persistence
 * off, in its own temp dir, killed when the test stops it or the test process exits. It can be
 * killed and restarted on the same port, or paused (SIGSTOP: the socket stays open and nothing
 * answers), to play an outage.
 *
 * A missing redis-server fails the suite with a message saying how to get it: a store test that
 * skips when the server is absent would pass on exactly the machines that never run it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './free-port';

export interface RedisServer {
  readonly port: number;
  /** `redis://127.0.0.1:<port>`. */
  readonly url: string;
  /** SIGKILL, as a crash: clients see their connection drop and reconnects refused. */
  kill(): Promise<void>;
  /** Starts it again on the same port (empty: persistence is off) and waits until it answers. */
  restart(): Promise<void>;
  /** SIGSTOP: connections stay open and commands get no answer. */
  pause(): void;
  /** SIGCONT after `pause`. */
  resume(): void;
  /** Kills it and removes its directory. Idempotent. */
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 10_000;
const START_ATTEMPTS = 3;
const SETPRIV = '/usr/bin/setpriv';

const live = new Set<ChildProcess>();
let exitHookSet = false;

export interface RedisServerOptions {
  /** The port to bind (an outage test restarting a store's server); a free one by default. */
  port?: number;
  /** The redis-server binary; found on PATH (or /usr/bin) by default. */
  bin?: string;
}

export async function startRedisServer(opts: RedisServerOptions = {}): Promise<RedisServer> {
  const { port } = opts;
  const bin = opts.bin ?? findRedisServer();
  if (!canExecute(bin)) throw missing(bin);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'troupe-redis-'));
  let lastError: unknown;
  // A port free a moment ago may be taken before redis binds it: then another one is tried.
  for (let attempt = 0; attempt < (port === undefined ? START_ATTEMPTS : 1); attempt++) {
    const picked = port ?? (await freePort());
    try {
      const proc = await launch(bin, dir, picked);
      return handle(bin, dir, picked, proc);
    } catch (err) {
      lastError = err;
    }
  }
  rmSync(dir, { recursive: true, force: true });
  throw lastError;
}

function handle(bin: string, dir: string, port: number, first: ChildProcess): RedisServer {
  let proc: ChildProcess | null = first;
  const kill = async (): Promise<void> => {
    const p = proc;
    proc = null;
    if (p !== null) await killProcess(p);
  };
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    kill,
    async restart() {
      await kill();
      proc = await launch(bin, dir, port);
    },
    pause() {
      proc?.kill('SIGSTOP');
    },
    resume() {
      proc?.kill('SIGCONT');
    },
    async stop() {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function findRedisServer(): string {
  const dirs = (process.env.PATH ?? '').split(path.delimiter).concat(['/usr/bin', '/usr/sbin']);
  for (const d of dirs) {
    const candidate = path.join(d, 'redis-server');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  throw missing('redis-server');
}

function missing(bin: string): Error {
  return new Error(
    `${bin} is not installed (Debian package redis-server): the Redis store tests need it. ` +
      '.ci/run installs it; locally run: sudo apt-get install -y redis-server',
  );
}

async function launch(bin: string, dir: string, port: number): Promise<ChildProcess> {
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'no',
    '--dir',
    dir,
    '--daemonize',
    'no',
    '--loglevel',
    'warning',
  ];
  // setpriv (util-linux) has the kernel kill redis if this test process dies without an exit
  // hook (SIGKILL by jest); without it, the exit hook below is the only guard.
  const withPdeath = canExecute(SETPRIV);
  const proc = withPdeath
    ? spawn(SETPRIV, ['--pdeathsig', 'KILL', bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    : spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  const keep = (b: Buffer): void => {
    if (output.length < 50) output.push(b.toString());
  };
  proc.stdout!.on('data', keep);
  proc.stderr!.on('data', keep);
  track(proc);
  const exited = new Promise<never>((_, reject) => {
    proc.once('error', reject);
    proc.once('exit', (code, signal) =>
      reject(new Error(`redis-server exited (${code ?? signal}): ${output.join('').trim()}`)),
    );
  });
  try {
    await Promise.race([waitForOwnServer(port, proc), exited]);
  } catch (err) {
    await killProcess(proc);
    throw err;
  }
  exited.catch(() => undefined);
  return proc;
}

function canExecute(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function track(proc: ChildProcess): void {
  live.add(proc);
  proc.once('exit', () => live.delete(proc));
  if (!exitHookSet) {
    exitHookSet = true;
    process.on('exit', () => {
      for (const p of live) p.kill('SIGKILL');
    });
  }
}

function killProcess(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    proc.once('exit', () => resolve());
    proc.kill('SIGKILL');
  });
}

/**
 * Polls `INFO server` over a raw socket until the redis-server answering is `proc`: a PING could
 * be answered by another server already on the port while this one is failing to bind it.
 */
async function waitForOwnServer(port: number, proc: ChildProcess): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline && proc.exitCode === null && proc.signalCode === null) {
    if ((await serverPid(port)) === proc.pid) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`redis-server on port ${port} did not answer within ${READY_TIMEOUT_MS} ms`);
}

function serverPid(port: number): Promise<number | null> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    let reply = '';
    const done = (pid: number | null): void => {
      s.destroy();
      resolve(pid);
    };
    s.setTimeout(500, () => done(null));
    s.once('error', () => done(null));
    s.once('connect', () => s.write('INFO server\r\n'));
    s.on('data', (b: Buffer) => {
      reply += b.toString();
      const m = /\r\nprocess_id:(\d+)\r\n/.exec(reply);
      if (m !== null) done(Number(m[1]));
      else if (reply.startsWith('-') || reply.length > 64 * 1024) done(null);
    });
  });
}
