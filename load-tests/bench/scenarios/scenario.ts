/**
 * A bench scenario: given a running system's endpoints, measure and return rows. Each scenario
 * implements this and registers in index.ts.
 */
import type { BenchArgs } from '../cli-args';
import type { RunningServer } from '../server-process';
import type { System } from '../systems';
import type { StepResult } from '../../generator/run-step';
import type { Capacity, HalfCapacity } from '../capacity';
import type { ScenarioRun } from '../summary';

export interface ScenarioContext {
  readonly system: System;
  readonly server: RunningServer;
  readonly args: BenchArgs;
  readonly log: (line: string) => void;
  /** Scenarios already run in this bench run, in order (cross-node reuses troupe's hot-topic). */
  readonly earlier?: readonly ScenarioRun[];
  /**
   * Runs `fn` when no other system of this scenario runs its own `fn` (a `together` scenario's
   * measured load, e.g. a connect storm, one system at a time); absent: `fn` runs at once.
   */
  readonly exclusive?: Exclusive;
}

export type Exclusive = <T>(fn: () => Promise<T>) => Promise<T>;

/** An Exclusive: each call's `fn` starts once every earlier call's has settled. */
export function serialized(): Exclusive {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(fn: () => Promise<T>): Promise<T> => {
    const run = tail.then(fn);
    tail = run.catch(() => undefined);
    return run;
  };
}

export interface ScenarioResult {
  /** Rate steps (hot-topic, many-topics); empty for one-shot scenarios. */
  readonly steps: readonly StepResult[];
  readonly capacity: Capacity | null;
  /** Latency at half of capacity (the latency target is stated there); ladders only. */
  readonly halfCapacity?: HalfCapacity | null;
  /** Headline figures of one-shot scenarios (connect-storm, idle-memory), by name. */
  readonly metrics: Readonly<Record<string, number | null>>;
  /** Setup facts worth keeping (connect time, connections that failed, ...). */
  readonly notes: Record<string, unknown>;
}

export interface Scenario {
  readonly name: string;
  /** Listener names the system must print before the scenario can start. */
  readonly needs: readonly string[];
  /**
   * Flags appended to the system's command for this scenario (e.g. presence: `--workers 2` and
   * its d and ε), so the bench starts the server it needs instead of a second one.
   */
  serverArgs?(system: System, args: BenchArgs): readonly string[];
  /**
   * Time this scenario may take per system beyond what the bench's watchdog allows everything
   * else (the sum of its own bounds, when they are long), in ms; absent: none.
   */
  extraRunMs?(args: BenchArgs): number;
  /**
   * Every system at once, each on its own server (idle-memory: mostly waiting, its RSS readings
   * are per server tree); what loads the machine goes through `ctx.exclusive`.
   */
  readonly together?: boolean;
  /** A reason not to run on this system (the bench records it as skipped), or null. */
  skip?(system: System): string | null;
  run(ctx: ScenarioContext): Promise<ScenarioResult>;
}
