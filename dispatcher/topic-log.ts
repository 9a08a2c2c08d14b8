/**
 * The owner's state of one published topic: its epoch, the last stamped seq, and a short history.
 *
 * The history is bounded three ways: by count (a ring of at most `capacity` events), by age
 * (events older than `ttlMs` are dropped when the log is read or appended to, and by the node's
 * HistoryBudget as they come to the front of its queue), and by the node's byte cap (the budget
 * calls `dropOldest` on the log that holds the node's oldest event). A resume (`since`) is served
 * from it: same epoch and nothing dropped after `since.seq` means `recovered: true`.
 *
 * The held events are always one run of seqs, `firstSeq..lastSeq`: events only ever leave from
 * the front. That is what lets the budget tell a stale queue entry from a live one by seq alone.
 *
 * The ring starts empty and doubles as events arrive, up to `capacity`: a topic that sees a few
 * events costs a few slots, not `capacity` of them.
 *
 * The ring is held column by column: each event's `t0`, its bytes for the ledger and the length
 * of its publisher bytes in typed arrays (off the JS heap), and its `data` in a plain array made
 * only once some data did not come as publisher bytes. Topic and epoch are the log's
 * own, and seq follows from the position (the held events are one run). A read builds the
 * `TopicEvent`s it answers with. So the event an append returns (and the gateway routes) dies
 * young, and a held event is a few array slots: a node holding a million events is not a million
 * more objects for the GC to promote and mark (load-tests/profiles/RESULTS.md, fifth session of
 * 2026-12-02). Data that came as publisher bytes (`RawMsgpack`, nearly all of it) is held as
 * those bytes off the heap (held-bytes.ts), not as its object and string (sixth session).
 *
 * The epoch changes whenever the seq space restarts (a new owner, a restarted process, a topic
 * forgotten and published again), so a client can never mistake seq 5 of one life of the topic
 * for seq 5 of another.
 */
import { randomBytes } from 'node:crypto';
import type { Since } from '../protocol';
import type { Members } from './one-or-many';
import type { HistoryAnswer, TopicEvent } from './types';
import { RawMsgpack } from '../protocol/raw-msgpack';
import { HeldBytes } from './held-bytes';

export interface TopicLogLimits {
  /** Events kept per topic (0 disables history). */
  readonly capacity: number;
  /** Oldest event age kept, in ms. */
  readonly ttlMs: number;
}

/** Where a log accounts for the bytes it holds (the node's HistoryBudget). */
export interface HistoryLedger {
  /** The log now holds event `seq` of `bytes`. */
  held(log: TopicLog, seq: number, bytes: number): void;
  /** The log let go of `events` events totalling `bytes`. */
  released(bytes: number, events: number): void;
}

const NO_LEDGER: HistoryLedger = { held: () => undefined, released: () => undefined };
const FIRST_SLOTS = 4;
const NO_TIMES = new Float64Array(0);
const NO_INTS = new Int32Array(0);

/**
 * `recovered` of a `last: N` read: true when the replay is the whole of the epoch's latest N
 * events (all of them where fewer than N were stamped, none where none was), false when some of
 * them were no longer held (count, age or the node's byte cap let them go).
 */
export function lastRecovered(replayed: number, last: number, seq: number): boolean {
  return replayed === Math.min(last, seq);
}

export function newEpoch(): string {
  return randomBytes(6).toString('base64url');
}

export class TopicLog {
  readonly epoch: string;
  private seq = 0;
  /**
   * Each held event's `data`, unless it is in `bytes` (`undefined` here; the whole array is
   * `undefined` until some data does not come as publisher bytes); `t0s`, `sizes` and `lens` at
   * the same index hold its time, its bytes for the ledger, and the length of its record in
   * `bytes` (0: none, the data is in `ring`).
   */
  private ring: unknown[] | undefined = undefined;
  private t0s: Float64Array = NO_TIMES;
  private sizes: Int32Array = NO_INTS;
  private lens: Int32Array = NO_INTS;
  /** The publisher bytes of the held events whose data came as such, in order. */
  private readonly bytesHeld = new HeldBytes();
  /**
   * Slots of the ring now. The arrays fill up to it by appending (after a growth the free
   * slots are all past the end), so they hold no holes and no filler before they are used.
   */
  private cap = 0;
  private head = 0; // index of the oldest held event
  private size = 0;
  /** Last append time. */
  lastActive: number;
  /**
   * The gateways with interest in the topic, as the dispatcher's interest table holds them: the
   * dispatcher keeps it in step whenever that entry changes, so a publish finds log and
   * interest with one lookup by topic instead of two.
   */
  interest: Members<string> | undefined = undefined;

