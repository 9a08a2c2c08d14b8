/**
 * Messages of the topic router (apart from its behavior, so the connection actor can name
 * them without importing the router).
 */
import type { ActorRef } from '../actors';
import type { ConnMsg } from './connection-actor';
import type { EventBatch } from './event-batch';
import type { ConnSlot } from './conn-slot';

export type RouterMsg =
  | { type: 'open'; slot: ConnSlot }
  | { type: 'sub'; topic: string; conn: ActorRef<ConnMsg>; replyTo: ActorRef<boolean> }
  | { type: 'unsub'; topic: string; conn: ActorRef<ConnMsg> }
  | { type: 'gone'; conn: ActorRef<ConnMsg>; topics: readonly string[] }
  /** Every batch of one turn whose topic has subscribers in this router's shard, in turn order. */
  | { type: 'events'; batches: readonly EventBatch[] }
  | { type: 'tick' }
  | { type: 'drain'; retryMaxMs: number };
