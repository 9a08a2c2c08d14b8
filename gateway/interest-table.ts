/**
 * Which topic routers of this node have subscribers of which topic, and through that the
 * node's interest as the dispatchers see it: the first router to gain a topic registers the
 * node's interest, the last one to lose it withdraws it. Per node, never per connection.
 *
 * It is the node's one interest set: it binds itself to the dispatcher client, which reads it
 * whole (`all`) to announce it when a dispatcher link comes up.
 *
 * Routers call it from inside their own message handlers; JavaScript runs one handler at a
 * time, so the table needs no locking, and an interest registered by a router is sent before
 * any history request that router's connection makes next (same client, same order).
 *
 * A topic's routers are a bit mask (bit i: router i) in the topic's one entry of the gateway's
 * `TopicTable` (topic-table.ts), which also holds its live members: with a Set per topic, one
 * subscription to a distinct topic cost ~150 bytes more.
 */
import type { DispatcherClient, InterestSource } from '../dispatcher/client';
import { TopicTable } from './topic-table';

/** Routers one table can tell apart: the bits of a small integer (V8 keeps it unboxed). */
export const MAX_ROUTERS = 31;

export class InterestTable implements InterestSource {
  /** Topics with at least one router. */
  private withRouters = 0;

  constructor(
    private readonly dispatcher: DispatcherClient,
    /** The gateway's entries per topic (shared with its live table). */
    private readonly entries: TopicTable = new TopicTable(),
  ) {
    dispatcher.bindInterest?.(this);
  }

  add(topic: string, router: number): void {
    if (!Number.isInteger(router) || router < 0 || router >= MAX_ROUTERS) {
      throw new RangeError(`router index ${router} is outside 0..${MAX_ROUTERS - 1}`);
    }
    const e = this.entries.entryFor(topic);
    if (e.routers === 0) {
      this.withRouters++;
      this.dispatcher.setInterest(topic, true);
    }
    e.routers |= 1 << router;
  }

  remove(topic: string, router: number): void {
    const e = this.entries.get(topic);
    const bit = 1 << router;
    if (e === undefined || (e.routers & bit) === 0) return;
    e.routers &= ~bit;
    if (e.routers !== 0) return;
    this.withRouters--;
    this.entries.forgetIfEmpty(topic, e);
    this.dispatcher.setInterest(topic, false);
  }

  /** The routers with subscribers of `topic`, bit i for router i (0: none). */
  routerMask(topic: string): number {
    return this.entries.get(topic)?.routers ?? 0;
  }

  get topics(): number {
    return this.withRouters;
  }

  /** Every topic of interest, for announcing the whole set when a dispatcher link comes up. */
  *all(): IterableIterator<string> {
    for (const [topic, e] of this.entries) if (e.routers !== 0) yield topic;
  }
}
