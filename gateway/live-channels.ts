/**
 * Live channels: the transport's native fan-out (uWS topics) for subscriptions that have
 * caught up, so the gateway hands a batch to all of them in one call instead of one message
 * per connection actor.
 *
 *   sub ─► ack + replay, written by the connection actor
 *       ─► the actor's mailbox and its router's backlog are empty
 *       ─► it joins the topic's channel and tells its router `live`
 *       ─► the gateway publishes each batch once per format with live members;
 *          the router (from `live` on) stops telling that actor the topic's batches
 *
 * Why the join waits for both to be empty: the gateway publishes a batch in the same turn as it
 * tells the routers, so at that moment every batch routed towards this actor is written, and
 * every batch routed later reaches the socket through the channel: one order on the socket,
 * nothing twice, nothing left out. Until the router reads `live` it still tells the actor too;
 * the actor drops those copies (the channel carried them). The router's backlog is the one
 * piece of state the gateway, routers and actors share here (`LiveTable.backlog`), as they
 * share the interest table; the scheduler runs routers first, so in practice it is empty
 * whenever a connection actor runs, and the check makes that an invariant rather than luck.
 *
 * The connection actor still owns its connection: it alone joins and leaves (on `unsub` and at
 * close), answers every request, and writes acks, replays, counts and `bye` itself; the socket
 * keeps them in order with the channel's frames. A socket that stops reading is closed by the
 * transport as a slow consumer (4008, `live-sweep.ts`).
 *
 * A router whose subscribers of a topic are all live is quiet on it: the gateway does not tell
 * it the topic's batches at all. That loses nothing for a subscriber it registers later: its
 * `sub` reads the topic's position after the router registered it, so every event stamped
 * before that is in its replay (or before its position), and every batch routed after it finds
 * the router no longer quiet. The router sets and clears the bit as its told group empties and
 * fills, in the same handler, so the gateway never reads a stale one.
 *
 * Channels: a msgpack connection joins `<topic>`, a JSON one `#<topic>` (topics never hold `#`).
 */
import { jsonCodec, msgpackCodec } from '../protocol';
import type { EventBatch } from './event-batch';
import { recordLatency, type GatewayStats } from './gateway-stats';
import type { NativeFanout } from './transport';
import { nowMs } from '../actors';
import { TopicTable, type TopicEntry } from './topic-table';

/** The channel a connection of this format joins for `topic`. */
export function liveChannel(binary: boolean, topic: string): string {
  return binary ? topic : `#${topic}`;
}

/**
 * Live members of one topic on this gateway, per format, and the routers that need no batch of
 * it (`quiet`, bit i for router i): every subscriber of theirs is live. The fields of the
 * topic's one gateway entry (topic-table.ts).
 */
export type LiveCount = Pick<TopicEntry, 'bin' | 'text' | 'quiet'>;

/**
 * The gateway's live members per topic (kept by the routers as members go live and leave), in
 * the gateway's topic entries, and each router's backlog: `events` messages told to it and not
 * yet handled.
 */
export class LiveTable {
  readonly backlog: number[];

  constructor(
    routers: number,
    /** The gateway's entries per topic (shared with its interest table). */
    private readonly topics: TopicTable = new TopicTable(),
  ) {
    this.backlog = new Array<number>(routers).fill(0);
  }

  /** `topic`'s live members, if it has any. */
  get(topic: string): LiveCount | undefined {
    const e = this.topics.get(topic);
    return e !== undefined && e.hasLive ? e : undefined;
  }

  join(topic: string, binary: boolean): void {
    const c = this.topics.entryFor(topic);
    if (binary) c.bin++;
    else c.text++;
  }

  leave(topic: string, binary: boolean): void {
    const c = this.topics.get(topic);
    if (c === undefined) return;
    if (binary) c.bin = Math.max(0, c.bin - 1);
    else c.text = Math.max(0, c.text - 1);
    if (!c.hasLive) {
      c.quiet = 0;
      this.topics.forgetIfEmpty(topic, c);
    }
  }

  /**
   * Router `router` is quiet on `topic` (`on`: every subscriber of its own there is live, so the
   * gateway stops telling it the topic's batches) or not. Only a topic with live members is
   * tracked; one without is told to every router with interest.
   */
  quiet(topic: string, router: number, on: boolean): void {
    const c = this.get(topic);
    if (c === undefined) return;
    c.quiet = on ? c.quiet | (1 << router) : c.quiet & ~(1 << router);
  }
}

/**
 * Publishes `batch` to its topic's channels that have live members, each format encoded once,
 * and counts deliveries, frames and one publish-to-send latency sample as the actor path does.
 */
export function publishLive(
  fanout: NativeFanout,
  batch: EventBatch,
  live: LiveCount,
  stats: GatewayStats,
): void {
  let reached = 0;
  if (live.bin > 0) {
    const frame = batch.frame(msgpackCodec);
    if (frame !== undefined) {
      fanout.publish(liveChannel(true, batch.topic), frame, true);
      reached += live.bin;
    }
  }
  if (live.text > 0) {
    const frame = batch.frame(jsonCodec);
    if (frame !== undefined) {
      fanout.publish(liveChannel(false, batch.topic), frame, false);
      reached += live.text;
    }
  }
  stats.framesOut += reached;
  stats.deliveries += reached * batch.events.length;
  if (reached > 0) recordLatency(stats, nowMs() - batch.events[0]!.t0);
}
