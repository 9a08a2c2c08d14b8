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
  /** A reason not to run on this system (the bench records it as skipped), or null. */
  skip?(system: System): string | null;
  run(ctx: ScenarioContext): Promise<ScenarioResult>;
}
