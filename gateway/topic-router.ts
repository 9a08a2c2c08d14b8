/**
 * The topic router: a supervisor actor for one shard of the node's connections.
 *
 * Connections are spread over the routers round-robin; each router is the parent of its
 * connection actors and keeps the topic -> subscribers index of its own shard. An event batch
 * goes to every router with subscribers of its topic (the InterestTable knows which), and each
 * router tells the same immutable message to every subscriber: the bytes are encoded once per
 * format by the batch itself, never per connection.
 *
 * Viewer counts (PROTOCOL.md §8): every subscription changes the node's local count of its
 * topic (`GatewayCounts`); the connections that asked for the count are also in `watchers`, and
 * a count of the topic is encoded once per format and told to them only. The watch is the
 * router's (one set entry per watching subscription): a connection actor holds nothing for it.
 *
 * A connection actor that throws is stopped (its client is told to come back); the router
 * itself is resumed by the gateway on failure, because its index is the shard's only copy (its
 * records live in the gateway's topic entries: a router started afresh would find them there).
 */
import {
  clockMs,
  Directive,
  oneForOne,
  type ActorContext,
  type ActorRef,
  type Behavior,
  type SpawnOptions,
} from '../actors';
import { SetMap } from '../dispatcher/one-or-many';
import type { DispatcherClient } from '../dispatcher/client';
import type { SkipHandler } from '../protocol';
import {
  CONN_ACTOR_PREFIX,
  ConnectionActor,
  type ConnectionEnv,
  type ConnectionLimits,
} from './connection-actor';
import { CountFrame } from './count-frame';
import type { EventBatch } from './event-batch';
import type { GatewayCounts } from './gateway-counts';
import type { GatewayStats } from './gateway-stats';
import type { InterestTable } from './interest-table';
import type { ConnMsg, OpeningSlot, RouterMsg } from './messages';
import type { ClientAuth } from './token-check';
import type { MembersMsg } from '../presence/member-heartbeats';
import type { LiveTable } from './live-channels';
import { RouterIndex, sizeOf } from './router-index';
import type { TopicTable } from './topic-table';

export interface RouterDeps {
  readonly index: number;
  readonly node: string;
  readonly interest: InterestTable;
  /** The node's viewer counts (absent: nothing is counted, e.g. router unit tests). */
  readonly counts?: GatewayCounts;
  readonly dispatcher: DispatcherClient;
  readonly limits: ConnectionLimits;
  readonly stats: GatewayStats;
  readonly mailboxCapacity: number;
  /** Where JWT auth is configured: what `auth` and `refresh` check tokens with. */
  readonly auth?: ClientAuth;
  /** Told of an event left out because it could not be encoded. */
  readonly onSkip?: SkipHandler;
  /** The gateway's member table (presence heartbeats), where presence runs. */
  readonly members?: ActorRef<MembersMsg>;
  /** Where the transport fans out natively: the gateway's live members (live-channels.ts). */
  readonly live?: LiveTable;
  /**
   * The gateway's entries per topic, where the router keeps its subscribers of each topic
   * (router-index.ts; absent: a table of its own, e.g. router unit tests).
   */
  readonly topics?: TopicTable;
  readonly log: (level: 'warn' | 'error', msg: string, meta?: Record<string, unknown>) => void;
}

type RouterCounts = Extract<RouterMsg, { type: 'counts' }>['items'];

