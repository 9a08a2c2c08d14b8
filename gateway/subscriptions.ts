/**
 * A connection's subscriptions: topic -> position in the topic's seq space.
 *
 * Most clients hold one topic, so the first lives inline and more are kept beside it only from
 * a second one: at 100k connections that is the difference between fitting the idle-memory
 * budget or not. The inline topic's position is this object itself (its `epoch` and `seq`
 * fields), not an object of its own. The others are pairs in an array of exactly their length
 * (32 bytes for one, where a Map takes 184) up to SMALL_MORE of them, and a Map past that,
 * where a scan would be slow (dispatcher/name-values.ts).
 */

import {
  forEachValue,
  sizeOfValues,
  valueOf,
  withoutValue,
  withValue,
  type NameValues,
} from '../dispatcher/name-values';

/** Topics beside the inline one kept as array pairs; one more moves them into a Map. */
export const SMALL_MORE = 8;

/** Where a subscriber is in its topic's seq space. */
export interface SubPosition {
  epoch: string;
  seq: number;
}

/**
 * The `seq` of a subscription that is live: caught up and joined to its router's channel, so
 * the transport fans its topic out natively and the connection actor no longer sees (or
 * counts) its events (`live-channels.ts`).
 */
export const LIVE = -1;

/** The `seq` of a subscription whose `sub` is under way: every batch is newer than it. */
export const PENDING = Number.MAX_SAFE_INTEGER;

export class Subscriptions implements SubPosition {
  private topic: string | undefined = undefined;
  /** Position of the inline topic (meaningless while `topic` is undefined). */
  epoch = '';
  /**
   * Declared without a value on purpose: the field starts as `undefined`, so V8 keeps it
   * tagged and a seq that fits a small integer is stored inline. Initialised with a number
   * that is not one (a new subscription's MAX_SAFE_INTEGER), it would become a double field
   * with a boxed number per connection.
   */
  seq!: number;
  private more: NameValues<SubPosition> | undefined = undefined;

  get size(): number {
    const { more } = this;
    const others = more === undefined ? 0 : sizeOfValues(more);
    return (this.topic === undefined ? 0 : 1) + others;
  }

  has(topic: string): boolean {
    return this.topic === topic || this.other(topic) !== undefined;
  }

  /**
   * The live position: writing its fields moves the topic. For the inline topic it is this
   * object, so it stays valid only until the next `set`, `delete` or `clear`.
   */
  get(topic: string): SubPosition | undefined {
    return this.topic === topic ? this : this.other(topic);
  }

  /** Keeps the values of `pos`; the inline topic copies them, others keep `pos` itself. */
  set(topic: string, pos: SubPosition): void {
    if (this.topic === topic || (this.topic === undefined && this.other(topic) === undefined)) {
      this.topic = topic;
      this.epoch = pos.epoch;
      this.seq = pos.seq;
      return;
    }
    const more = this.more;
    this.more = more === undefined ? [topic, pos] : withValue(more, topic, pos, SMALL_MORE);
  }

  delete(topic: string): boolean {
    if (this.topic === topic) {
      this.topic = undefined;
      this.epoch = '';
      return true;
    }
    const more = this.more;
    if (more === undefined) return false;
    const had = sizeOfValues(more);
    const next = withoutValue(more, topic);
    if (sizeOfValues(next) === had) return false;
    // An emptied array goes; a Map stays until `clear`, as the bound's other side.
    this.more = Array.isArray(next) && next.length === 0 ? undefined : next;
    return true;
  }

  clear(): void {
    this.topic = undefined;
    this.epoch = '';
    this.more = undefined;
  }

  topics(): string[] {
    const out = this.topic === undefined ? [] : [this.topic];
    const more = this.more;
    if (more !== undefined) forEachValue(more, (t) => out.push(t));
    return out;
  }

  /** Plain copies, safe to serialize (admin `inspect`). */
  toObject(): Record<string, SubPosition | { live: true }> {
    const out: Record<string, SubPosition | { live: true }> = {};
    for (const t of this.topics()) {
      const { epoch, seq } = this.get(t)!;
      out[t] = seq === LIVE ? { live: true } : { epoch, seq };
    }
    return out;
  }

  /** A topic other than the inline one. */
  private other(topic: string): SubPosition | undefined {
    const more = this.more;
    return more === undefined ? undefined : valueOf(more, topic);
  }
}
