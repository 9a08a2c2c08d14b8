/**
 * A connection's subscriptions: topic -> position in the topic's seq space.
 *
 * Most clients hold one topic, so the first lives in two fields and a Map (about 180 bytes
 * before it holds anything) is made only for a second one: at 100k connections that is the
 * difference between fitting the idle-memory budget or not.
 */

/** Where a subscriber is in its topic's seq space. */
export interface SubPosition {
  epoch: string;
  seq: number;
}

export class Subscriptions {
  private topic: string | undefined = undefined;
  private pos: SubPosition | undefined = undefined;
  private more: Map<string, SubPosition> | undefined = undefined;

  get size(): number {
    return (this.topic === undefined ? 0 : 1) + (this.more === undefined ? 0 : this.more.size);
  }

  has(topic: string): boolean {
    return this.topic === topic || (this.more !== undefined && this.more.has(topic));
  }

  get(topic: string): SubPosition | undefined {
    if (this.topic === topic) return this.pos;
    return this.more === undefined ? undefined : this.more.get(topic);
  }

  set(topic: string, pos: SubPosition): void {
    if (this.topic === topic || (this.topic === undefined && !this.inMore(topic))) {
      this.topic = topic;
      this.pos = pos;
    } else {
      (this.more ??= new Map()).set(topic, pos);
    }
  }

  delete(topic: string): boolean {
    if (this.topic !== topic) return this.more !== undefined && this.more.delete(topic);
    this.topic = undefined;
    this.pos = undefined;
    return true;
  }

  clear(): void {
    this.topic = undefined;
    this.pos = undefined;
    this.more = undefined;
  }

  topics(): string[] {
    const out = this.topic === undefined ? [] : [this.topic];
    if (this.more !== undefined) for (const t of this.more.keys()) out.push(t);
    return out;
  }

  toObject(): Record<string, SubPosition> {
    const out: Record<string, SubPosition> = {};
    for (const t of this.topics()) out[t] = this.get(t)!;
    return out;
  }

  private inMore(topic: string): boolean {
    return this.more !== undefined && this.more.has(topic);
  }
}