  constructor(
    readonly topic: string,
    private readonly limits: TopicLogLimits,
    now: number,
    epoch: string = newEpoch(),
    private readonly ledger: HistoryLedger = NO_LEDGER,
    /** The last seq of this epoch stamped before (a log let go and made again): goes on from it. */
    lastSeq = 0,
  ) {
    this.epoch = epoch;
    this.seq = lastSeq;
    this.lastActive = now;
  }

  get lastSeq(): number {
    return this.seq;
  }

  get held(): number {
    return this.size;
  }

  /** Estimated heap bytes of the held events (O(held): for the admin socket, not the hot path). */
  get bytes(): number {
    let bytes = 0;
    for (let i = 0; i < this.size; i++) bytes += this.sizes[(this.head + i) % this.cap]!;
    return bytes;
  }

  /** Seq of the oldest held event (`lastSeq + 1` when none is held). */
  get firstSeq(): number {
    return this.seq - this.size + 1;
  }

  /** Time of the oldest held event. */
  get oldestT0(): number | undefined {
    return this.size === 0 ? undefined : this.t0s[this.head]!;
  }

  /** Ring slots allocated now. */
  get slots(): number {
    return this.cap;
  }

  /** Stamps the next seq; holds the event (of `bytes`, for the ledger) while there is room. */
  append(data: unknown, now: number, bytes = 0): TopicEvent {
    const ev: TopicEvent = { topic: this.topic, seq: ++this.seq, epoch: this.epoch, data, t0: now };
    this.lastActive = now;
    this.expire(now);
    const cap = this.limits.capacity;
    if (cap <= 0) return ev;
    if (this.size === cap) this.dropOldest();
    else if (this.size === this.cap) this.grow(cap);
    let i = this.head + this.size;
    if (i >= this.cap) i -= this.cap;
    // A record's length tells bytes from a value in the ring, so an empty one stays a value.
    if (data instanceof RawMsgpack && data.bin.length > 0) {
      if (this.ring !== undefined) this.ring[i] = undefined;
      this.lens[i] = this.bytesHeld.add(data);
    } else {
      (this.ring ??= new Array<unknown>(this.cap))[i] = data;
      this.lens[i] = 0;
    }
    this.t0s[i] = now;
    this.sizes[i] = bytes;
    this.size++;
    this.ledger.held(this, ev.seq, bytes);
    return ev;
  }

  /**
   * Answer a `sub`: the current position, and with `since` what the client missed; without
   * `since`, with `last`, the latest `last` held events (PROTOCOL.md §12; `since` wins).
   */
  read(since: Since | undefined, now: number, last?: number): HistoryAnswer {
    this.expire(now);
    const base = { epoch: this.epoch, seq: this.seq };
    if (since === undefined) {
      if (last === undefined) return { ...base, recovered: false, events: [] };
      const events = this.latest(last);
      return { ...base, recovered: lastRecovered(events.length, last, this.seq), events };
    }
    // Another life of the topic (or a seq from the future): the client's position means nothing here.
    if (since.epoch !== this.epoch || since.seq > this.seq) {
      return { ...base, recovered: false, events: [] };
    }
    const events = this.after(since.seq);
    const firstHeld = events.length > 0 ? events[0]!.seq : this.seq + 1;
    return { ...base, recovered: firstHeld === since.seq + 1, events };
  }

