/**
 * What the transport keeps for one socket until and while its connection actor lives.
 *
 * The actor is spawned by a topic router (its supervisor) one message later than the socket
 * opens, so frames and a close that arrive in between wait here, bounded, and are handed over
 * in order once the actor exists.
 */
import type { ActorRef } from '../actors';
import type { Codec } from '../protocol';
import type { ConnMsg } from './connection-actor';
import type { TransportConnection } from './transport';

const MAX_EARLY = 64;

export class ConnSlot {
  ref: ActorRef<ConnMsg> | undefined;
  private early: ConnMsg[] | undefined;
  conn!: TransportConnection;

  constructor(
    readonly id: string,
    readonly codec: Codec,
    readonly authFailed: boolean,
  ) {}

  /** False when the early buffer is full (the caller closes the socket). */
  tell(msg: ConnMsg): boolean {
    if (this.ref !== undefined) return this.ref.tell(msg);
    this.early ??= [];
    if (this.early.length >= MAX_EARLY) return false;
    this.early.push(msg);
    return true;
  }

  attach(ref: ActorRef<ConnMsg>): void {
    this.ref = ref;
    const early = this.early;
    this.early = undefined;
    if (early !== undefined) for (const m of early) ref.tell(m);
  }
}
