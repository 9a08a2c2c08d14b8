/**
 * A cell's booleans and its status, packed in one field: 100k cells x 4 fewer slots is ~3.2 MB
 * of heap.
 */
import { ActorStatus } from './types';

/** In the scheduler's ready queue (at most once). */
export const SCHEDULED = 1;
/** An async handler or hook is in flight: nothing else runs until it settles. */
export const BUSY = 2;
/** Failed; waiting for the parent's directive. Only the system lane is processed. */
export const SUSPENDED = 4;
/** Stop was asked for: tell is refused and the parent's pending decisions are void. */
export const STOP_REQUESTED = 8;
/** Spawned with `priority: 'high'`: the scheduler runs it ahead of normal cells. Set once. */
export const HIGH_PRIORITY = 16;

/** The status, as its index in STATUSES, in the bits from here up (Starting is 0). */
export const STATUS_SHIFT = 5;
export const STATUSES: readonly ActorStatus[] = [
  ActorStatus.Starting,
  ActorStatus.Running,
  ActorStatus.Restarting,
  ActorStatus.Stopping,
  ActorStatus.Stopped,
];
export const STATUS_MASK = 7 << STATUS_SHIFT;
