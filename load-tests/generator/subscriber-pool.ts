/**
 * Coordinator side of the subscriber workers: forks them (each with its own loopback source
 * address, so no process holds more than `perWorker` sockets and no address runs out of
 * ephemeral ports), starts their plans, and folds their reports into open windows.
 */
import { fork, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { SOCKETIO_PATH } from './socketio-subscriber';
import type {
  AlsoTopic,
  Dialect,
  FromWorker,
  SubscriberPlan,
  ToWorker,
  WorkerCounters,
} from './worker-messages';
import { Window } from './window';

export interface PoolOptions {
  /** Default 'troupe' (GET /v1/ws, troupe.v1.msgpack). */
  readonly dialect?: Dialect;
  readonly host: string;
  readonly port: number;
  /**
   * Several ws addresses (e.g. the gateways of a cluster): worker i connects to
   * `targets[i % targets.length]`, and the worker count is rounded up to a multiple of the
   * targets so the connections split evenly. When given, `host` and `port` are not used.
   */
  readonly targets?: readonly { readonly host: string; readonly port: number }[];
  readonly subscribers: number;
  readonly topicPrefix?: string;
  readonly topicCount?: number;
  readonly topicsPerConnection?: number;
  readonly sampleEvery?: number;
  readonly perWorker?: number;
  /** Connections per loopback source address of a worker (default CONNECTIONS_PER_SOURCE). */
  readonly perSource?: number;
  /** Workers to use at least (default: as few as `perWorker` allows). */
  readonly workers?: number;
  readonly connectConcurrency?: number;
  readonly readyTimeoutMs?: number;
  /** One token per connection, by global index (each sent as `?token=` of its upgrade URL). */
  readonly tokens?: readonly string[];
  /** troupe: subscribe with `count: true`, so every subscriber also gets the topic's count. */
  readonly count?: boolean;
  /** One connection in `every` also subscribes to this topic (a hot topic beside the others). */
  readonly alsoTopic?: AlsoTopic;
  /** What `topics()` gives a publisher, when not every topic once (e.g. weighted by fan-out). */
  readonly publishTopics?: readonly string[];
  /** Ping every connection this often (runs longer than the server's idle bound). */
  readonly pingEveryMs?: number;
  /** Each worker opens no new connection this long after its first (see SubscriberPlan). */
  readonly connectForMs?: number;
}

interface WorkerState {
  readonly child: ChildProcess;
  readonly plan: SubscriberPlan;
  latest: WorkerCounters | null;
  closeReasons: Record<string, number>;
  ready: boolean;
  exited: boolean;
}

export interface Gauges {
  readonly connected: number;
  readonly acked: number;
  readonly closed: number;
  readonly generatorRssBytes: number;
  readonly closeReasons: Record<string, number>;
  /** Epoch ms: first connection attempt of any worker, last subscription completed (0: none). */
  readonly firstConnectAt: number;
  readonly lastReadyAt: number;
}

const WORKER_JS = path.join(__dirname, 'subscriber-worker.js');

/** Source address of worker i: 127.0.0.2, 127.0.0.3, ... (all of 127/8 is loopback on Linux). */
export function sourceAddressOf(i: number): string {
  const n = i + 2;
  return `127.0.${Math.floor(n / 250)}.${n % 250}`;
}

/**
 * Connections one source address opens at most. Linux's `connect()` without a bound port searches
 * the source address's ephemeral ports for a free one, and that search grows with the ports in
 * use: from one address, 0.19 ms of CPU per connect at 6,000 connections, 1.15 ms at 12,000 and
 * 3.3 ms at 15,000 (almost all of it system time); spread over four addresses, 0.12-0.16 ms
 * throughout (RESULTS.md, "the generator's connect cost"). That search, not the generator's
 * JavaScript, was what capped linkedin-node near 75,000 connections.
 */
export const CONNECTIONS_PER_SOURCE = 4000;

/**
 * Source addresses of each worker, for workers holding `shares[i]` connections: one address per
 * `perSource` connections (default CONNECTIONS_PER_SOURCE) or part of it, never shared between
 * workers.
 */
export function sourceBlocks(
  shares: readonly number[],
  perSource: number = CONNECTIONS_PER_SOURCE,
): string[][] {
  if (!Number.isInteger(perSource) || perSource < 1) {
    throw new RangeError(`perSource must be a positive integer, not ${perSource}`);
  }
  let next = 0;
  return shares.map((n) => {
    const k = Math.max(1, Math.ceil(n / perSource));
    const block = Array.from({ length: k }, (_, j) => sourceAddressOf(next + j));
    next += k;
    return block;
  });
}

/**
 * Worker processes for `subscribers` connections: at least `minWorkers`, at most `perWorker`
 * connections each, and a multiple of `targets` (so every ws address gets the same share).
 */
export function workerCount(
  subscribers: number,
  perWorker: number,
  minWorkers: number,
  targets = 1,
): number {
  const n = Math.max(minWorkers, Math.ceil(subscribers / perWorker), 1);
  const t = Math.max(1, targets);
  return Math.ceil(n / t) * t;
}

/** Part `i` of `total` split into `parts` as evenly as whole numbers allow (the first get one more). */
export function shareOf(total: number, parts: number, i: number): number {
  return Math.floor(total / parts) + (i < total % parts ? 1 : 0);
}

export class SubscriberPool {
  private readonly workers: WorkerState[] = [];
  private readonly windows = new Set<Window>();
  private flushToken = 0;
  private readonly flushWaiters = new Map<number, { left: number; done: () => void }>();

  constructor(private readonly opts: PoolOptions) {
    const targets = opts.targets ?? [{ host: opts.host, port: opts.port }];
    const count = workerCount(
      opts.subscribers,
      opts.perWorker ?? 8000,
      opts.workers ?? 1,
      targets.length,
    );
    let first = 0;
    const sources = sourceBlocks(
      Array.from({ length: count }, (_, i) => shareOf(opts.subscribers, count, i)),
      opts.perSource,
    );
    for (let i = 0; i < count; i++) {
      const n = shareOf(opts.subscribers, count, i);
      const socketio = opts.dialect === 'socketio';
      const target = targets[i % targets.length] as { host: string; port: number };
      const plan: SubscriberPlan = {
        dialect: opts.dialect ?? 'troupe',
        host: target.host,
        port: target.port,
        path: socketio ? SOCKETIO_PATH : '/v1/ws',
        protocol: socketio ? '' : 'troupe.v1.msgpack',
        localAddresses: sources[i]!,
        firstIndex: first,
        connections: n,
        topicPrefix: opts.topicPrefix ?? 'hot',
        topicCount: opts.topicCount ?? 1,
        topicsPerConnection: opts.topicsPerConnection ?? 1,
        sampleEvery: opts.sampleEvery ?? 64,
        connectConcurrency: opts.connectConcurrency ?? 64,
        ...(opts.tokens === undefined ? {} : { tokens: opts.tokens.slice(first, first + n) }),
        ...(opts.count === true ? { count: true } : {}),
        ...(opts.alsoTopic === undefined ? {} : { alsoTopic: opts.alsoTopic }),
        ...(opts.pingEveryMs === undefined ? {} : { pingEveryMs: opts.pingEveryMs }),
        ...(opts.connectForMs === undefined ? {} : { connectForMs: opts.connectForMs }),
      };
      first += n;
      // Own execArgv so a profiled coordinator (--cpu-prof) does not profile every worker too;
      // LOADGEN_WORKER_NODE_ARGS="--cpu-prof" profiles the workers instead.
      const execArgv = (process.env['LOADGEN_WORKER_NODE_ARGS'] ?? '')
        .split(' ')
        .filter((a) => a !== '');
      const child = fork(WORKER_JS, [], {
        execArgv,
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      const w: WorkerState = {
        child,
        plan,
        latest: null,
        closeReasons: {},
        ready: false,
        exited: false,
      };
      child.on('message', (m: FromWorker) => this.onMessage(w, m));
      child.on('exit', () => {
        w.exited = true;
        w.ready = true;
        for (const [token, waiter] of this.flushWaiters) this.settleFlush(token, waiter);
      });
      this.workers.push(w);
    }
  }

  /** Topic names the pool subscribes to (what a publisher should target). */
  topics(): string[] {
    if (this.opts.publishTopics !== undefined) return [...this.opts.publishTopics];
    const prefix = this.opts.topicPrefix ?? 'hot';
    return Array.from({ length: this.opts.topicCount ?? 1 }, (_, i) => `${prefix}${i}`);
  }

  /** Subscribers per topic when connections spread evenly (the expected fan-out of one event). */
  subscriptionsTotal(): number {
    const perConn = Math.min(this.opts.topicsPerConnection ?? 1, this.opts.topicCount ?? 1);
    const also = this.opts.alsoTopic;
    // Connections 0, every, 2 x every, ... below `subscribers` hold the extra topic too.
    const extra = also === undefined ? 0 : Math.ceil(this.opts.subscribers / also.every);
    return this.opts.subscribers * perConn + extra;
  }

  /** Opens every connection; resolves once all are subscribed, failed, or the timeout passed. */
  async start(): Promise<void> {
    for (const w of this.workers) this.post(w, { type: 'start', plan: w.plan });
    const deadline = Date.now() + (this.opts.readyTimeoutMs ?? 60_000);
    while (Date.now() < deadline && !this.workers.every((w) => w.ready)) await sleep(50);
  }

  openWindow(): Window {
    const w = new Window();
    this.windows.add(w);
    return w;
  }

  closeWindow(w: Window): void {
    this.windows.delete(w);
  }

  /** Asks every worker for its counters now, so open windows hold everything received so far. */
  flush(timeoutMs = 2000): Promise<void> {
    const token = ++this.flushToken;
    const live = this.workers.filter((w) => !w.exited);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.flushWaiters.delete(token);
        resolve();
      }, timeoutMs);
      const waiter = {
        left: live.length,
        done: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      this.flushWaiters.set(token, waiter);
      for (const w of live) this.post(w, { type: 'flush', token });
      if (live.length === 0) this.settleFlush(token, waiter);
    });
  }

  gauges(): Gauges {
    let connected = 0;
    let acked = 0;
    let closed = 0;
    let rss = 0;
    let firstConnectAt = 0;
    let lastReadyAt = 0;
    const closeReasons: Record<string, number> = {};
    for (const w of this.workers) {
      if (w.latest !== null) {
        connected += w.exited ? 0 : w.latest.connected;
        acked += w.latest.acked;
        closed += w.latest.closed;
        rss += w.exited ? 0 : w.latest.rssBytes;
        const f = w.latest.firstConnectAt;
        if (f > 0 && (firstConnectAt === 0 || f < firstConnectAt)) firstConnectAt = f;
        lastReadyAt = Math.max(lastReadyAt, w.latest.lastReadyAt);
      }
      for (const [k, v] of Object.entries(w.closeReasons))
        closeReasons[k] = (closeReasons[k] ?? 0) + v;
    }
    return {
      connected,
      acked,
      closed,
      generatorRssBytes: rss,
      closeReasons,
      firstConnectAt,
      lastReadyAt,
    };
  }

  async stop(): Promise<void> {
    for (const w of this.workers) this.post(w, { type: 'stop' });
    const deadline = Date.now() + 3000;
    while (Date.now() < deadline && !this.workers.every((w) => w.exited)) await sleep(50);
    for (const w of this.workers) if (!w.exited) w.child.kill('SIGKILL');
  }

  private onMessage(w: WorkerState, m: FromWorker): void {
    if (m.type === 'fatal') {
      process.stderr.write(`subscriber worker ${w.plan.localAddresses[0]}: ${m.message}\n`);
      w.ready = true;
      return;
    }
    w.latest = m.counters;
    w.closeReasons = m.closeReasons;
    for (const win of this.windows) win.add(m.counters);
    if (m.reason === 'ready') w.ready = true;
    if (m.reason === 'flush') {
      const waiter = this.flushWaiters.get(m.token);
      if (waiter !== undefined && --waiter.left <= 0) this.settleFlush(m.token, waiter);
    }
  }

  private settleFlush(token: number, waiter: { done: () => void }): void {
    this.flushWaiters.delete(token);
    waiter.done();
  }

  private post(w: WorkerState, m: ToWorker): void {
    if (!w.exited && w.child.connected) w.child.send(m);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