  /** Lets go of the oldest held event (the budget's eviction; also count and age). */
  dropOldest(): void {
    if (this.size === 0) return;
    const bytes = this.sizes[this.head]!;
    if (this.ring !== undefined) this.ring[this.head] = undefined;
    this.bytesHeld.drop(this.lens[this.head]!);
    if (++this.head === this.cap) this.head = 0;
    this.size--;
    this.ledger.released(bytes, 1);
  }

  /** Lets go of every held event; the seq space goes on. */
  clear(): void {
    const n = this.size;
    const bytes = this.bytes;
    this.ring = undefined;
    this.t0s = NO_TIMES;
    this.sizes = NO_INTS;
    this.lens = NO_INTS;
    this.bytesHeld.clear();
    this.cap = 0;
    this.head = 0;
    this.size = 0;
    if (n > 0) this.ledger.released(bytes, n);
  }

  /** Drops events older than the ttl; true when any went. */
  expire(now: number): boolean {
    const oldest = now - this.limits.ttlMs;
    const before = this.size;
    while (this.size > 0 && this.t0s[this.head]! < oldest) this.dropOldest();
    return this.size !== before;
  }

  /** The newest `n` held events, oldest first: held events are one run, so no scan is needed. */
  private latest(n: number): TopicEvent[] {
    const k = Math.min(n, this.size);
    return this.events(this.size - k, k);
  }

  /** The held events after `seq` (held events are one run, so no scan is needed either). */
  private after(seq: number): TopicEvent[] {
    const skip = Math.max(0, Math.min(this.size, seq - this.firstSeq + 1));
    return this.events(skip, this.size - skip);
  }

  /** `k` held events from the `from`-th oldest on, as the events they were stamped as. */
  private events(from: number, k: number): TopicEvent[] {
    const out = new Array<TopicEvent>(k);
    const cap = this.cap;
    const seq0 = this.firstSeq + from;
    // Where the first record read starts: after the records of the events skipped.
    let offset = 0;
    for (let i = 0; i < from; i++) offset += this.lens[(this.head + i) % cap]!;
    for (let i = 0; i < k; i++) {
      const j = (this.head + from + i) % cap;
      const len = this.lens[j]!;
      out[i] = {
        topic: this.topic,
        seq: seq0 + i,
        epoch: this.epoch,
        data: len === 0 ? this.ring?.[j] : this.bytesHeld.read(offset, len),
        t0: this.t0s[j]!,
      };
      offset += len;
    }
    return out;
  }

  /**
   * Doubles the ring (up to `cap`), unwrapping it so the oldest event is at index 0. The
   * columns are typed arrays of exactly the ring's slots: their memory is off the JS heap, so a
   * held event is nothing the GC copies, promotes or marks (load-tests/profiles/RESULTS.md,
   * 2026-12-03), and a growth is one allocation per column.
   */
  private grow(cap: number): void {
    const len = this.cap;
    const next = Math.min(cap, Math.max(FIRST_SLOTS, len * 2));
    const t0s = new Float64Array(next);
    const sizes = new Int32Array(next);
    const lens = new Int32Array(next);
    const ring = this.ring === undefined ? undefined : new Array<unknown>(next);
    // The held events, oldest first: from the head to the end, then the part that wrapped.
    const tail = Math.min(this.size, len - this.head);
    unwrap(this.t0s, t0s, this.head, tail, this.size);
    unwrap(this.sizes, sizes, this.head, tail, this.size);
    unwrap(this.lens, lens, this.head, tail, this.size);
    if (ring !== undefined)
      for (let i = 0; i < this.size; i++) {
        const j = this.head + i;
        ring[i] = this.ring![j >= len ? j - len : j];
      }
    this.t0s = t0s;
    this.sizes = sizes;
    this.lens = lens;
    this.ring = ring;
    this.cap = next;
    this.head = 0;
  }
}

/** Copies `size` held slots of `from` (the first `tail` of them at `head`) to `to` from 0. */
function unwrap<A extends Float64Array | Int32Array>(
  from: A,
  to: A,
  head: number,
  tail: number,
  size: number,
): void {
  to.set(from.subarray(head, head + tail), 0);
  if (size > tail) to.set(from.subarray(0, size - tail), tail);
}
