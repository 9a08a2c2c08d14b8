/**
 * Coordinator side of the presence workers: forks the member workers (member i lives in worker
 * i mod workers, each worker on its own loopback source address and at most `perWorker`
 * connections) and one watcher worker, starts them, routes churn commands to the worker holding
 * each member, and keeps what they report: the actions and presence messages of the watched
 * members (the only ones the matching needs, so what is kept is bounded by them) and counters.
 */
import { fork, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import type { MemberAction, PresenceObservation } from '../bench/presence-match';
import {
  newPresenceCounters,
  type ActionKind,
  type FromPresenceWorker,
  type PresencePlan,
  type PresenceWorkerCounters,
  type ToPresenceWorker,
} from './presence-messages';
import { sleep, sourceAddressOf, workerCount } from './subscriber-pool';

export interface PresencePoolOptions {
  readonly host: string;
  readonly port: number;
  /** Member names are prefix + index. */
  readonly prefix: string;
  /** Members 0 .. members-1, all connected by start(). */
  readonly members: number;
  /** Members whose presence topics the watcher subscribes to. */
  readonly watched: readonly number[];
  /** Member workers at least (default 2), and connections per member worker at most. */
  readonly minWorkers?: number;
  readonly perWorker?: number;
  readonly connectConcurrency?: number;
  /** Presence subscriptions per watcher connection (default 250: below the burst of 400). */
  readonly watchPerConnection?: number;
  /** How long startWatchers / startMembers wait at most (default 15 s / 45 s). */
  readonly watchTimeoutMs?: number;
  readonly connectTimeoutMs?: number;
}

interface Worker {
  readonly child: ChildProcess;
  readonly plan: PresencePlan;
  latest: PresenceWorkerCounters;
  ready: boolean;
  exited: boolean;
}

const WORKER_JS = path.join(__dirname, 'presence-worker.js');

export class PresencePool {
  private readonly memberWorkers: Worker[] = [];
  private readonly watcher: Worker;
  private readonly watched: ReadonlySet<number>;
  private flushToken = 0;
  private readonly flushWaiters = new Map<number, { left: number; done: () => void }>();
  /** Of the watched members only. */
  readonly actions: MemberAction[] = [];
  readonly observations: PresenceObservation[] = [];
  /** Actions of every member, by kind. */
  readonly actionCounts = [0, 0, 0];
  /** Presence messages of members nobody watches (should be none). */
  strayObservations = 0;
  /** Generator CPU seconds, all workers, since the pool started. */
  cpuSeconds = 0;

  constructor(private readonly o: PresencePoolOptions) {
    this.watched = new Set(o.watched);
    const n = workerCount(o.members, o.perWorker ?? 8000, o.minWorkers ?? 2);
    for (let w = 0; w < n; w++) {
      const members: number[] = [];
      for (let m = w; m < o.members; m += n) members.push(m);
      this.memberWorkers.push(
        this.fork({
          role: 'members',
          target: { host: o.host, port: o.port, localAddress: sourceAddressOf(w) },
          prefix: o.prefix,
          members,
          connectConcurrency: o.connectConcurrency ?? 64,
        }),
      );
    }
    this.watcher = this.fork({
      role: 'watchers',
      target: { host: o.host, port: o.port, localAddress: sourceAddressOf(n) },
      prefix: o.prefix,
      members: o.watched,
      perConnection: o.watchPerConnection ?? 250,
    });
  }

  get workers(): number {
    return this.memberWorkers.length + 1;
  }

  /** Subscribes the watcher; resolves once every subscription is acked (or failed, or timeout). */
  startWatchers(): Promise<void> {
    return this.start([this.watcher], this.o.watchTimeoutMs ?? 15_000);
  }

  /** Connects every member; resolves once every attempt settled (or the timeout passed). */
  startMembers(): Promise<void> {
    return this.start(this.memberWorkers, this.o.connectTimeoutMs ?? 45_000);
  }

  /** Closes and opens these members' connections now (each in the worker holding it). */
  churn(close: readonly number[], open: readonly number[]): void {
    const n = this.memberWorkers.length;
    const split = (ms: readonly number[]): number[][] => {
      const out = Array.from({ length: n }, (): number[] => []);
      for (const m of ms) out[m % n]!.push(m);
      return out;
    };
    const c = split(close);
    const p = split(open);
    this.memberWorkers.forEach((w, i) => {
      if (c[i]!.length > 0 || p[i]!.length > 0)
        this.post(w, { type: 'churn', close: c[i]!, open: p[i]! });
    });
  }

  /** Asks every worker for what it has not reported yet; resolves once all answered. */
  flush(timeoutMs = 3000): Promise<void> {
    const token = ++this.flushToken;
    const live = this.all().filter((w) => !w.exited);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.flushWaiters.delete(token);
        resolve();
      }, timeoutMs);
      this.flushWaiters.set(token, {
        left: live.length,
        done: () => {
          clearTimeout(timer);
          this.flushWaiters.delete(token);
          resolve();
        },
      });
      for (const w of live) this.post(w, { type: 'flush', token });
      if (live.length === 0) this.flushWaiters.get(token)?.done();
    });
  }

  /** Members' counters summed, and the watcher's apart. */
  counters(): { members: PresenceWorkerCounters; watcher: PresenceWorkerCounters } {
    const members = newPresenceCounters();
    for (const w of this.memberWorkers) {
      const c = w.latest;
      members.open += c.open;
      members.failed += c.failed;
      members.dropped += c.dropped;
      members.errors += c.errors;
      members.rssBytes += c.rssBytes;
      for (const [k, v] of Object.entries(c.closeReasons))
        members.closeReasons[k] = (members.closeReasons[k] ?? 0) + v;
    }
    return { members, watcher: this.watcher.latest };
  }

  async stop(): Promise<void> {
    const all = this.all();
    for (const w of all) this.post(w, { type: 'stop' });
    const deadline = Date.now() + 3000;
    while (Date.now() < deadline && !all.every((w) => w.exited)) await sleep(50);
    for (const w of all) if (!w.exited) w.child.kill('SIGKILL');
  }

  private all(): Worker[] {
    return [...this.memberWorkers, this.watcher];
  }

  private fork(plan: PresencePlan): Worker {
    const child = fork(WORKER_JS, [], {
      execArgv: [],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const w: Worker = { child, plan, latest: newPresenceCounters(), ready: false, exited: false };
    child.on('message', (m: FromPresenceWorker) => this.onMessage(w, m));
    child.on('exit', () => {
      w.exited = true;
      w.ready = true;
      // A worker gone answers no flush: settle them rather than wait for the timeout.
      for (const waiter of [...this.flushWaiters.values()]) waiter.done();
    });
    return w;
  }

  private async start(workers: readonly Worker[], timeoutMs: number): Promise<void> {
    for (const w of workers) this.post(w, { type: 'start', plan: w.plan });
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline && !workers.every((w) => w.ready)) await sleep(50);
  }

  private onMessage(w: Worker, m: FromPresenceWorker): void {
    if (m.type === 'fatal') {
      process.stderr.write(`presence worker ${w.plan.target.localAddress}: ${m.message}\n`);
      w.ready = true;
      return;
    }
    w.latest = m.counters;
    this.cpuSeconds += (m.counters.cpuUserUs + m.counters.cpuSystemUs) / 1e6;
    const a = m.actions;
    for (let i = 0; i + 3 < a.length; i += 4) {
      const member = a[i]!;
      const kind = a[i + 1] as ActionKind;
      this.actionCounts[kind] = (this.actionCounts[kind] ?? 0) + 1;
      if (this.watched.has(member))
        this.actions.push({ member, kind, at: a[i + 2]!, openedAt: a[i + 3]! });
    }
    const s = m.seen;
    for (let i = 0; i + 3 < s.length; i += 4) {
      const member = s[i]!;
      if (!this.watched.has(member)) {
        this.strayObservations++;
        continue;
      }
      const lastSeen = s[i + 3]!;
      this.observations.push({
        member,
        online: s[i + 1] === 1,
        at: s[i + 2]!,
        lastSeen: lastSeen < 0 ? null : lastSeen,
      });
    }
    if (m.reason === 'ready') w.ready = true;
    if (m.reason === 'flush') {
      const waiter = this.flushWaiters.get(m.token);
      if (waiter !== undefined && --waiter.left <= 0) waiter.done();
    }
  }

  private post(w: Worker, m: ToPresenceWorker): void {
    if (!w.exited && w.child.connected) w.child.send(m);
  }
}
