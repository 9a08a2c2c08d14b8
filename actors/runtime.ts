/**
 * What every cell of one system shares: the scheduler, the counters behind `stats()`, the
 * dead-letter and log sinks. Kept apart from `ActorSystem` so that the public class exposes
 * only the public API and cells depend on this narrow object.
 */
import type { ActorSystem } from './actor-system';
import { Scheduler } from './scheduler';

export type LogLevel = 'warn' | 'error';
export type LogFn = (level: LogLevel, msg: string, meta?: Record<string, unknown>) => void;

export interface ActorSystemOptions {
  onDeadLetter?: (path: string, msg: unknown) => void;
  log?: LogFn;
  /** Default throughput of actors that do not set their own (default 64). */
  throughput?: number;
  /** Wall-clock budget of one scheduler drain before yielding to the event loop (default 5 ms). */
  drainBudgetMs?: number;
}

export const DEFAULT_THROUGHPUT = 64;

const consoleLog: LogFn = (level, msg, meta) =>
  console[level](`[troupe/actors] ${msg}`, meta ?? '');

export class Runtime {
  actors = 0;
  processed = 0;
  restarts = 0;
  deadLetters = 0;
  readonly scheduler: Scheduler;
  readonly throughput: number;
  readonly log: LogFn;
  /** Set by the system: resolves `terminate()`. */
  onGuardianStopped: () => void = () => undefined;
  private readonly onDeadLetter: ((path: string, msg: unknown) => void) | undefined;

  constructor(
    readonly system: ActorSystem,
    opts: ActorSystemOptions,
  ) {
    this.log = opts.log ?? consoleLog;
    this.onDeadLetter = opts.onDeadLetter;
    this.throughput = opts.throughput ?? DEFAULT_THROUGHPUT;
    this.scheduler = new Scheduler({
      drainBudgetMs: opts.drainBudgetMs,
      onError: (err) => this.log('error', 'scheduler: cell run threw', { error: err }),
    });
  }

  deadLetter(path: string, msg: unknown): void {
    this.deadLetters++;
    if (this.onDeadLetter === undefined) return;
    try {
      this.onDeadLetter(path, msg);
    } catch (err) {
      this.log('warn', 'onDeadLetter threw', { path, error: err });
    }
  }
}
