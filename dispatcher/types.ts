/**
 * The data of the dispatcher tier: stamped events, history answers and publish outcomes.
 *
 * They live here, not in `client/`, because the tier's core speaks them too (topic logs, the
 * dispatcher actor, the cluster router, link messages and their validation): the client seam
 * depends on them, never the other way round.
 */

/** One stamped event of one topic, as the topic's owner produced it. */
export interface TopicEvent {
  readonly topic: string;
  readonly seq: number;
  readonly epoch: string;
  readonly data: unknown;
  /** Wall-clock ms (performance.timeOrigin + now()) when the owner accepted the publish. */
  readonly t0: number;
}

/** One topic's viewer count, `[topic, n]` (PROTOCOL.md §8; count-table.ts). */
export type CountItem = [topic: string, n: number];

/**
 * A gateway's report of one topic: its local subscribers, and whether any of them watches the
 * topic's count (asked with `count: true`): 1 yes, 0 no. The owner pushes a topic's changed
 * total only to the gateways that watch it; a report without the flag (a gateway from before
 * it) counts as watching.
 */
export type ReportItem = [topic: string, n: number, watched?: 0 | 1];

/** What `sub` with or without `since` (or `last`) needs from the topic's history. */
export interface HistoryAnswer {
  readonly epoch: string;
  /** The latest seq stamped for the topic (0 when nothing was published yet). */
  readonly seq: number;
  /**
   * With `since`: every event after it is in `events`. With `last` (no `since`): `events` is
   * the whole of the epoch's latest `last` events (`lastRecovered`). Otherwise false.
   */
  readonly recovered: boolean;
  /**
   * Events after `since.seq`, or without `since` the latest `last` held, oldest first (empty
   * with neither).
   */
  readonly events: readonly TopicEvent[];
}

export interface PublishResult {
  readonly seq: number;
  readonly epoch: string;
}

/** A publish that was accepted by no owner (owner unreachable, dispatcher stopping). */
export interface PublishFailure {
  readonly code: number;
  readonly error: string;
}

export type PublishOutcome = PublishResult | PublishFailure;

export function isFailure(o: PublishOutcome): o is PublishFailure {
  return (o as PublishFailure).error !== undefined;
}
