/**
 * A connection's subscriptions: topic -> position in the topic's seq space.
 *
 * Most clients hold one topic, so the first lives inline and a Map (about 180 bytes before it
 * holds anything) is made only for a second one: at 100k connections that is the difference
 * between fitting the idle-memory budget or not. The inline topic's position is this object
 * itself (its `epoch` and `seq` fields), not an object of its own.
 */

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
  private more: Map<string, SubPosition> | undefined = undefined;

  get size(): number {
    return (this.topic === undefined ? 0 : 1) + (this.more === undefined ? 0 : this.more.size);
  }

  has(topic: string): boolean {
    return this.topic === topic || (this.more !== undefined && this.more.has(topic));
  }

  /**
   * The live position: writing its fields moves the topic. For the inline topic it is this
   * object, so it stays valid only until the next `set`, `delete` or `clear`.
   */
  get(topic: string): SubPosition | undefined {
    if (this.topic === topic) return this;
    return this.more === undefined ? undefined : this.more.get(topic);
  }

  /** Keeps the values of `pos`; the inline topic copies them, others keep `pos` itself. */
  set(topic: string, pos: SubPosition): void {
    if (this.topic === topic || (this.topic === undefined && !this.inMore(topic))) {
      this.topic = topic;
      this.epoch = pos.epoch;
      this.seq = pos.seq;
    } else {
      (this.more ??= new Map()).set(topic, pos);
    }
  }

  delete(topic: string): boolean {
    if (this.topic !== topic) return this.more !== undefined && this.more.delete(topic);
    this.topic = undefined;
    this.epoch = '';
    return true;
  }

  clear(): void {
    this.topic = undefined;
    this.epoch = '';
    this.more = undefined;
  }

  topics(): string[] {
    const out = this.topic === undefined ? [] : [this.topic];
    if (this.more !== undefined) for (const t of this.more.keys()) out.push(t);
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

  private inMore(topic: string): boolean {
    return this.more !== undefined && this.more.has(topic);
  }
}
