/**
 * A bench scenario: given a running system's endpoints, measure and return rows. New scenarios
 * (many-topics, connect-storm, idle-memory, cross-node) implement this and register in index.ts.
 */
import type { BenchArgs } from '../cli-args';
import type { RunningServer } from '../server-process';
import type { StepResult } from '../../generator/run-step';
import type { Capacity } from '../capacity';

export interface ScenarioContext {
  readonly system: string;
  readonly server: RunningServer;
  readonly args: BenchArgs;
  readonly log: (line: string) => void;
}

export interface ScenarioResult {
  readonly steps: readonly StepResult[];
  readonly capacity: Capacity | null;
  /** Setup facts worth keeping (connect time, connections that failed, ...). */
  readonly notes: Record<string, unknown>;
}

export interface Scenario {
  readonly name: string;
  /** Listener names the system must print before the scenario can start. */
  readonly needs: readonly string[];
  run(ctx: ScenarioContext): Promise<ScenarioResult>;
}
