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
import type { HistoryAnswer, PublishResult, TopicEvent } from '../types';

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
   * Clients that never announce it whole (the in-process one) leave this out.
   */
  bindInterest?(source: InterestSource): void;
  history(topic: string, since: Since | undefined): Promise<HistoryAnswer>;
  publish(topic: string, data: unknown): Promise<PublishResult>;
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
  close(): void;
}
