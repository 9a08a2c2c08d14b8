/**
 * A connection's side of live channels (live-channels.ts): when its caught-up subscriptions
 * join their topic's channel, and leaving one at `unsub`.
 *
 *   sub answered (caught up) ──► joinable ──(mailbox and router backlog empty)──► join, `live`
 *                                         ──(backlog)──► `try-live` to itself, at most 16 times
 *
 * Functions the connection actor calls with what they need: it keeps the count of joinable
 * subscriptions in a field of its own (no object per connection) and stays the only one that
 * changes its open/closing state; it calls `goLive` only while open.
 */
import type { ActorRef } from '../actors';
import { Limits } from '../server/limits';
import type { ConnectionEnv } from './conn-env';
import { liveChannel } from './live-channels';
import type { ConnMsg } from './messages';
import { LIVE, PENDING, type Subscriptions } from './subscriptions';
import type { TransportConnection } from './transport';

/** The parts of the connection env going live reads. */
export type LiveEnv = Pick<ConnectionEnv, 'router' | 'live' | 'shard'>;

/** Asks the actor to try going live again; at most MAX_LIVE_RETRIES times. */
const TRY_LIVE: ConnMsg = { type: 'try-live' };
export const MAX_LIVE_RETRIES = Limits.maxLiveRetries;

/** Whether a subscription that caught up may join a channel here (the transport has them). */
export function mayGoLive(env: LiveEnv, conn: TransportConnection): boolean {
  return env.live !== undefined && conn.join !== undefined;
}

/**
 * Joins the channel of every caught-up subscription, once the actor's mailbox and its
 * router's backlog are empty: every batch routed towards the actor is written by then, and
 * every later one comes through the channel (live-channels.ts); copies the router tells before
 * it reads `live` are dropped in the actor's `onEvents`. A backlog (routers run first, so
 * rarely) is waited out with a message to itself, a bounded number of times; past that the
 * subscriptions stay with the router, which is only slower. Returns what the actor's
 * `joinable` becomes: the retries so far while a backlog is waited out, else 0.
 */
export function joinLive(
  env: LiveEnv,
  joinable: number,
  conn: TransportConnection,
  subs: Subscriptions,
  binary: boolean,
  self: ActorRef<ConnMsg>,
): number {
  const { live, router, shard } = env;
  if (live === undefined || shard === undefined) return 0;
  if (live.backlog[shard] !== 0) {
    if (joinable >= MAX_LIVE_RETRIES) return 0;
    self.tell(TRY_LIVE);
    return joinable + 1;
  }
  for (const topic of subs.topics()) {
    const pos = subs.get(topic)!;
    if (pos.seq === LIVE || pos.seq === PENDING) continue;
    if (conn.join?.(liveChannel(binary, topic)) !== true) return 0;
    pos.seq = LIVE;
    router.tell({ type: 'live', topic, conn: self, binary });
  }
  return 0;
}

/** At `unsub`: a live subscription leaves its channel. */
export function leaveLive(
  env: LiveEnv,
  conn: TransportConnection,
  binary: boolean,
  subs: Subscriptions,
  topic: string,
): void {
  if (env.live !== undefined && subs.get(topic)?.seq === LIVE) {
    conn.leave?.(liveChannel(binary, topic));
  }
}
