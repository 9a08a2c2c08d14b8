/**
 * How a parent decides what happens to a failed child (Akka's one-for-one strategy), and the
 * restart budget: more than `maxRestarts` restarts within `withinMs` turns Restart into Stop,
 * so a child that fails on every message cannot spin forever.
 */

export const Directive = {
  Resume: 'resume',
  Restart: 'restart',
  Stop: 'stop',
  Escalate: 'escalate',
} as const;
export type Directive = (typeof Directive)[keyof typeof Directive];

export interface SupervisorStrategy {
  decide(err: unknown): Directive;
  maxRestarts: number;
  withinMs: number;
}

export const DEFAULT_MAX_RESTARTS = 10;
export const DEFAULT_RESTART_WINDOW_MS = 60_000;

export function oneForOne(
  decide: (err: unknown) => Directive,
  maxRestarts: number = DEFAULT_MAX_RESTARTS,
  withinMs: number = DEFAULT_RESTART_WINDOW_MS,
): SupervisorStrategy {
  return { decide, maxRestarts, withinMs };
}

/**
 * For an actor whose state is the only copy (routing tables, history): a message that throws
 * costs that message, never the state, and no number of them stops the actor.
 */
export const resumeOnFailure: SupervisorStrategy = oneForOne(() => Directive.Resume);

/** Used where a parent declares no strategy (and by the /user guardian): always restart. */
export const defaultStrategy: SupervisorStrategy = oneForOne(() => Directive.Restart);

/** Per-child restart window, allocated on a child's first failure only. */
export interface RestartWindow {
  start: number;
  restarts: number;
}

/**
 * Applies the strategy and the restart budget. A `decide` that throws escalates: the parent
 * cannot judge the failure, so its own parent must. A child that cannot be recreated (spawned
 * `restartable: false`: its cell let go of its factory) is stopped where a restart was decided,
 * without spending the budget.
 */
export function supervise(
  strategy: SupervisorStrategy,
  window: RestartWindow,
  err: unknown,
  now: number,
  restartable = true,
): Directive {
  let directive: Directive;
  try {
    directive = strategy.decide(err);
  } catch {
    return Directive.Escalate;
  }
  if (directive !== Directive.Restart) return directive;
  if (!restartable) return Directive.Stop;
  if (now - window.start > strategy.withinMs) {
    window.start = now;
    window.restarts = 0;
  }
  if (window.restarts >= strategy.maxRestarts) return Directive.Stop;
  window.restarts++;
  return Directive.Restart;
}
