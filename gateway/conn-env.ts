/**
 * What a connection actor is given and what the functions it calls see of it: the limits and
 * env every connection of one router shares (one object per router, not per client), and
 * `ConnReplies` and `ConnHost`, how those functions answer the client through the actor and
 * see whether it is still open; every change of the connection's state stays the actor's.
 */
import type { ActorRef } from '../actors';
import type { ServerMessage, SkipHandler } from '../protocol';
import type { MembersMsg } from '../presence/member-heartbeats';
import type { DispatcherClient } from '../dispatcher/client';
import type { CountQuery } from './gateway-counts';
import type { GatewayStats } from './gateway-stats';
import type { LiveTable } from './live-channels';
import type { TopicTable } from './topic-table';
import type { RouterMsg } from './messages';
import type { RateLimits } from './rate-limit';
import type { ClientAuth } from './token-check';

export interface ConnectionLimits extends RateLimits {
  readonly heartbeatMs: number;
  readonly idleTimeoutMs: number;
  /** Bytes buffered towards the client before it is a slow consumer (close 4008). */
  readonly outboundLimit: number;
  readonly maxSubscriptions: number;
  readonly requestTimeoutMs: number;
  /**
   * Whether `pub` needs no permission: true with no client auth at all or with
   * --client-publish; otherwise only a token whose `pub` claim covers the topic may publish.
   */
  readonly allowPublish: boolean;
  /** --presence-private: presence topics need a `topics` claim like any other. */
  readonly presencePrivate?: boolean;
}

/** What every connection actor of one router shares: one object per router, not per client. */
export interface ConnectionEnv {
  readonly node: string;
  readonly router: ActorRef<RouterMsg>;
  readonly dispatcher: DispatcherClient;
  readonly limits: ConnectionLimits;
  readonly stats: GatewayStats;
  /** Where JWT auth is configured: what `auth` and `refresh` check tokens with. */
  readonly auth?: ClientAuth;
  /** Told of an event that could not be encoded (it is left out; see `encodeEvents`). */
  readonly onSkip?: SkipHandler;
  /** The gateway's member table: a connection with a member joins it while open (§7). */
  readonly members?: ActorRef<MembersMsg>;
  /** Cluster-wide viewer counts, for the `ack` of a `sub` with `count: true` (PROTOCOL.md §8). */
  readonly counts?: CountQuery;
  /** The gateway's live members, where the transport fans out natively (live-channels.ts). */
  readonly live?: LiveTable;
  /** The router's index (its slot in `live.backlog`). */
  readonly shard?: number;
  /** The gateway's entries per topic: a subscription keeps the entry's epoch string. */
  readonly topics?: TopicTable;
}

/** How a function the actor calls answers the client: through the actor's outbox, in order. */
export interface ConnReplies {
  /** Queues a reply; `flush` writes the queue (before an await, so replies do not wait on it). */
  reply(msg: ServerMessage): void;
  flush(): void;
  err(id: number | undefined, code: number, msg: string): void;
}

/** What a function the actor calls and that awaits needs of it besides its answers. */
export interface ConnHost extends ConnReplies {
  /** Neither closing nor closed: checked again after every await. */
  readonly open: boolean;
}
