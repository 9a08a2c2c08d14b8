/**
 * What this gateway knows per topic, in one entry: which topic routers have subscribers of it
 * (interest-table.ts), where the transport fans out natively how many of those subscribers are
 * live members of its channels (live-channels.ts), each router's subscribers themselves
 * (router-index.ts), and the topic's viewer count (gateway-counts.ts). The gateway reads the
 * first two with one Map lookup per event, which also groups the events of a routing turn into
 * one batch per topic (`batch`); each table writes its own fields.
 *
 * One entry instead of one per table: a worker of a 100,000-connection linkedin-node holds
 * ~8,000 personal topics with ~1.8 subscribers each, so the three Maps with an object each per
 * topic (and a Map per router) cost ~360 bytes per topic where this entry and its router
 * records take ~250 (load-tests/profiles/RESULTS.md, session of 2026-12-03, third).
 */

import type { TopicEvent } from '../dispatcher/types';
import type { SkipHandler } from '../protocol';
import { EventBatch } from './event-batch';

/**
 * One router's subscribers of a topic (router-index.ts), a link in the list its entry keeps in
 * router order. Members are typed by the router index that reads them.
 */
export interface ShardRecord {
  readonly router: number;
  told: unknown;
  bin: unknown;
  text: unknown;
  next: ShardRecord | undefined;
}

/**
 * One topic on this gateway. `routers`: bit i when router i has subscribers of it. `bin` and
 * `text`: live members per format; `quiet`: bit i when every subscriber router i has there is
 * live, so the gateway need not tell it the topic's batches (live-channels.ts).
 */
export class TopicEntry {
  routers = 0;
  bin = 0;
  text = 0;
  quiet = 0;
  /** The gateway's routing turn that last grouped events of the topic, and its batch then. */
  turn = 0;
  batch: EventBatch | undefined = undefined;
  /** Local subscribers counted (gateway-counts.ts). */
  n = 0;
  /** Routers with a watcher of the topic (a subscriber that asked for its count). */
  w = 0;
  /** What the count owner heard before this interval's changes, packed (count-report.ts). */
  heard = 0;
  /** Listed among the topics whose count changed this interval (until the flush). */
  listed = false;
  /** The routers' subscriber records, in router order (router-index.ts). */
  shards: ShardRecord | undefined = undefined;
  /** The topic's epoch as its subscribers here keep it (`TopicTable.epochOf`); '' until one. */
  epoch = '';

  /** The table's key: handed to subscribers to keep, so they share one string. */
  constructor(readonly topic: string) {}

  /** The topic has live members here (of either format). */
  get hasLive(): boolean {
    return this.bin + this.text > 0;
  }

  /** Nothing of any table is left in it: no router, live member, subscriber or count to report. */
  get empty(): boolean {
    return (
      this.routers === 0 &&
      this.bin + this.text === 0 &&
      this.shards === undefined &&
      this.n === 0 &&
      this.w === 0 &&
      !this.listed
    );
  }
}

export class TopicTable {
  /** Entries with anything in them: a topic's entry goes when it is `empty`. */
  private readonly entries = new Map<string, TopicEntry>();
  /** Turns grouped so far: an entry's `turn` says whether its `batch` is this turn's. */
  private turn = 0;

  /**
   * Groups one routing turn's events into one batch per topic and epoch, appended to `batches`
   * in order with each one's entry in `owners` at the same index: through the topics' entries,
   * the lookup routing needs anyway, and no Map per turn. Events of a topic without a router
   * or a live member here (nobody here wants them) are left out. The caller clears each
   * owner's `batch` once it has routed the batch, so nothing of a turn is kept past it.
   */
  group(
    events: readonly TopicEvent[],
    onSkip: SkipHandler | undefined,
    batches: EventBatch[],
    owners: TopicEntry[],
  ): void {
    const turn = ++this.turn;
    for (let i = 0; i < events.length; i++) {
      const ev = events[i]!;
      const entry = this.entries.get(ev.topic);
      // An entry kept only for its count report has nobody to route to either.
      if (entry === undefined || (entry.routers === 0 && !entry.hasLive)) continue;
      const open = entry.turn === turn ? entry.batch : undefined;
      if (open !== undefined && open.epoch === ev.epoch) {
        open.add(ev);
        continue;
      }
      // The topic's first event this turn, or a new epoch: its own batch, after the old one.
      // In the entry's epoch, the entry's string: subscribers told the batch keep it.
      const epoch = ev.epoch === entry.epoch ? entry.epoch : ev.epoch;
      const batch = new EventBatch(ev.topic, epoch, [ev], onSkip);
      entry.turn = turn;
      entry.batch = batch;
      batches.push(batch);
      owners.push(entry);
    }
  }

  /** `topic`'s entry, if anything is in it (read it, do not keep it). */
  get(topic: string): TopicEntry | undefined {
    return this.entries.get(topic);
  }

  /** `topic`'s entry, made if it has none. */
  entryFor(topic: string): TopicEntry {
    let e = this.entries.get(topic);
    if (e === undefined) this.entries.set(topic, (e = new TopicEntry(topic)));
    return e;
  }

  /**
   * `epoch` as `topic`'s entry keeps it, for a subscriber to keep instead of its own copy: each
   * history answer brings a fresh string of the topic's epoch, and at 100,000 connections one
   * per subscription was ~30 bytes a connection. A new epoch replaces the entry's. Without an
   * entry (the topic has nobody here) `epoch` itself.
   */
  epochOf(topic: string, epoch: string): string {
    const e = this.entries.get(topic);
    if (e === undefined) return epoch;
    if (e.epoch !== epoch) e.epoch = epoch;
    return e.epoch;
  }

  /** Drops `topic`'s entry once nothing is left in it. */
  forgetIfEmpty(topic: string, e: TopicEntry): void {
    if (e.empty) this.entries.delete(topic);
  }

  get size(): number {
    return this.entries.size;
  }

  /** Every entry, with its topic. */
  [Symbol.iterator](): IterableIterator<[string, TopicEntry]> {
    return this.entries[Symbol.iterator]();
  }
}
