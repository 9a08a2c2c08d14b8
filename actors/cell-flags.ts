/**
 * A cell's booleans, packed in one field: 100k cells x 3 fewer slots is ~2.4 MB of heap.
 */

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
