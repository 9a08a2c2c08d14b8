/**
 * What this gateway knows per topic, in one entry: which topic routers have subscribers of it
 * (interest-table.ts), and, where the transport fans out natively, how many of those
 * subscribers are live members of its channels (live-channels.ts). The gateway reads both with
 * one Map lookup per topic batch; the interest and live tables write their own fields.
 */

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
}

export class TopicTable {
  /** Entries with routers, live members, or both: a topic's entry goes when it has neither. */
  private readonly entries = new Map<string, TopicEntry>();

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
    if (e.routers === 0 && e.bin === 0 && e.text === 0) this.entries.delete(topic);
  }

  /** Every entry, with its topic. */
  [Symbol.iterator](): IterableIterator<[string, TopicEntry]> {
    return this.entries[Symbol.iterator]();
  }
}
