/**
 * What each system message does to a cell. The lane is drained ahead of user messages and even
 * while the cell is suspended; notices that need user code (onTerminated, onOverflow) wait in
 * the cell's `deferred` list until it runs again.
 */
import type { ActorCell } from './actor-cell';
import * as deathWatch from './death-watch';
import { MailboxOverflowError } from './errors';
import { beginRestart, fail, finishRestart, resume, superviseChild } from './fault-handling';
import type { SystemMessage } from './system-message';
import { OVERFLOW } from './system-message';
import { beginStop, finishStop, hasStoppingChildren } from './termination';
import { ActorStatus, type Behavior } from './types';

function childTerminated<M>(cell: ActorCell<M>, child: ActorCell<unknown>): void {
  cell.childMap?.delete(child);
  if (cell.status === ActorStatus.Stopping) {
    if (cell.childCount === 0) finishStop(cell);
  } else if (cell.failure?.restarting === true && !hasStoppingChildren(cell)) {
    finishRestart(cell);
  }
}

export function handleSystem<M>(cell: ActorCell<M>, msg: SystemMessage): void {
  switch (msg.kind) {
    case 'terminate':
      return beginStop(cell);
    case 'resume':
      return resume(cell);
    case 'recreate':
      return beginRestart(cell, msg.error);
    case 'failed':
      return superviseChild(cell, msg.child, msg.error);
    case 'child-terminated':
      return childTerminated(cell, msg.child);
    case 'terminated':
      return deliverTerminated(cell, msg, msg.cell);
    case 'overflow':
      return deliverOverflow(cell);
  }
}

function deliverTerminated<M>(
  cell: ActorCell<M>,
  notice: SystemMessage,
  dead: ActorCell<unknown>,
): void {
  if (!cell.canRunUserCode(notice) || !deathWatch.acceptTerminated(cell, dead)) return;
  const behavior = cell.behavior as Behavior<M>;
  if (behavior.onTerminated === undefined) return;
  try {
    behavior.onTerminated(dead.ref, cell);
  } catch (err) {
    fail(cell, err, undefined);
  }
}

function deliverOverflow<M>(cell: ActorCell<M>): void {
  if (!cell.canRunUserCode(OVERFLOW)) return;
  const dropped = cell.mailbox === null ? 0 : cell.mailbox.takeOverflow();
  if (dropped === 0) return;
  const behavior = cell.behavior as Behavior<M>;
  if (behavior.onOverflow === undefined)
    return fail(cell, new MailboxOverflowError(cell.path, dropped), undefined);
  try {
    behavior.onOverflow(cell, dropped);
  } catch (err) {
    fail(cell, err, undefined);
  }
}
