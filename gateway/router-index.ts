/**
 * A topic router's index: topic -> its subscribers in this shard, in three groups, found with
 * one map lookup per batch on the fan-out path:
 *
 *   told   connections the router tells each batch (catching up after a `sub`, or on a transport
 *          without native fan-out)
 *   bin    connections live on the router's msgpack channel of the topic (live-channels.ts)
 *   text   connections live on its JSON channel
 *
 * Each group holds a lone member as itself, up to SMALL_GROUP members in an array of exactly
 * their number, and a Set past that (kept until the topic goes, so a group that swings around
 * the bound does not allocate on every swing). A Set costs 392 bytes for 10 members where the
 * array takes 96: a node of 10,000 topics of 10 subscribers saved about 30 bytes a connection.
 * Members must not themselves be arrays or Sets.
 *
 * The groups are a record in the topic's one gateway entry (topic-table.ts), linked with the
 * other routers' records of the topic, not a Map of the router's own: a personal topic's ~2
 * subscribers in a worker are usually in two routers, and a Map slot per router and topic cost
 * more than the record. A router reads and writes only its own record, from its own handlers
 * (JavaScript runs one at a time), so the records are still each router's own state.
 */
import {
  hasMember as has,
  sizeOf,
  withMember as added,
  withoutMember as removed,
  type Members,
} from '../dispatcher/one-or-many';
import { TopicTable, type ShardRecord, type TopicEntry } from './topic-table';

export { SMALL_GROUP, sizeOf, type Members } from '../dispatcher/one-or-many';

/** One router's subscribers of a topic. */
export interface TopicSubscribers<T> {
  told: Members<T> | undefined;
  bin: Members<T> | undefined;
  text: Members<T> | undefined;
}

/** The record as the table keeps it: ShardRecord with members of type T. */
interface Shard<T> extends TopicSubscribers<T> {
  readonly router: number;
  next: ShardRecord | undefined;
}

export type Group = 'told' | 'bin' | 'text';

function groupIn<T>(e: TopicSubscribers<T>, m: T): Group | undefined {
  if (has(e.told, m)) return 'told';
  if (has(e.bin, m)) return 'bin';
  return has(e.text, m) ? 'text' : undefined;
}

export class RouterIndex<T> {
  /** Topics this router has subscribers of. */
  private count_ = 0;

  constructor(
    /** The gateway's entries per topic (its own table in unit tests). */
    private readonly table: TopicTable = new TopicTable(),
    /** This router's index: its records in the entries are marked with it. */
    private readonly router = 0,
  ) {}

  /** Topics with at least one subscriber. */
  get topics(): number {
    return this.count_;
  }

  get(topic: string): TopicSubscribers<T> | undefined {
    const e = this.table.get(topic);
    return e === undefined ? undefined : this.shardOf(e);
  }

  has(topic: string): boolean {
    return this.get(topic) !== undefined;
  }

  /**
   * The table's own copy of `topic` (or `topic` when absent): a decoded `sub` brings a fresh
   * string, and a subscriber that keeps this one instead holds no string of its own.
   */
  key(topic: string): string {
    return this.table.get(topic)?.topic ?? topic;
  }

  /** Subscribers of `topic` in all groups. */
  count(topic: string): number {
    const s = this.get(topic);
    return s === undefined ? 0 : sizeOf(s.told) + sizeOf(s.bin) + sizeOf(s.text);
  }

  /**
   * Adds `m` to the told group unless it is a subscriber already (in any group: a live one
   * stays live); true when the topic is new to the index.
   */
  add(topic: string, m: T): boolean {
    const e = this.table.entryFor(topic);
    const s = this.shardOf(e);
    if (s === undefined) {
      this.link(e, {
        router: this.router,
        told: m,
        bin: undefined,
        text: undefined,
        next: undefined,
      });
      this.count_++;
      return true;
    }
    if (!has(s.bin, m) && !has(s.text, m)) s.told = added(s.told, m);
    return false;
  }

  /** Moves a told subscriber to a live group; false when it is not a told subscriber. */
  goLive(topic: string, m: T, binary: boolean): boolean {
    const s = this.get(topic);
    if (s === undefined || !has(s.told, m)) return false;
    s.told = removed(s.told, m);
    if (binary) s.bin = added(s.bin, m);
    else s.text = added(s.text, m);
    return true;
  }

  /**
   * Removes `m` from whichever group holds it and returns that group (undefined: not a
   * member); a topic left with no member is gone (`has` is false).
   */
  remove(topic: string, m: T): Group | undefined {
    const e = this.table.get(topic);
    const s = e === undefined ? undefined : this.shardOf(e);
    const group = s === undefined ? undefined : groupIn(s, m);
    if (e === undefined || s === undefined || group === undefined) return undefined;
    s[group] = removed(s[group], m);
    if (s.told === undefined && s.bin === undefined && s.text === undefined) {
      this.unlink(e);
      this.count_--;
      this.table.forgetIfEmpty(topic, e);
    }
    return group;
  }

  /** Subscriber pairs in all groups, and those live. */
  totals(): { subscriptions: number; live: number } {
    let subscriptions = 0;
    let live = 0;
    for (const [, e] of this.table) {
      const s = this.shardOf(e);
      if (s === undefined) continue;
      const l = sizeOf(s.bin) + sizeOf(s.text);
      live += l;
      subscriptions += l + sizeOf(s.told);
    }
    return { subscriptions, live };
  }

  /** This router's record in `e`. */
  private shardOf(e: TopicEntry): Shard<T> | undefined {
    for (let r = e.shards; r !== undefined && r.router <= this.router; r = r.next) {
      if (r.router === this.router) return r as Shard<T>;
    }
    return undefined;
  }

  /** Links `s` into `e`'s records in router order. */
  private link(e: TopicEntry, s: Shard<T>): void {
    let prev: ShardRecord | undefined;
    let r = e.shards;
    while (r !== undefined && r.router < s.router) {
      prev = r;
      r = r.next;
    }
    s.next = r;
    if (prev === undefined) e.shards = s;
    else prev.next = s;
  }

  /** Unlinks this router's record from `e`. */
  private unlink(e: TopicEntry): void {
    let prev: ShardRecord | undefined;
    for (let r = e.shards; r !== undefined; prev = r, r = r.next) {
      if (r.router !== this.router) continue;
      if (prev === undefined) e.shards = r.next;
      else prev.next = r.next;
      return;
    }
  }
}
