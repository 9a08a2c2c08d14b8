/**
 * Test harness for integration tests: starts the real `troupe` command (the compiled
 * dist/bin/troupe.js) on loopback with every port picked by the OS, and gives clients that
 * speak the wire contract of PROTOCOL.md.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pack, unpack } from 'msgpackr';
import WebSocket from 'ws';
import { encodeFrame, FrameDecoder, decodePayload } from '../protocol';
import { eventually } from '../testing/eventually';
import type { Fetch } from '../testing/https-fetch';

export const BIN = path.resolve(__dirname, '..', 'dist', 'bin', 'troupe.js');

export type Msg = Record<string, unknown> & { op: string };

export interface Node {
  proc: ChildProcess;
  ws: string;
  http: string;
  publishPort: number;
  linkPort: number;
  admin: string;
  stdout: string[];
  stderr: string[];
  exited: Promise<number | null>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Which `listening` lines a role prints before it serves. */
export const LISTENERS = {
  standalone: ['ws', 'publish', 'admin'],
  gateway: ['ws', 'admin'],
  dispatcher: ['publish', 'link', 'admin'],
} as const;

/** `troupe start` on ports the OS picks, with its admin socket at `admin`. */
export function startArgs(admin: string): string[] {
  return ['start', '--port', '0', '--publish-port', '0', '--admin', admin];
}

/**
 * Starts `troupe start` with every port 0 unless `args` names it, and waits for the
 * `listening` lines of `needs`. With `openFiles`, the process runs under `ulimit -n openFiles`.
 */
export async function startNode(
  args: string[] = [],
  env: NodeJS.ProcessEnv = {},
  needs: readonly string[] = LISTENERS.standalone,
  openFiles?: number,
): Promise<Node> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'troupe-it-'));
  const admin = path.join(dir, 'admin.sock');
  const argv = [BIN, ...startArgs(admin), '--log-level', 'warn', ...args];
  // exec: the child's pid is node's own, so signals and /proc/<pid> reach it.
  const [command, commandArgs] =
    openFiles === undefined
      ? [process.execPath, argv]
      : ['bash', ['-c', `ulimit -n ${openFiles} && exec "$0" "$@"`, process.execPath, ...argv]];
  const proc = spawn(command, commandArgs, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout: string[] = [];
  const stderr: string[] = [];
  proc.stderr!.on('data', (b: Buffer) => stderr.push(b.toString()));
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  const listening = new Map<string, string>();
  await new Promise<void>((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(
      () => reject(new Error(`troupe did not start: ${stderr.join('')}`)),
      15_000,
    );
    proc.stdout!.on('data', (b: Buffer) => {
      buf += b.toString();
      let i: number;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        stdout.push(line);
        const m = /^listening (\w+) (.+)$/.exec(line);
        if (m) listening.set(m[1]!, m[2]!);
        if (needs.every((n) => listening.has(n))) {
          clearTimeout(timer);
          resolve();
        }
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`troupe exited with ${code}: ${stderr.join('')}`));
    });
  });
  const ws = listening.get('ws') ?? '';
  // With TLS the `listening` lines stay the same; the client and HTTP ports speak wss/https.
  const tls = args.includes('--tls-cert') || env.TROUPE_TLS_CERT !== undefined ? 's' : '';
  return {
    proc,
    ws: `ws${tls}://${ws}/v1/ws`,
    http: `http${tls}://${listening.get('http') ?? ws}`,
    publishPort: Number((listening.get('publish') ?? ':0').split(':').pop()),
    linkPort: Number((listening.get('link') ?? ':0').split(':').pop()),
    admin,
    stdout,
    stderr,
    exited,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      const t = setTimeout(() => proc.kill('SIGKILL'), 10_000);
      const code = await exited;
      clearTimeout(t);
      return code;
    },
  };
}

/**
 * A dispatcher and one gateway linked to it with `secret`, returned once the gateway counts the
 * link as up (its admin `stats`), so a client's first request already reaches the dispatcher.
 */
export async function startPair(secret: string): Promise<{ d: Node; g: Node }> {
  const d = await startNode(
    ['--role', 'dispatcher', '--link-port', '0', '--cluster-secret', secret],
    {},
    LISTENERS.dispatcher,
  );
  const g = await startNode(
    ['--role', 'gateway', '--dispatchers', `127.0.0.1:${d.linkPort}`, '--cluster-secret', secret],
    {},
    LISTENERS.gateway,
  );
  await eventually(async () => {
    const a = await adminCall(g.admin, { cmd: 'stats' });
    return ((a.stats as { dispatchers?: string[] }).dispatchers ?? []).length === 1;
  }, 10_000);
  return { d, g };
}

export interface Closed {
  code: number;
  reason: string;
}

/** A client of the wire contract that queues every message it receives. */
export class TestClient {
  readonly messages: Msg[] = [];
  private waiters: (() => void)[] = [];
  readonly closed: Promise<Closed>;
  hello!: Msg;

