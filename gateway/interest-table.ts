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
 * A topic's routers are a bit mask (bit i: router i), so a topic costs one Map entry whatever
 * its routers: with a Set per topic, one subscription to a distinct topic cost ~150 bytes more.
 */
import type { DispatcherClient, InterestSource } from '../dispatcher/client';

/** Routers one table can tell apart: the bits of a small integer (V8 keeps it unboxed). */
export const MAX_ROUTERS = 31;

export class InterestTable implements InterestSource {
  private readonly routersByTopic = new Map<string, number>();

  constructor(private readonly dispatcher: DispatcherClient) {
    dispatcher.bindInterest?.(this);
  }

  add(topic: string, router: number): void {
    if (!Number.isInteger(router) || router < 0 || router >= MAX_ROUTERS) {
      throw new RangeError(`router index ${router} is outside 0..${MAX_ROUTERS - 1}`);
    }
    const mask = this.routersByTopic.get(topic);
    if (mask === undefined) this.dispatcher.setInterest(topic, true);
    this.routersByTopic.set(topic, (mask ?? 0) | (1 << router));
  }

  remove(topic: string, router: number): void {
    const mask = this.routersByTopic.get(topic);
    const bit = 1 << router;
    if (mask === undefined || (mask & bit) === 0) return;
    if (mask === bit) {
      this.routersByTopic.delete(topic);
      this.dispatcher.setInterest(topic, false);
    } else {
      this.routersByTopic.set(topic, mask & ~bit);
    }
  }

  /** The routers with subscribers of `topic`, bit i for router i (0: none). */
  routerMask(topic: string): number {
    return this.routersByTopic.get(topic) ?? 0;
  }

  get topics(): number {
    return this.routersByTopic.size;
  }

  /** Every topic of interest, for announcing the whole set when a dispatcher link comes up. */
  all(): IterableIterator<string> {
    return this.routersByTopic.keys();
  }
}
