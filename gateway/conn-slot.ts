/**
 * What the transport keeps for one socket until and while its connection actor lives.
 *
 * The actor is spawned by a topic router (its supervisor) one message later than the socket
 * opens, so frames and a close that arrive in between wait here, bounded, and are handed over
 * in order once the actor exists. After that the socket's userData is the actor ref itself.
 */
import type { ActorRef } from '../actors';
import type { Identity } from '../auth';
import type { Codec } from '../protocol';
import type { ConnMsg, OpeningSlot } from './messages';
import type { TransportConnection } from './transport';

const MAX_EARLY = 64;

export class ConnSlot implements OpeningSlot {
  /**
   * The actor once attached; before that, the messages that came early (if any). One field for
   * both: a slot lives as long as its socket, so each field costs 8 bytes per connection.
   */
  private target: ActorRef<ConnMsg> | ConnMsg[] | undefined = undefined;
  conn!: TransportConnection;
  /** The gateway wrote the hello at the socket's open (gateway.ts); the actor does not. */
  greeted = false;

  constructor(
    readonly id: string,
    readonly codec: Codec,
    readonly authFailed: boolean,
    /** What the token verified at the upgrade grants; undefined without JWT auth. */
    readonly identity: Identity | undefined = undefined,
  ) {}

  get ref(): ActorRef<ConnMsg> | undefined {
    const target = this.target;
    return target === undefined || Array.isArray(target) ? undefined : target;
  }

  /** False when the early buffer is full (the caller closes the socket). */
  tell(msg: ConnMsg): boolean {
    const target = this.target;
    if (target === undefined) {
      this.target = [msg];
      return true;
    }
    if (!Array.isArray(target)) return target.tell(msg);
    if (target.length >= MAX_EARLY) return false;
    target.push(msg);
    return true;
  }

  /**
   * Hands the early messages over, in order, and from then on the socket talks to the actor
   * directly (its userData becomes the ref): a slot per connection would cost 64 bytes more.
   */
  attach(ref: ActorRef<ConnMsg>): void {
    const early = this.target;
    this.target = ref;
    if (Array.isArray(early)) for (const m of early) ref.tell(m);
    if (this.conn !== undefined && this.conn.userData === this) this.conn.userData = ref;
  }
}