  private constructor(
    readonly ws: WebSocket,
    readonly json: boolean,
  ) {
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      const v = (isBinary ? unpack(data) : JSON.parse(data.toString())) as Msg | Msg[];
      for (const m of Array.isArray(v) ? v : [v]) this.messages.push(m);
      this.wake();
    });
    this.closed = new Promise((resolve) =>
      ws.on('close', (code, reason) => {
        resolve({ code, reason: reason.toString() });
        this.wake();
      }),
    );
  }

  static async connect(
    url: string,
    opts: {
      protocol?: string;
      headers?: Record<string, string>;
      skipHello?: boolean;
      /** The one certificate a wss:// client trusts (a test's own, `testing/tls-cert.ts`). */
      ca?: string;
    } = {},
  ): Promise<TestClient> {
    const ws = new WebSocket(url, opts.protocol === undefined ? [] : [opts.protocol], {
      headers: opts.headers,
      ca: opts.ca,
    });
    const c = new TestClient(ws, opts.protocol === 'troupe.v1.json');
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    });
    if (!opts.skipHello) c.hello = await c.next((m) => m.op === 'hello');
    return c;
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  send(msg: unknown): void {
    if (this.json) this.ws.send(JSON.stringify(msg));
    else this.ws.send(pack(msg));
  }

  sendRaw(data: Buffer | string): void {
    this.ws.send(data);
  }

  /** Removes and returns the first queued message matching `pred`, waiting for it. */
  async next(pred: (m: Msg) => boolean = () => true, timeoutMs = 5000): Promise<Msg> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.messages.findIndex(pred);
      if (i >= 0) return this.messages.splice(i, 1)[0]!;
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(`timed out waiting; queued: ${JSON.stringify(this.messages.slice(0, 5))}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** Sends a request and waits for its `ack` or `err`. */
  async request(msg: Msg & { id: number }, timeoutMs = 5000): Promise<Msg> {
    this.send(msg);
    return this.next((m) => (m.op === 'ack' || m.op === 'err') && m.id === msg.id, timeoutMs);
  }

  async events(topic: string, n: number, timeoutMs = 10_000): Promise<Msg[]> {
    const out: Msg[] = [];
    while (out.length < n)
      out.push(await this.next((m) => m.op === 'ev' && m.topic === topic, timeoutMs));
    return out;
  }

  close(): void {
    this.ws.close();
  }
}

/** A publisher on the TCP port: length-prefixed msgpack frames. */
export class TestPublisher {
  readonly replies: Msg[] = [];
  readonly closed: Promise<void>;
  private waiters: (() => void)[] = [];

  private constructor(readonly socket: net.Socket) {
    const dec = new FrameDecoder(16 * 1024 * 1024);
    socket.on('data', (chunk) => {
      for (const p of dec.push(chunk)) this.replies.push(decodePayload(p) as Msg);
      const w = this.waiters;
      this.waiters = [];
      for (const f of w) f();
    });
    this.closed = new Promise((resolve) => socket.on('close', () => resolve()));
    socket.on('error', () => undefined);
  }

  static connect(port: number): Promise<TestPublisher> {
    return new Promise((resolve, reject) => {
      const s = net.connect(port, '127.0.0.1', () => resolve(new TestPublisher(s)));
      s.once('error', reject);
    });
  }

  send(value: unknown): void {
    this.socket.write(encodeFrame(value));
  }

  async reply(pred: (m: Msg) => boolean, timeoutMs = 5000): Promise<Msg> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.replies.findIndex(pred);
      if (i >= 0) return this.replies.splice(i, 1)[0]!;
      if (Date.now() > deadline)
        throw new Error(`no publisher reply; got ${JSON.stringify(this.replies)}`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, 50);
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }

  close(): void {
    this.socket.end();
  }
}

/** One request on the admin socket. */
export function adminCall(socketPath: string, req: unknown): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const s = net.connect(socketPath);
    let buf = '';
    s.on('data', (b) => {
      buf += b.toString();
      const i = buf.indexOf('\n');
      if (i >= 0) {
        s.end();
        resolve(JSON.parse(buf.slice(0, i)) as Record<string, unknown>);
      }
    });
    s.on('error', reject);
    s.write(JSON.stringify(req) + '\n');
  });
}

/** POST /v1/publish in JSON (over `fetcher`, e.g. `httpsFetch`); the event's seq. */
export async function publishHttp(
  node: Pick<Node, 'http'>,
  topic: string,
  data: unknown,
  fetcher: Fetch = fetch,
): Promise<number> {
  const res = await fetcher(`${node.http}/v1/publish`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ topic, data }),
  });
  if (res.status !== 200) throw new Error(`publish answered ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { seq: number }).seq;
}

export async function metric(node: Node, name: string): Promise<number> {
  const text = await (await fetch(`${node.http}/metrics`)).text();
  let total = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith(name + ' ') || line.startsWith(name + '{'))
      total += Number(line.split(' ').pop());
  }
  return total;
}

export { freePort } from '../testing/free-port';
