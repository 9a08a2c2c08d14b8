/**
 * A gateway's viewer counts (PROTOCOL.md §8): how many local subscribers each topic has, what
 * of that the owners have not been told yet, and the way back for the cluster-wide totals.
 *
 *   router sub/unsub/gone ──change(topic, ±1)──► local counts ──flush (each interval)──► reportCounts
 *   router watchers ────────watch(topic, ±1)──►  watched          (only topics whose count or
 *                                                                  watch differs from what was
 *                                                                  last reported; 0 once)
 *   owner `counts` ──deliver──► routers with subscribers of the topic ──► watching connections
 *   `sub` with count / GET /v1/topics ──total(topic)──► owner's sum of the others + local count
 *
 * Each report says whether the topic is watched here (some connection asked for its count):
 * the owner sends a topic's totals only to the gateways that watch it.
 *
 * Every `refreshEvery` flushes the whole non-zero set is reported again, so an owner that took
 * a topic over without hearing of this gateway (a report lost in a change of ownership)
 * converges within one refresh. Link changes re-report at once (the dispatcher client reads
 * `counts()`, bound through `bindCounts`).
 *
 * Memory: four fields of the topic's one gateway entry (topic-table.ts) per topic with local
 * subscribers (bounded by the subscriptions the gateway admits), plus a slot per topic changed
 * within an interval. An entry whose count changed stays until the flush that reports it.
 */
import type { ActorRef } from '../actors';
import type { CountSource, DispatcherClient } from '../dispatcher/client';
import { packReport, reportedCount, reportedWatched } from '../dispatcher/count-report';
import type { CountItem, ReportItem } from '../dispatcher/types';
import type { InterestTable } from './interest-table';
import type { RouterMsg } from './messages';
import { TopicTable, type TopicEntry } from './topic-table';

/** What connection actors and HTTP routes ask: the cluster-wide count of one topic. */
export interface CountQuery {
  total(topic: string): Promise<number>;
}

export class GatewayCounts implements CountSource, CountQuery {
  /** Entries with n > 0. */
  private positive = 0;
  /**
   * The topics changed this interval, each once, in `dirty[0..dirtyCount)`: an array kept from
   * one interval to the next. It was a Map emptied by every flush and grown again by rehashing,
   * table after table promoted by a connect storm: 70 B per connection of old-generation
   * garbage in a linkedin-node worker (load-tests/profiles/RESULTS.md, session of 2026-12-03,
   * second). Its slots are at most the topics changed in one interval.
   */
  private dirty: (string | undefined)[] = [];
  private dirtyCount = 0;
  private flushes = 0;

  constructor(
    private readonly dispatcher: DispatcherClient,
    private readonly refreshEvery: number,
    /** The gateway's entries per topic (its own table in unit tests). */
    private readonly local: TopicTable = new TopicTable(),
  ) {
    dispatcher.bindCounts?.(this);
  }

  /** Local subscribers of `topic` now. */
  of(topic: string): number {
    return this.local.get(topic)?.n ?? 0;
  }

  get topics(): number {
    return this.positive;
  }

  /** A router gained (`+1`) or lost (`-1`) a subscriber of `topic`. */
  change(topic: string, delta: number): void {
    const c = this.changing(topic);
    const before = c.n;
    c.n = Math.max(0, before + delta);
    if (before === 0 && c.n > 0) this.positive++;
    else if (before > 0 && c.n === 0) this.positive--;
  }

  /** A router gained (`+1`) its first or lost (`-1`) its last watcher of `topic`. */
  watch(topic: string, delta: number): void {
    const c = this.changing(topic);
    c.w = Math.max(0, c.w + delta);
  }

  *counts(): IterableIterator<ReportItem> {
    for (const [topic, c] of this.local) if (c.n > 0) yield [topic, c.n, flagOf(c)];
  }

  /** One count interval passed: report what changed (everything on a refresh). */
  flush(): void {
    const refresh = ++this.flushes % this.refreshEvery === 0;
    const items: ReportItem[] = [];
    const { dirty } = this;
    for (let i = 0; i < this.dirtyCount; i++) {
      const topic = dirty[i]!;
      dirty[i] = undefined;
      // Listed entries are kept until here (TopicEntry#empty).
      const c = this.local.get(topic)!;
      const { n, heard } = c;
      const w = flagOf(c);
      // A topic at 0 is gone whatever its flag; otherwise a new count or a new flag is news.
      const changed = n !== reportedCount(heard) || (n > 0 && (w === 1) !== reportedWatched(heard));
      if (changed && (n === 0 || !refresh)) items.push([topic, n, w]);
      c.listed = false;
      this.local.forgetIfEmpty(topic, c);
    }
    this.dirtyCount = 0;
    if (refresh) for (const item of this.counts()) items.push(item);
    if (items.length > 0) this.dispatcher.reportCounts(items);
  }

  /**
   * Every subscriber of `topic` in the cluster: the owner's sum of the others plus this node's
   * own count now, so it includes a subscriber whose report is still pending. The owner takes
   * the count it is sent as this node's report.
   */
  async total(topic: string): Promise<number> {
    const c = this.local.get(topic);
    const sent = c === undefined ? 0 : c.n;
    if (c !== undefined) {
      // The owner now holds `sent`, watched (a query is a watching report): the next flush
      // compares against that.
      this.changing(topic).heard = packReport(sent, true);
    }
    const others = await this.dispatcher.countOthers(topic, sent);
    return others + this.of(topic);
  }

  /** `topic`'s entry, listed as changed this interval with what the owner heard before. */
  private changing(topic: string): TopicEntry {
    const c = this.local.entryFor(topic);
    if (!c.listed) {
      c.listed = true;
      c.heard = packReport(c.n, c.w > 0);
      this.dirty[this.dirtyCount++] = topic;
    }
    return c;
  }

  /** Cluster-wide counts that changed: one message per router with subscribers of them. */
  deliver(
    items: readonly CountItem[],
    interest: InterestTable,
    routers: readonly ActorRef<RouterMsg>[],
  ): void {
    const perRouter: (CountItem[] | undefined)[] = [];
    for (const item of items) {
      const mask = interest.routerMask(item[0]);
      for (let i = 0; i < routers.length; i++) {
        if ((mask & (1 << i)) === 0) continue;
        (perRouter[i] ??= []).push(item);
      }
    }
    for (let i = 0; i < routers.length; i++) {
      const list = perRouter[i];
      if (list !== undefined) routers[i]!.tell({ type: 'counts', items: list });
    }
  }
}

/** 1 when some router here has a watcher of the topic. */
function flagOf(c: TopicEntry): 0 | 1 {
  return c.w > 0 ? 1 : 0;
}
