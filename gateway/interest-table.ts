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
 */
import type { DispatcherClient, InterestSource } from '../dispatcher/types';

export class InterestTable implements InterestSource {
  private readonly routersByTopic = new Map<string, Set<number>>();

  constructor(private readonly dispatcher: DispatcherClient) {
    dispatcher.bindInterest?.(this);
  }

  add(topic: string, router: number): void {
    let set = this.routersByTopic.get(topic);
    if (set === undefined) {
      this.routersByTopic.set(topic, (set = new Set()));
      this.dispatcher.setInterest(topic, true);
    }
    set.add(router);
  }

  remove(topic: string, router: number): void {
    const set = this.routersByTopic.get(topic);
    if (set === undefined || !set.delete(router)) return;
    if (set.size === 0) {
      this.routersByTopic.delete(topic);
      this.dispatcher.setInterest(topic, false);
    }
  }

  routers(topic: string): ReadonlySet<number> | undefined {
    return this.routersByTopic.get(topic);
  }

  get topics(): number {
    return this.routersByTopic.size;
  }

  /** Every topic of interest, for announcing the whole set when a dispatcher link comes up. */
  all(): IterableIterator<string> {
    return this.routersByTopic.keys();
  }
}
