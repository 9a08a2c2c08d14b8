/**
 * Termination (see the lifecycle in actor-cell.ts): a stopping cell cancels its timers, stops
 * its children and finishes only once the last child is gone, so postStop always runs after the
 * children's. Then its queued messages become dead letters, the parent frees its name and its
 * watchers are told.
 */
import type { ActorCell } from './actor-cell';
import { STOP_REQUESTED, SUSPENDED } from './cell-flags';
import * as deathWatch from './death-watch';
import { ActorStatus } from './types';

export function stopChildren<M>(cell: ActorCell<M>): void {
  if (cell.childMap !== null) for (const child of cell.childMap.values()) child.requestStop();
}

export function hasStoppingChildren<M>(cell: ActorCell<M>): boolean {
  if (cell.childMap !== null)
    for (const child of cell.childMap.values())
      if ((child.flags & STOP_REQUESTED) !== 0) return true;
  return false;
}

export function beginStop<M>(cell: ActorCell<M>): void {
  if (cell.status === ActorStatus.Stopping || cell.status === ActorStatus.Stopped) return;
  cell.flags |= STOP_REQUESTED;
  cell.status = ActorStatus.Stopping;
  cell.timerScheduler?.cancelAll();
  if (cell.childCount === 0) finishStop(cell);
  else stopChildren(cell);
}

export function finishStop<M>(cell: ActorCell<M>): void {
  cell.status = ActorStatus.Stopped;
  cell.flags &= ~SUSPENDED;
  cell.drainUser();
  const behavior = cell.behavior;
  if (behavior?.postStop !== undefined) {
    try {
      behavior.postStop(cell);
    } catch (err) {
      cell.runtime.log('error', 'postStop threw', { path: cell.path, error: err });
    }
  }
  cell.mailbox = null;
  cell.failure = null;
  cell.deferred = null;
  cell.timerScheduler = null;
  // The parent frees the name before any watcher (the parent included) hears of the death.
  if (cell.parentCell !== null) {
    cell.runtime.actors--;
    cell.parentCell.sendSystem({ kind: 'child-terminated', child: cell as ActorCell<unknown> });
  }
  deathWatch.notifyWatchers(cell);
  if (cell.parentCell === null) cell.runtime.onGuardianStopped();
}
