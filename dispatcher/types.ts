/**
 * The seam between the gateway tier and the dispatcher tier.
 *
 * A gateway only ever talks to a `DispatcherClient`; in standalone mode that is an in-memory
 * link to the dispatcher in the same process (`local-link.ts`), and the multi-node issue adds a
 * TCP implementation of the same interface. Nothing on either side knows which one it has.
 */
import type { Since } from '../protocol';

/** One stamped event of one topic, as the topic's owner produced it. */
export interface TopicEvent {
  readonly topic: string;
  readonly seq: number;
  readonly epoch: string;
  readonly data: unknown;
  /** Wall-clock ms (performance.timeOrigin + now()) when the owner accepted the publish. */
  readonly t0: number;
}

/** What `sub` with or without `since` needs from the topic's history. */
export interface HistoryAnswer {
  readonly epoch: string;
  /** The latest seq stamped for the topic (0 when nothing was published yet). */
  readonly seq: number;
  /** True when `since` was given and every event after it is in `events`. */
  readonly recovered: boolean;
  /** Events after `since.seq`, oldest first (empty without `since`). */
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

/**
 * The node's interest set, kept by what tracks its local subscribers (the gateway's
 * InterestTable): one set per node, read whole by a client that must announce it.
 */
export interface InterestSource {
  /** Every topic the node has subscribers of, right now. */
  all(): Iterable<string>;
}

/** The gateway's view of the dispatcher tier. */
export interface DispatcherClient {
  /**
   * Per-node interest: called on the node's first local subscriber of a topic (`true`) and when
   * its last one leaves (`false`). Calls are ordered with `history` on the same client, so an
   * interest registered before a history request is in force when the history is read.
   */
  setInterest(topic: string, on: boolean): void;
  /**
   * Where a client that announces the whole interest set (a link coming up) reads it; the
   * gateway's interest table binds itself here when it is created, so the client keeps no copy.
   * Clients that never announce it whole (the in-memory one) leave this out.
   */
  bindInterest?(source: InterestSource): void;
  history(topic: string, since: Since | undefined): Promise<HistoryAnswer>;
  publish(topic: string, data: unknown): Promise<PublishResult>;
  /** Where stamped events for topics of interest arrive; one call per turn may carry many. */
  onEvents(sink: (events: readonly TopicEvent[]) => void): void;
  close(): void;
}
