/**
 * The owner's state of one topic: its epoch, the last stamped seq, and a short history.
 *
 * The history is bounded twice: by count (a ring of `capacity` events) and by age (events older
 * than `ttlMs` are dropped when the log is read or appended to). A resume (`since`) is served
 * from it: same epoch and nothing evicted after `since.seq` means `recovered: true`.
 *
 * The epoch changes whenever the seq space restarts (a new owner, a restarted process), so a
 * client can never mistake seq 5 of one life of the topic for seq 5 of another.
 */
import { randomBytes } from 'node:crypto';
import type { Since } from '../protocol';
import type { HistoryAnswer, TopicEvent } from './types';

export interface TopicLogLimits {
  /** Events kept per topic (0 disables history). */
  readonly capacity: number;
  /** Oldest event age kept, in ms. */
  readonly ttlMs: number;
}

export function newEpoch(): string {
  return randomBytes(6).toString('base64url');
}

export class TopicLog {
  readonly epoch: string;
  private seq = 0;
  private readonly ring: (TopicEvent | undefined)[];
  private head = 0; // index of the oldest held event
  private size = 0;
  /** Last append time, so an idle topic can be evicted by its owner. */
  lastActive: number;

  constructor(
    readonly topic: string,
    private readonly limits: TopicLogLimits,
    now: number,
    epoch: string = newEpoch(),
  ) {
    this.epoch = epoch;
    this.ring = new Array<TopicEvent | undefined>(Math.max(0, limits.capacity));
    this.lastActive = now;
  }

  get lastSeq(): number {
    return this.seq;
  }

  get held(): number {
    return this.size;
  }

  append(data: unknown, now: number): TopicEvent {
    const ev: TopicEvent = { topic: this.topic, seq: ++this.seq, epoch: this.epoch, data, t0: now };
    this.lastActive = now;
    const cap = this.ring.length;
    if (cap > 0) {
      if (this.size === cap) {
        this.ring[this.head] = ev;
        this.head = (this.head + 1) % cap;
      } else {
        this.ring[(this.head + this.size) % cap] = ev;
        this.size++;
      }
    }
    this.expire(now);
    return ev;
  }

  /** Answer a `sub`: the current position, and with `since` what the client missed. */
  read(since: Since | undefined, now: number): HistoryAnswer {
    this.expire(now);
    const base = { epoch: this.epoch, seq: this.seq };
    if (since === undefined) return { ...base, recovered: false, events: [] };
    // Another life of the topic (or a seq from the future): the client's position means nothing here.
    if (since.epoch !== this.epoch || since.seq > this.seq) {
      return { ...base, recovered: false, events: [] };
    }
    const events = this.after(since.seq);
    const firstHeld = events.length > 0 ? events[0]!.seq : this.seq + 1;
    return { ...base, recovered: firstHeld === since.seq + 1, events };
  }

  private after(seq: number): TopicEvent[] {
    const out: TopicEvent[] = [];
    const cap = this.ring.length;
    for (let i = 0; i < this.size; i++) {
      const ev = this.ring[(this.head + i) % cap]!;
      if (ev.seq > seq) out.push(ev);
    }
    return out;
  }

  private expire(now: number): void {
    const cap = this.ring.length;
    const oldest = now - this.limits.ttlMs;
    while (this.size > 0) {
      const ev = this.ring[this.head]!;
      if (ev.t0 >= oldest) break;
      this.ring[this.head] = undefined;
      this.head = (this.head + 1) % cap;
      this.size--;
    }
  }
}
