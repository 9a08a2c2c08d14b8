/**
 * A two-lane actor mailbox. The system lane (stop, failure, death-watch notices, overflow) is
 * unbounded and always drained first, so a flooded actor can still be stopped or restarted.
 * The user lane may be bounded; what happens at the bound is the declared `Overflow` policy.
 */
import { RingQueue } from './ring-queue';

export const Overflow = {
  DropNewest: 'drop-newest',
  DropOldest: 'drop-oldest',
  Fail: 'fail',
} as const;
export type Overflow = (typeof Overflow)[keyof typeof Overflow];

/** Outcome of `Mailbox#offer`. */
export const Offer = {
  Accepted: 'accepted',
  /** The message (or, for drop-oldest, the oldest one) went to dead letters. */
  Rejected: 'rejected',
  /** Policy `fail`: first drop of an overflow episode; the owner must post an overflow notice. */
  OverflowStarted: 'overflow-started',
} as const;
export type Offer = (typeof Offer)[keyof typeof Offer];

export interface MailboxBound {
  capacity: number;
  overflow: Overflow;
}

export interface DeadLetterSink {
  deadLetter(msg: unknown): void;
}

export class Mailbox<U, S> {
  private readonly user = new RingQueue<U>();
  private system: RingQueue<S> | null = null;
  /** Messages dropped by policy `fail` since the last `takeOverflow`; > 0 means an episode is open. */
  private overflowDropped = 0;

  constructor(
    private readonly capacity: number = Infinity,
    private readonly overflow: Overflow = Overflow.DropNewest,
  ) {}

  get size(): number {
    return this.user.size + (this.system === null ? 0 : this.system.size);
  }

  get userSize(): number {
    return this.user.size;
  }

  /** Nothing queued in either lane and no overflow episode open: it holds no state. */
  isSpent(): boolean {
    return this.user.size === 0 && this.overflowDropped === 0 && !this.hasSystem();
  }

  hasSystem(): boolean {
    return this.system !== null && this.system.size > 0;
  }

  hasUser(): boolean {
    return this.user.size > 0;
  }

  /** Enqueues a user message under the bound; dropped messages go to `sink`. */
  offer(msg: U, sink: DeadLetterSink): Offer {
    if (this.user.size < this.capacity) {
      this.user.push(msg);
      return Offer.Accepted;
    }
    switch (this.overflow) {
      case Overflow.DropOldest:
        if (this.user.size > 0) sink.deadLetter(this.user.shift());
        else {
          sink.deadLetter(msg); // capacity 0: nothing older to give up
          return Offer.Rejected;
        }
        this.user.push(msg);
        return Offer.Accepted;
      case Overflow.Fail:
        sink.deadLetter(msg);
        return this.overflowDropped++ === 0 ? Offer.OverflowStarted : Offer.Rejected;
      default:
        sink.deadLetter(msg);
        return Offer.Rejected;
    }
  }

  pushSystem(msg: S): void {
    (this.system ??= new RingQueue<S>()).push(msg);
  }

  pollSystem(): S | undefined {
    return this.system === null ? undefined : this.system.shift();
  }

  pollUser(): U | undefined {
    return this.user.shift();
  }

  /** Closes the current overflow episode and returns how many messages it dropped. */
  takeOverflow(): number {
    const dropped = this.overflowDropped;
    this.overflowDropped = 0;
    return dropped;
  }

  /** On stop: every queued user message becomes a dead letter. */
  drainUser(sink: DeadLetterSink): void {
    while (this.user.size > 0) sink.deadLetter(this.user.shift());
  }
}
