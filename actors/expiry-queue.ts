/**
 * Items that each wait the same time, failed by one timer: since every item waits `ms`, the
 * insertion order of the Map is deadline order, and the timer waits for the oldest one's
 * deadline. A `setTimeout` per item is a Timeout object and a closure alive for as long as the
 * item waits; in a connect storm, where each `sub` waits for a reply from another process, they
 * outlive two scavenges and are promoted, garbage in the old generation (a gateway's history
 * requests and their deadlines: load-tests/profiles/RESULTS.md, session of 2026-12-03, third).
 *
 * An item expires between `ms` and `ms + slackMs` after it was added; one removed before then
 * never does. No timer runs while the queue is empty, so a queue keeps no process alive.
 */
import { clockMs } from './clock';

export class ExpiryQueue<T> {
  /** Each waiting item and the `clockMs()` of its deadline, oldest first. */
  private readonly items = new Map<T, number>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly ms: number,
    private readonly onExpire: (item: T) => void,
    private readonly slackMs = 50,
  ) {}

  get size(): number {
    return this.items.size;
  }

  /** Starts `item`'s wait (an item already waiting keeps its deadline). */
  add(item: T): void {
    if (this.items.has(item)) return;
    this.items.set(item, clockMs() + this.ms);
    this.timer ??= setTimeout(this.expire, this.ms + this.slackMs);
  }

  /** Ends `item`'s wait before its deadline; false when it was not waiting. */
  delete(item: T): boolean {
    if (!this.items.delete(item)) return false;
    if (this.items.size === 0 && this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    return true;
  }

  /** Every waiting item, oldest first (e.g. to fail those of a link that went down). */
  keys(): IterableIterator<T> {
    return this.items.keys();
  }

  private readonly expire = (): void => {
    this.timer = undefined;
    const now = clockMs();
    for (const [item, deadline] of this.items) {
      if (deadline > now) {
        this.timer = setTimeout(this.expire, deadline - now + this.slackMs);
        return;
      }
      this.items.delete(item);
      this.onExpire(item);
    }
  };
}
