/**
 * What this gateway knows per topic, in one entry: which topic routers have subscribers of it
 * (interest-table.ts), and, where the transport fans out natively, how many of those
 * subscribers are live members of its channels (live-channels.ts). The gateway reads both with
 * one Map lookup per event, which also groups the events of a routing turn into one batch per
 * topic (`batch`); the interest and live tables write their own fields.
 */

import type { TopicEvent } from '../dispatcher/types';
import type { SkipHandler } from '../protocol';
import { EventBatch } from './event-batch';

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

  /** The topic has live members here (of either format). */
  get hasLive(): boolean {
    return this.bin + this.text > 0;
  }
}

export class TopicTable {
  /** Entries with routers, live members, or both: a topic's entry goes when it has neither. */
  private readonly entries = new Map<string, TopicEntry>();
  /** Turns grouped so far: an entry's `turn` says whether its `batch` is this turn's. */
  private turn = 0;

  /**
   * Groups one routing turn's events into one batch per topic and epoch, appended to `batches`
   * in order with each one's entry in `owners` at the same index: through the topics' entries,
   * the lookup routing needs anyway, and no Map per turn. Events of a topic without an entry
   * (no router, no live member: nobody here wants them) are left out. The caller clears each
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
      if (entry === undefined) continue;
      const open = entry.turn === turn ? entry.batch : undefined;
      if (open !== undefined && open.epoch === ev.epoch) {
        open.add(ev);
        continue;
      }
      // The topic's first event this turn, or a new epoch: its own batch, after the old one.
      const batch = new EventBatch(ev.topic, ev.epoch, [ev], onSkip);
      entry.turn = turn;
      entry.batch = batch;
      batches.push(batch);
      owners.push(entry);
    }
  }

  /** `topic`'s entry, if it has routers or live members (read it, do not keep it). */
  get(topic: string): TopicEntry | undefined {
    return this.entries.get(topic);
  }

  /** `topic`'s entry, made if it has none. */
  entryFor(topic: string): TopicEntry {
    let e = this.entries.get(topic);
    if (e === undefined) this.entries.set(topic, (e = new TopicEntry()));
    return e;
  }

  /** Drops `topic`'s entry once nothing is left in it. */
  forgetIfEmpty(topic: string, e: TopicEntry): void {
    if (e.routers === 0 && !e.hasLive) this.entries.delete(topic);
  }

  /** Every entry, with its topic. */
  [Symbol.iterator](): IterableIterator<[string, TopicEntry]> {
    return this.entries[Symbol.iterator]();
  }
}
