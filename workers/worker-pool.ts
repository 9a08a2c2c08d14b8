/**
 * The N gateway worker processes of a node, as comedy forked actors with `onCrash: 'respawn'`.
 *
 * comedy forks a fresh process with the same parameters when a worker's process exits; it does
 * not tell us. The pool learns it by asking each worker for its `info` every POLL_MS: a new pid
 * is a respawn (logged and counted), an unanswered poll marks the worker down. The pids feed
 * `stats` and the shutdown check that no worker process is left behind.
 *
 *   starting --start()--> running --close()--> closed (workers destroyed, processes gone)
 */
import type { Logger } from '../server/logger';
import type { ProcessActor, ProcessSystem } from './comedy-facade';
import { GATEWAY_WORKER_MODULE } from './gateway-worker';
import { processAlive } from './process-alive';
import {
  WorkerTopic,
  type WorkerAnswers,
  type WorkerInfo,
  type WorkerParams,
} from './worker-protocol';

const POLL_MS = 500;
const POLL_TIMEOUT_MS = 2_000;
/** Past this, a worker that will not stop is killed. */
const DESTROY_TIMEOUT_MS = 10_000;
const EXIT_WAIT_MS = 5_000;

export interface WorkerSlot {
  readonly index: number;
  readonly actor: ProcessActor;
  /** Last pid seen; `undefined` until the first answer. */
  pid: number | undefined;
  up: boolean;
  respawns: number;
}

export interface WorkerPoolOptions {
  system: ProcessSystem;
  count: number;
  params: (index: number) => WorkerParams;
  log: Logger;
  /** Called once, when the first worker is listening (the main then prints `listening ws`). */
  onFirstListening: (info: WorkerInfo) => void;
}

export class WorkerPool {
  private timer: NodeJS.Timeout | undefined;
  private closed: Promise<void> | undefined;
  private readonly polling = new Set<number>();

  private constructor(
    private readonly system: ProcessSystem,
    readonly slots: readonly WorkerSlot[],
    private readonly log: Logger,
  ) {}

  /** Resolves once every worker is listening; rejects (all destroyed) if one fails to start. */
  static async start(opts: WorkerPoolOptions): Promise<WorkerPool> {
    const { system, log } = opts;
    let first = true;
    const spawnOne = async (index: number): Promise<WorkerSlot> => {
      const actor = await system.spawnForked(GATEWAY_WORKER_MODULE, {
        name: `worker-${index}`,
        onCrash: 'respawn',
        customParameters: { ...opts.params(index) },
      });
      const info = await system.ask<WorkerInfo>(actor, WorkerTopic.Info, {}, POLL_TIMEOUT_MS);
      // `workerPid`: pino's own `pid` is this (the main) process's.
      log.info({ worker: index, workerPid: info.pid, port: info.port }, 'gateway worker started');
      if (first) {
        first = false;
        opts.onFirstListening(info);
      }
      return { index, actor, pid: info.pid, up: true, respawns: 0 };
    };
    let slots: WorkerSlot[];
    try {
      slots = await Promise.all(Array.from({ length: opts.count }, (_, i) => spawnOne(i)));
    } catch (err) {
      await system.destroy().catch(() => undefined);
      throw err;
    }
    const pool = new WorkerPool(system, slots, log);
    pool.timer = setInterval(() => pool.poll(), POLL_MS);
    pool.timer.unref();
    return pool;
  }

  ask<K extends WorkerTopic>(
    index: number,
    topic: K,
    payload: object,
    timeoutMs = POLL_TIMEOUT_MS,
  ): Promise<WorkerAnswers[K]> {
    const slot = this.slots[index];
    if (slot === undefined) return Promise.reject(new Error(`no worker ${index}`));
    return this.system.ask<WorkerAnswers[K]>(slot.actor, topic, payload, timeoutMs);
  }

  /** Stops the workers (their nodes stop in comedy's destroy hook) and waits for the processes. */
  close(): Promise<void> {
    this.closed ??= this.shutdown();
    return this.closed;
  }

  private async shutdown(): Promise<void> {
    clearInterval(this.timer);
    const destroyed = await Promise.race([
      this.system.destroy().then(() => true),
      sleep(DESTROY_TIMEOUT_MS).then(() => false),
    ]);
    if (!destroyed) this.log.warn({}, 'workers did not stop in time; killing them');
    // Only the current pids: a pid from before a respawn may already belong to someone else.
    const pids = this.slots.flatMap((s) => (s.pid === undefined ? [] : [s.pid]));
    if (!(await waitGone(pids, destroyed ? EXIT_WAIT_MS : 0))) {
      for (const pid of pids.filter(processAlive)) {
        this.log.warn({ workerPid: pid }, 'killing a worker process that did not exit');
        process.kill(pid, 'SIGKILL');
      }
      await waitGone(pids, EXIT_WAIT_MS);
    }
  }

  private poll(): void {
    for (const slot of this.slots) {
      if (this.polling.has(slot.index) || this.closed !== undefined) continue;
      this.polling.add(slot.index);
      this.ask(slot.index, WorkerTopic.Info, {})
        .then(
          (info) => this.seen(slot, info),
          (err: unknown) => this.missed(slot, err),
        )
        .finally(() => this.polling.delete(slot.index));
    }
  }

  /** Any answer from a worker tells its pid: a new one is a respawn, whoever asked. */
  seen(slot: WorkerSlot, info: Pick<WorkerInfo, 'pid'>): void {
    if (this.closed !== undefined) return;
    if (slot.pid !== info.pid) {
      slot.respawns += 1;
      this.log.warn(
        { worker: slot.index, oldPid: slot.pid, workerPid: info.pid, respawns: slot.respawns },
        'gateway worker respawned',
      );
    } else if (!slot.up) {
      this.log.info({ worker: slot.index, workerPid: info.pid }, 'gateway worker answers again');
    }
    slot.pid = info.pid;
    slot.up = true;
  }

  private missed(slot: WorkerSlot, err: unknown): void {
    if (this.closed !== undefined || !slot.up) return;
    slot.up = false;
    const reason = err instanceof Error ? err.message : String(err);
    this.log.warn({ worker: slot.index, workerPid: slot.pid, reason }, 'gateway worker down');
  }
}

async function waitGone(pids: number[], timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!pids.some(processAlive)) return true;
    if (Date.now() >= deadline) return false;
    await sleep(50);
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
