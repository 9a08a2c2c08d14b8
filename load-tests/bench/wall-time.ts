/**
 * Where a bench run's time went, and whether it kept its budget (issue 14: the full run under
 * 15 minutes, `--quick` under 5 on this 2-core machine). Every scenario is timed, and each
 * system's run of it from its server's start to its stop; the summary prints those and the
 * total against the budget, marked when over, so a slower bench shows in the next run's output.
 */
import type { ScenarioRun } from './summary';

/** The whole run's budget in seconds (the bench process alone, not `npm run build`). */
export const BUDGET_SECONDS = { quick: 300, full: 900 } as const;

export interface Budget {
  readonly profile: keyof typeof BUDGET_SECONDS;
  readonly seconds: number;
  readonly usedSeconds: number;
  readonly over: boolean;
}

export function budgetOf(quick: boolean, usedSeconds: number): Budget {
  const profile = quick ? 'quick' : 'full';
  const seconds = BUDGET_SECONDS[profile];
  return { profile, seconds, usedSeconds, over: usedSeconds > seconds };
}

/** Seconds since `startMs` (a performance.now() reading), to a tenth. */
export function secondsSince(startMs: number): number {
  return Math.round((performance.now() - startMs) / 100) / 10;
}

/**
 * One line per scenario (its total, then each system that ran), then the total against the
 * budget; the rest of the total is the bench's own start and the report.
 */
export function formatWallTime(scenarios: readonly ScenarioRun[], budget: Budget): string[] {
  const lines = scenarios.map((sc) => {
    const timed = sc.systems.filter((s) => s.status !== 'skipped' && s.seconds !== undefined);
    const total = sc.seconds ?? timed.reduce((t, s) => t + (s.seconds ?? 0), 0);
    const sum = timed.reduce((t, s) => t + (s.seconds ?? 0), 0);
    const parts = timed.map((s) => `${s.system} ${Math.round(s.seconds ?? 0)}`);
    // Systems that ran at the same time add up to more than the scenario's own time.
    const at = sum > total + 1 ? ' at once' : '';
    return `  ${sc.scenario.padEnd(18)} ${String(Math.round(total)).padStart(4)} s${parts.length > 0 ? ` (${parts.join(', ')}${at})` : ''}`;
  });
  const verdict = budget.over
    ? `OVER BUDGET by ${Math.round(budget.usedSeconds - budget.seconds)} s`
    : `within budget (${Math.round(budget.seconds - budget.usedSeconds)} s to spare)`;
  return [
    `wall time per scenario (server start to stop, per system):`,
    ...lines,
    `total ${Math.round(budget.usedSeconds)} s of the ${budget.profile} budget ${budget.seconds} s: ${verdict}`,
  ];
}
