/**
 * A client's `sub` and `unsub` (PROTOCOL.md §2, §6, §8, §12): whether the connection may
 * subscribe, its registration with the topic router, the answer, and the position in the
 * topic's seq space the subscription goes on from.
 *
 *   sub ──► refused: 403 (the token's `topics`), 413 (maxSubscriptions)
 *       ──► router `sub` (ask) ──► position PENDING ──► history, count, presence (sub-answer.ts)
 *           ──► position = the history's ──► ack, replay ──► caught up (may go live, conn-live.ts)
 *       ──► failed: the registration undone, err 503
 *
 * Order per topic: a `sub` registers with the router before it reads the topic's history, and
 * the connection actor's handler awaits it, so every batch that arrives meanwhile waits in the
 * mailbox; the subscription's last seq then filters out what the replay already covered.
 *
 * Functions over the `Subscriptions` the actor hands in and the actor itself (`SubscribeHost`):
 * the actor's own state (open or closing, its writes) changes only through its methods.
 */
import { ask, type ActorRef } from '../actors';
import type { Identity } from '../auth';
import type { TopicEvent } from '../dispatcher/types';
import { ErrorCode, type ClientMessage } from '../protocol';
import type { ConnectionEnv, ConnHost, ConnReplies } from './conn-env';
import { bump } from './gateway-stats';
import type { ConnMsg, RouterMsg } from './messages';
import { maySubscribe } from './presence-hooks';
import { answerSub } from './sub-answer';
import { LIVE, PENDING, type Subscriptions } from './subscriptions';

export interface SubscribeHost extends ConnHost {
  /** Writes a replay after its ack, within the outbound bound (the actor's write path). */
  sendEvents(topic: string, epoch: string, events: readonly TopicEvent[]): void;
}

/** The parts of the connection env `sub` and `unsub` read. */
export type SubscribeEnv = Pick<
  ConnectionEnv,
  'router' | 'dispatcher' | 'counts' | 'limits' | 'stats' | 'topics'
>;

/**
 * Answers a `sub`; resolves true when the subscription caught up from the topic's history (it
 * was not live already): it may join its live channel once the mailbox is empty.
 */
export async function subscribe(
  host: SubscribeHost,
  env: SubscribeEnv,
  subs: Subscriptions,
  identity: Identity | undefined,
  m: Extract<ClientMessage, { op: 'sub' }>,
  self: ActorRef<ConnMsg>,
): Promise<boolean> {
  const { limits, stats } = env;
  if (!maySubscribe(identity, m.topic, limits.presencePrivate ?? false)) {
    bump(stats.badInput, 'forbidden');
    host.err(m.id, ErrorCode.Forbidden, 'not allowed to subscribe to this topic');
    return false;
  }
  const known = subs.has(m.topic);
  if (!known && subs.size >= limits.maxSubscriptions) {
    const msg = `subscription limit (${limits.maxSubscriptions}) reached`;
    host.err(m.id, ErrorCode.TooLarge, msg);
    return false;
  }
  host.flush();
  try {
    if (!known) {
      const topic = await ask<RouterMsg, string>(
        env.router,
        (replyTo) => ({ type: 'sub', topic: m.topic, conn: self, replyTo, count: m.count }),
        limits.requestTimeoutMs,
      );
      // Batches may arrive from now on; until the history answers, they wait in the mailbox.
      // Kept under the router's string of the topic, shared by all its subscribers.
      subs.set(topic, { epoch: '', seq: PENDING });
      stats.subscriptions++;
    } else if (m.count !== undefined) {
      env.router.tell({ type: 'watch', topic: m.topic, conn: self, on: m.count });
    }
    // After the router counted this subscriber, so a count it asks for includes it.
    const { history: h, ack } = await answerSub(
      env.dispatcher,
      env.counts,
      m,
      limits.requestTimeoutMs,
    );
    if (!host.open) return false;
    const pos = subs.get(m.topic);
    if (pos === undefined) return false;
    // A live subscription stays live: its channel goes on; the replay below may repeat some.
    const caughtUp = pos.seq !== LIVE;
    if (caughtUp) {
      // The gateway's one string of the topic's epoch, not this answer's copy.
      pos.epoch = env.topics === undefined ? h.epoch : env.topics.epochOf(m.topic, h.epoch);
      pos.seq = h.seq;
    }
    host.reply(ack);
    host.flush();
    if (h.events.length > 0) host.sendEvents(m.topic, h.epoch, h.events);
    return caughtUp;
  } catch (e) {
    if (!known) forget(env, subs, m.topic, self);
    host.err(m.id, ErrorCode.Unavailable, `subscribe failed: ${(e as Error).message}`);
    return false;
  }
}

/** Answers an `unsub` (of a subscription or not); a live one has left its channel already. */
export function unsubscribe(
  replies: ConnReplies,
  env: SubscribeEnv,
  subs: Subscriptions,
  m: Extract<ClientMessage, { op: 'unsub' }>,
  self: ActorRef<ConnMsg>,
): void {
  forget(env, subs, m.topic, self);
  replies.reply({ op: 'ack', id: m.id });
}

/** Drops `topic`'s subscription, if there is one, and tells the router. */
function forget(
  env: SubscribeEnv,
  subs: Subscriptions,
  topic: string,
  self: ActorRef<ConnMsg>,
): void {
  if (!subs.delete(topic)) return;
  env.stats.subscriptions--;
  env.router.tell({ type: 'unsub', topic, conn: self });
}