export function routerBehavior(d: RouterDeps): Behavior<RouterMsg> {
  /** Told and live subscribers per topic (router-index.ts). */
  const index = new RouterIndex<ActorRef<ConnMsg>>(d.topics, d.index);
  /** The subscribers that asked for the topic's viewer count. */
  const watchers = new SetMap<string, ActorRef<ConnMsg>>();
  /** The gateway's counts hear when this router gets its first or loses its last watcher. */
  const watch = (topic: string, conn: ActorRef<ConnMsg>): void => {
    if (watchers.add(topic, conn)) d.counts?.watch(topic, 1);
  };
  const unwatch = (topic: string, conn: ActorRef<ConnMsg>): void => {
    if (watchers.remove(topic, conn)) d.counts?.watch(topic, -1);
  };
  /** Tells the gateway whether this router still needs `topic`'s batches (live-channels.ts). */
  const syncQuiet = (topic: string): void => {
    const e = index.get(topic);
    d.live?.quiet(topic, d.index, e !== undefined && e.told === undefined);
  };
  const add = (topic: string, conn: ActorRef<ConnMsg>, watching: boolean): void => {
    const before = index.count(topic);
    if (index.add(topic, conn)) d.interest.add(topic, d.index);
    syncQuiet(topic);
    const delta = index.count(topic) - before;
    if (delta !== 0) d.counts?.change(topic, delta);
    if (watching) watch(topic, conn);
  };

  const remove = (topic: string, conn: ActorRef<ConnMsg>): void => {
    unwatch(topic, conn);
    const group = index.remove(topic, conn);
    if (group === undefined) return;
    if (group !== 'told') d.live?.leave(topic, group === 'bin');
    if (!index.has(topic)) d.interest.remove(topic, d.index);
    syncQuiet(topic);
    d.counts?.change(topic, -1);
  };

  /** One frame per count, told to its topic's watchers only. */
  const tellCounts = (items: RouterCounts): void => {
    for (const [topic, n] of items) {
      const w = watchers.get(topic);
      if (w === undefined) continue;
      const m: ConnMsg = { type: 'count', frame: new CountFrame(topic, n) };
      if (w instanceof Set) for (const conn of w) conn.tell(m);
      else if (Array.isArray(w)) for (let i = 0; i < w.length; i++) w[i]!.tell(m);
      else w.tell(m);
    }
  };

  // Shared by every connection actor of this shard, so a connection pays for none of it.
  const spawnOpts: SpawnOptions = {
    kind: 'connection',
    mailbox: { capacity: d.mailboxCapacity, overflow: 'fail' },
    // connectionSupervisor stops a failed connection: its factory need not outlive the start.
    restartable: false,
  };
  let env: ConnectionEnv | undefined;

  const open = (slot: OpeningSlot, ctx: ActorContext<RouterMsg>): void => {
    env ??= {
      node: d.node,
      router: ctx.self,
      dispatcher: d.dispatcher,
      limits: d.limits,
      stats: d.stats,
      auth: d.auth,
      onSkip: d.onSkip,
      members: d.members,
      counts: d.counts,
      live: d.live,
      shard: d.index,
      topics: d.topics,
    };
    const name = CONN_ACTOR_PREFIX + slot.id;
    slot.attach(ctx.spawn<ConnMsg>(name, connectionFactory(env, slot), spawnOpts));
  };

  /**
   * One immutable message per batch, shared by all of its subscribers. A connection subscribed
   * to several topics of the turn gets several messages and folds the run it finds queued into
   * one corked write (ConnectionActor), so the router keeps no per-connection scratch.
   */
  const fanOut = (batches: readonly EventBatch[]): void => {
    for (let i = 0; i < batches.length; i++) {
      const batch = batches[i]!;
      const e = index.get(batch.topic);
      if (e === undefined) continue;
      // Live members got the batch from the gateway's publish (live-channels.ts).
      const subs = e.told;
      if (subs === undefined) continue;
      const m: ConnMsg = { type: 'event', batch };
      batch.expect(sizeOf(subs));
      // A full mailbox rejects the tell; the actor's onOverflow closes it (4008).
      if (Array.isArray(subs)) {
        for (let k = 0; k < subs.length; k++) if (!subs[k]!.tell(m)) batch.delivered();
      } else if (subs instanceof Set) {
        for (const conn of subs) if (!conn.tell(m)) batch.delivered();
      } else if (!subs.tell(m)) {
        batch.delivered();
      }
    }
  };

  return {
    preStart(ctx) {
      ctx.timers.startPeriodic('tick', { type: 'tick' }, d.limits.heartbeatMs);
    },
    receive(msg, ctx) {
      switch (msg.type) {
        case 'open':
          return open(msg.slot, ctx);
        case 'sub':
          add(msg.topic, msg.conn, msg.count === true);
          msg.replyTo.tell(index.key(msg.topic));
          return;
        case 'watch':
          if (!msg.on) unwatch(msg.topic, msg.conn);
          else if (index.has(msg.topic)) watch(msg.topic, msg.conn);
          return;
        case 'counts':
          return tellCounts(msg.items);
        case 'unsub':
          return remove(msg.topic, msg.conn);
        case 'live':
          // False when it unsubscribed meanwhile: nothing to move.
          if (index.goLive(msg.topic, msg.conn, msg.binary)) {
            d.live?.join(msg.topic, msg.binary);
            syncQuiet(msg.topic);
          }
          return;
        case 'gone':
          for (const t of msg.topics) remove(t, msg.conn);
          return;
        case 'events':
          if (d.live !== undefined) d.live.backlog[d.index]!--;
          return fanOut(msg.batches);
        case 'tick': {
          const m: ConnMsg = { type: 'tick', now: clockMs() };
          for (const c of ctx.children()) (c as ActorRef<ConnMsg>).tell(m);
          return;
        }
        case 'drain':
          for (const c of ctx.children()) {
            // Full jitter: a drained fleet must not reconnect in one wave.
            const retryMs = Math.floor(Math.random() * msg.retryMaxMs);
            (c as ActorRef<ConnMsg>).tell({ type: 'drain', retryMs });
          }
          return;
      }
    },
    inspect() {
      const { subscriptions, live } = index.totals();
      return {
        shard: d.index,
        topics: index.topics,
        subscriptions,
        liveSubscriptions: live,
        countedTopics: watchers.size,
      };
    },
  };
}

/**
 * Its own function so the closure holds only what the actor needs (it lives as long as the
 * actor), not the slot: once attached, the slot is released (the socket keeps the actor ref).
 */
function connectionFactory(env: ConnectionEnv, slot: OpeningSlot): () => ConnectionActor {
  const { conn, codec, identity, greeted } = slot;
  return () => new ConnectionActor(env, conn, codec, identity, greeted);
}

/** How a router treats its failing connection actors. */
export function connectionSupervisor(log: RouterDeps['log']): ReturnType<typeof oneForOne> {
  return oneForOne((err) => {
    log('error', 'connection actor failed; stopping it', { err: String(err) });
    return Directive.Stop;
  });
}
