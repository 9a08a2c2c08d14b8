/**
 * Fault handling, the cell's side of supervision (see the lifecycle in actor-cell.ts): a failed
 * cell suspends itself and asks its parent; the parent applies its strategy and answers with
 * Resume, Restart (recreate), Stop, or fails in turn (Escalate). The failing message is never
 * retried. Functions over the cell rather than methods keep actor-cell.ts one concept long.
 */
import type { ActorCell } from './actor-cell';
import { STOP_REQUESTED, SUSPENDED } from './cell-flags';
import { Directive, defaultStrategy, supervise } from './supervision';
import { RESUME } from './system-message';
import { hasStoppingChildren, stopChildren } from './termination';
import { ActorStatus } from './types';

/** Suspends the cell and hands the failure to the parent's strategy. */
export function fail<M>(
  cell: ActorCell<M>,
  error: unknown,
  msg: M | undefined,
  child?: ActorCell<unknown>,
): void {
  if (cell.status === ActorStatus.Stopping || cell.status === ActorStatus.Stopped) {
    cell.runtime.log('error', 'actor failed while stopping', { path: cell.path, error });
    return;
  }
  cell.flags |= SUSPENDED;
  cell.failure = { error, msg, child };
  if (cell.parentCell === null) {
    cell.runtime.log('error', 'guardian failed; stopping', { path: cell.path, error });
    cell.requestStop();
  } else {
    cell.parentCell.sendSystem({ kind: 'failed', child: cell as ActorCell<unknown>, error });
  }
}

export function superviseChild<M>(
  cell: ActorCell<M>,
  child: ActorCell<unknown>,
  error: unknown,
): void {
  if (cell.childMap?.get(child.name) !== child || (child.flags & STOP_REQUESTED) !== 0) return;
  const strategy = child.opts?.onFailure ?? cell.opts?.supervisor ?? defaultStrategy;
  const window = (child.restartWindow ??= { start: Date.now(), restarts: 0 });
  const restartable = child.opts?.restartable !== false;
  const directive = supervise(strategy, window, error, Date.now(), restartable);
  cell.runtime.log('error', 'actor failed', { path: child.path, directive, error });
  switch (directive) {
    case Directive.Resume:
      return child.sendSystem(RESUME);
    case Directive.Restart:
      return child.sendSystem({ kind: 'recreate', error });
    case Directive.Stop:
      return child.requestStop();
    case Directive.Escalate:
      return fail(cell, error, undefined, child);
  }
}

export function resume<M>(cell: ActorCell<M>): void {
  if ((cell.flags & SUSPENDED) === 0) return;
  const failure = cell.failure;
  cell.flags &= ~SUSPENDED;
  cell.failure = null;
  if (cell.status === ActorStatus.Starting && cell.behavior !== null) cell.becomeRunning();
  failure?.child?.sendSystem(RESUME);
}

export function beginRestart<M>(cell: ActorCell<M>, error: unknown): void {
  if (cell.status === ActorStatus.Stopping || cell.status === ActorStatus.Stopped) return;
  const failedMsg = cell.failure?.msg;
  cell.failure = { error, msg: undefined, restarting: true };
  cell.restarts++;
  cell.runtime.restarts++;
  cell.timerScheduler?.cancelAll();
  cell.status = ActorStatus.Restarting;
  const behavior = cell.behavior;
  try {
    if (behavior?.preRestart !== undefined) behavior.preRestart(cell, error, failedMsg);
    else stopChildren(cell);
  } catch (err) {
    cell.runtime.log('error', 'preRestart threw', { path: cell.path, error: err });
  }
  if (!hasStoppingChildren(cell)) finishRestart(cell);
}

export function finishRestart<M>(cell: ActorCell<M>): void {
  const error = cell.failure?.error;
  cell.flags &= ~SUSPENDED;
  cell.failure = null;
  cell.behavior = null;
  try {
    cell.behavior = cell.factory!(); // never null here: superviseChild stops those instead
  } catch (err) {
    fail(cell, err, undefined);
    return;
  }
  if (cell.behavior.postRestart === undefined) return cell.runPreStart();
  try {
    cell.behavior.postRestart(cell, error);
  } catch (err) {
    fail(cell, err, undefined);
    return;
  }
  cell.becomeRunning();
}
