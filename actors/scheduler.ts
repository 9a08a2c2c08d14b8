/**
 * The scheduler: a ready queue of actor cells drained in `setImmediate` macrotasks.
 *
 * Each cell processes at most its throughput budget per turn and re-enqueues itself at the back
 * if it still has work, so one flooded actor cannot starve the others. A drain also stops after
 * `drainBudgetMs` and continues in a later macrotask, so sockets and timers (the event loop's
 * other phases) get their turn even under a sustained flood. Microtasks are avoided on purpose:
 * a microtask loop never yields to I/O.
 *
 * Two ready queues, as Akka gives routing actors an execution context of their own: cells spawned
 * with `priority: 'high'` (the dispatcher, gateway and topic-router tiers) run before any queued
 * normal cell. Without it an event that arrives while 2,000 connection actors are queued would
 * wait a whole fan-out round at each routing hop; with it, it is routed at the next drain and
 * joins the connections not yet written in the round under way.
 */
import { RingQueue } from './ring-queue';

export interface Runnable {
  /** Processes up to the cell's budget; re-schedules itself if work remains. */
  run(): void;
}

export interface SchedulerOptions {
  /** Wall-clock budget of one drain before yielding to the event loop (default 5 ms). */
  drainBudgetMs?: number;
  /** Called if a cell's run throws (a kernel bug: handler errors are caught inside the cell). */
  onError?: (err: unknown) => void;
}

/** Checking the clock costs ~40 ns; doing it every few cells keeps that off the per-message path. */
const CLOCK_CHECK_EVERY = 8;

export class Scheduler {
  private readonly ready = new RingQueue<Runnable>();
  private readonly urgent = new RingQueue<Runnable>();
  private pending = false;
  private readonly budgetMs: number;
  private readonly onError: (err: unknown) => void;

  constructor(opts: SchedulerOptions = {}) {
    this.budgetMs = opts.drainBudgetMs ?? 5;
    this.onError = opts.onError ?? ((): void => undefined);
  }

  /** Cells queued and not yet run. */
  get queued(): number {
    return this.ready.size + this.urgent.size;
  }

  /** The caller guarantees a cell is enqueued at most once at a time; `high` runs it first. */
  enqueue(cell: Runnable, high = false): void {
    (high ? this.urgent : this.ready).push(cell);
    if (!this.pending) {
      this.pending = true;
      setImmediate(this.drain);
    }
  }

  private readonly drain = (): void => {
    const deadline = performance.now() + this.budgetMs;
    let ran = 0;
    const urgent = this.urgent;
    const ready = this.ready;
    for (
      let cell = urgent.size > 0 ? urgent.shift() : ready.shift();
      cell !== undefined;
      cell = urgent.size > 0 ? urgent.shift() : ready.shift()
    ) {
      try {
        cell.run();
      } catch (err) {
        this.onError(err);
      }
      if (++ran % CLOCK_CHECK_EVERY === 0 && performance.now() >= deadline) break;
    }
    if (this.ready.size > 0 || this.urgent.size > 0) setImmediate(this.drain);
    else this.pending = false;
  };
}
