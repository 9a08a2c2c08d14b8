/**
 * The seam between the gateway tier and the dispatcher tier.
 *
 * A gateway only ever talks to a `DispatcherClient`; in standalone mode that is the dispatcher
 * actor of the same process (`in-process-client.ts`), otherwise one link per dispatcher node
 * (`remote-client.ts`). Both pass one contract suite (`dispatcher-client.contract.test.ts`), so
 * nothing on either side knows which one it has.
 */
import type { Since } from '../../protocol';
import type { PresenceState } from '../../presence/store';
import type { CountItem, HistoryAnswer, PublishResult, ReportItem, TopicEvent } from '../types';

/**
 * The node's interest set, kept by what tracks its local subscribers (the gateway's
 * InterestTable): one set per node, read whole by a client that must announce it.
 */
export interface InterestSource {
  /** Every topic the node has subscribers of, right now. */
  all(): Iterable<string>;
}

/**
 * The node's local viewer counts (gateway/gateway-counts.ts), read whole by a client that
 * re-reports them when a dispatcher link comes up or goes down (the owners move).
 */
export interface CountSource {
  /** Every topic with local subscribers, and how many. */
  counts(): Iterable<ReportItem>;
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
   * Clients that never announce it whole (the in-process one) leave this out.
   */
  bindInterest?(source: InterestSource): void;
  /**
   * The topic's position and, with `since`, the events after it still held; without `since`,
   * with `last`, the latest `last` held events (1..MAX_LAST, PROTOCOL.md §12).
   */
  history(topic: string, since: Since | undefined, last?: number): Promise<HistoryAnswer>;
  /**
   * `data` is a checked payload (protocol/payload.ts); `bytes` its size from that check, where
   * the caller has it (a client that stamps in this process uses it; a link does not carry it).
   */
  publish(topic: string, data: unknown, bytes?: number): Promise<PublishResult>;
  /**
   * One presence heartbeat for each of `members` (PROTOCOL.md §7), routed to the owner of each
   * member's presence topic. Fire and forget: a heartbeat lost with a link is made up by the
   * next one, d later, well before the member's entry (d + ε) runs out.
   */
  heartbeat(members: readonly string[]): void;
  /**
   * Each member's presence, in order. Rejects (DispatcherUnavailableError) when no owner
   * answers or its store cannot: presence is then unknown, never guessed.
   */
  presence(members: readonly string[]): Promise<PresenceState[]>;
  /** Where stamped events for topics of interest arrive; one call per turn may carry many. */
  onEvents(sink: (events: readonly TopicEvent[]) => void): void;
  /**
   * Viewer counts (PROTOCOL.md §8): this node's local counts that changed, each to its topic's
   * owner. The caller conflates (at most one call per count interval) and sends a topic that
   * dropped to 0 once.
   */
  reportCounts(items: readonly ReportItem[]): void;
  /** Where a client that re-reports counts on link changes reads them (cf. `bindInterest`). */
  bindCounts?(source: CountSource): void;
  /**
   * Subscribers of `topic` on every other gateway and datacenter. `local` is this node's own
   * count now: the owner takes it as a report, so the node gets the topic's counts from now on.
   */
  countOthers(topic: string, local: number): Promise<number>;
  /** Where cluster-wide counts that changed arrive (topics this node has subscribers of). */
  onCounts(sink: (items: readonly CountItem[]) => void): void;
  close(): void;
}
