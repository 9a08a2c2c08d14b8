/**
 * Per-actor timers that deliver through the mailbox (so a timer message is handled like any
 * other, one at a time) and die with their actor.
 *
 * A timer message can already sit in the mailbox when its timer is cancelled or replaced, so
 * each start gets a generation and the cell drops a dequeued `TimerMessage` whose generation is
 * no longer current: after `cancel(key)` the old message is never received (Akka's guarantee).
 * Node timers are unref'd so that a forgotten periodic timer never keeps the process alive.
 */
import type { Timers } from './types';

export class TimerMessage<M> {
  constructor(
    readonly key: string,
    readonly generation: number,
    readonly msg: M,
  ) {}
}

/** The cell, as timers see it. */
export interface TimerOwner<M> {
  /** Enqueues in the user lane; false if the mailbox rejected it or the actor is stopped. */
  enqueueTimer(msg: TimerMessage<M>): boolean;
}

interface TimerEntry {
  readonly handle: NodeJS.Timeout;
  readonly generation: number;
  readonly periodic: boolean;
}

export class TimerScheduler<M> implements Timers<M> {
  private readonly entries = new Map<string, TimerEntry>();
  private generation = 0;

  constructor(private readonly owner: TimerOwner<M>) {}

  startSingle(key: string, msg: M, delayMs: number): void {
    this.start(key, msg, delayMs, false);
  }

  startPeriodic(key: string, msg: M, intervalMs: number): void {
    this.start(key, msg, intervalMs, true);
  }

  cancel(key: string): void {
    const entry = this.entries.get(key);
    if (entry === undefined) return;
    clearTimeout(entry.handle);
    this.entries.delete(key);
  }

  cancelAll(): void {
    for (const entry of this.entries.values()) clearTimeout(entry.handle);
    this.entries.clear();
  }

  /** A single timer stays active until its message is received, as in Akka. */
  isActive(key: string): boolean {
    return this.entries.has(key);
  }

  /** True if a dequeued timer message is still current; a single timer ends once accepted. */
  accept(tm: TimerMessage<M>): boolean {
    const entry = this.entries.get(tm.key);
    if (entry === undefined || entry.generation !== tm.generation) return false;
    if (!entry.periodic) this.entries.delete(tm.key);
    return true;
  }

  private start(key: string, msg: M, ms: number, periodic: boolean): void {
    this.cancel(key);
    // One message object per start, reused by every tick of a periodic timer.
    const tm = new TimerMessage(key, ++this.generation, msg);
    const fire = (): void => {
      if (
        !this.owner.enqueueTimer(tm) &&
        !periodic &&
        this.entries.get(key)?.generation === tm.generation
      ) {
        this.entries.delete(key); // rejected by the mailbox bound: it will never be received
      }
    };
    const delay = Math.max(periodic ? 1 : 0, ms);
    const handle = periodic ? setInterval(fire, delay) : setTimeout(fire, delay);
    handle.unref();
    this.entries.set(key, { handle, generation: tm.generation, periodic });
  }
}
