/**
 * A gateway's viewer counts (PROTOCOL.md §8): how many local subscribers each topic has, what
 * of that the owners have not been told yet, and the way back for the cluster-wide totals.
 *
 *   router sub/unsub/gone ──change(topic, ±1)──► local counts ──flush (each interval)──► reportCounts
 *   router watchers ────────watch(topic, ±1)──►  watched          (only topics whose count or
 *                                                                  watch differs from what was
 *                                                                  last reported; 0 once)
 *
 * Each report says whether the topic is watched here (some connection asked for its count):
 * the owner sends a topic's totals only to the gateways that watch it.
 *   owner `counts` ──deliver──► routers with subscribers of the topic ──► watching connections
 *   `sub` with count / GET /v1/topics ──total(topic)──► owner's sum of the others + local count
 *
 * Every `refreshEvery` flushes the whole non-zero set is reported again, so an owner that took
 * a topic over without hearing of this gateway (a report lost in a change of ownership)
 * converges within one refresh. Link changes re-report at once (the dispatcher client reads
 * `counts()`, bound through `bindCounts`).
 *
 * Memory: one Map entry per topic with local subscribers (bounded by the subscriptions the
 * gateway admits), plus the topics changed within the current interval.
 */
import type { ActorRef } from '../actors';
import type { CountSource, DispatcherClient } from '../dispatcher/client';
import type { CountItem, ReportItem } from '../dispatcher/types';
import type { InterestTable } from './interest-table';
import type { RouterMsg } from './messages';

/** What connection actors and HTTP routes ask: the cluster-wide count of one topic. */
export interface CountQuery {
  total(topic: string): Promise<number>;
}

export class GatewayCounts implements CountSource, CountQuery {
  private readonly local = new Map<string, number>();
  /**
   * Topics changed since the last flush, with what the owner last heard: the count times 2,
   * plus 1 when it heard the topic is watched here.
   */
  private readonly dirty = new Map<string, number>();
  /** Routers with a watcher of the topic (a subscriber that asked for its count). */
  private readonly watched = new Map<string, number>();
  private flushes = 0;

  constructor(
    private readonly dispatcher: DispatcherClient,
    private readonly refreshEvery: number,
  ) {
    dispatcher.bindCounts?.(this);
  }

  /** Local subscribers of `topic` now. */
  of(topic: string): number {
    return this.local.get(topic) ?? 0;
  }

  get topics(): number {
    return this.local.size;
  }

  /** A router gained (`+1`) or lost (`-1`) a subscriber of `topic`. */
  change(topic: string, delta: number): void {
    const had = this.of(topic);
    this.touch(topic);
    const n = had + delta;
    if (n > 0) this.local.set(topic, n);
    else this.local.delete(topic);
  }

  /** A router gained (`+1`) its first or lost (`-1`) its last watcher of `topic`. */
  watch(topic: string, delta: number): void {
    this.touch(topic);
    const w = (this.watched.get(topic) ?? 0) + delta;
    if (w > 0) this.watched.set(topic, w);
    else this.watched.delete(topic);
  }

  /** 1 when some router here has a watcher of `topic`. */
  private flagOf(topic: string): 0 | 1 {
    return this.watched.has(topic) ? 1 : 0;
  }

  /** Keeps what the owner heard of `topic` before its first change this interval. */
  private touch(topic: string): void {
    if (!this.dirty.has(topic)) this.dirty.set(topic, this.of(topic) * 2 + this.flagOf(topic));
  }

  *counts(): IterableIterator<ReportItem> {
    for (const [topic, n] of this.local) yield [topic, n, this.flagOf(topic)];
  }

  /** One count interval passed: report what changed (everything on a refresh). */
  flush(): void {
    const refresh = ++this.flushes % this.refreshEvery === 0;
    const items: ReportItem[] = [];
    for (const [topic, heard] of this.dirty) {
      const n = this.of(topic);
      const w = this.flagOf(topic);
      // A topic at 0 is gone whatever its flag; otherwise a new count or a new flag is news.
      const changed = n !== Math.floor(heard / 2) || (n > 0 && w !== heard % 2);
      if (changed && (n === 0 || !refresh)) items.push([topic, n, w]);
    }
    this.dirty.clear();
    if (refresh) for (const item of this.counts()) items.push(item);
    if (items.length > 0) this.dispatcher.reportCounts(items);
  }

  /**
   * Every subscriber of `topic` in the cluster: the owner's sum of the others plus this node's
   * own count now, so it includes a subscriber whose report is still pending. The owner takes
   * the count it is sent as this node's report.
   */
  async total(topic: string): Promise<number> {
    const sent = this.of(topic);
    // The owner now holds `sent`, watched (a query is a watching report): the next flush
    // compares against that.
    if (sent > 0 || this.dirty.has(topic)) this.dirty.set(topic, sent * 2 + 1);
    const others = await this.dispatcher.countOthers(topic, sent);
    return others + this.of(topic);
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
