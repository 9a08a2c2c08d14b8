/**
 * The messages of the gateway's actors: the connection actor's (`ConnMsg`) and the topic
 * router's (`RouterMsg`). Apart from both behaviors, so each names the other's messages without
 * importing it, and so the slot (`OpeningSlot`) is named here rather than imported from
 * `conn-slot.ts`, which tells `ConnMsg`s: no file of the three imports another in a circle.
 */
import type { ActorRef } from '../actors';
import type { Identity } from '../auth';
import type { Codec } from '../protocol';
import type { CountItem } from '../dispatcher/types';
import type { CountFrame } from './count-frame';
import type { EventBatch } from './event-batch';
import type { TransportConnection } from './transport';

export type ConnMsg =
  | { type: 'frame'; data: Uint8Array | string }
  /** One batch of one of this connection's topics (shared by all its subscribers). */
  | { type: 'event'; batch: EventBatch }
  /** The viewer count of one of this connection's topics (sent only where it asked for it). */
  | { type: 'count'; frame: CountFrame }
  | { type: 'closed'; code: number }
  | { type: 'tick'; now: number }
  /** The token's `exp` may have come (a timer set only when it is due before the next tick). */
  | { type: 'expire' }
  /** First-message `auth` did not come in time. */
  | { type: 'auth-deadline' }
  /** Try again to join live channels (the router had a backlog). */
  | { type: 'try-live' }
  | { type: 'drain'; retryMs: number };

/** A socket waiting for its connection actor (a `ConnSlot`): what its router spawns it from. */
export interface OpeningSlot {
  readonly id: string;
  readonly codec: Codec;
  readonly conn: TransportConnection;
  /** The identity verified at the upgrade (JWT auth), if any. */
  readonly identity: Identity | undefined;
  /** The gateway wrote the hello at the socket's open (a WebSocket; not an SSE stream). */
  readonly greeted: boolean;
  /** Hands the messages that came early to the actor, which from then on owns the socket. */
  attach(ref: ActorRef<ConnMsg>): void;
}

export type RouterMsg =
  | { type: 'open'; slot: OpeningSlot }
  | {
      type: 'sub';
      topic: string;
      conn: ActorRef<ConnMsg>;
      /** Answered with the router's own string of the topic, for the subscription to keep. */
      replyTo: ActorRef<string>;
      /** The subscription asked for the topic's viewer count. */
      count?: boolean;
    }
  /** A subscribed connection turns the topic's viewer count on or off (a re-`sub`). */
  | { type: 'watch'; topic: string; conn: ActorRef<ConnMsg>; on: boolean }
  /** Cluster-wide viewer counts of topics this router's shard has subscribers of. */
  | { type: 'counts'; items: readonly CountItem[] }
  | { type: 'unsub'; topic: string; conn: ActorRef<ConnMsg> }
  /** The connection joined this router's channel of the topic (live-channels.ts). */
  | { type: 'live'; topic: string; conn: ActorRef<ConnMsg>; binary: boolean }
  | { type: 'gone'; conn: ActorRef<ConnMsg>; topics: readonly string[] }
  /** Every batch of one turn whose topic has subscribers in this router's shard, in turn order. */
  | { type: 'events'; batches: readonly EventBatch[] }
  | { type: 'tick' }
  | { type: 'drain'; retryMaxMs: number };
