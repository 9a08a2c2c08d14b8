/**
 * What the client sends, paced to the server's request budget (PROTOCOL.md §2 decided 200/s,
 * burst 400; a client over it gets `err` 429 and, 50 in a row, close 4029). A token bucket of
 * `ratePerSec` and `rateBurst` (full again on each new connection, as the server's is) lets
 * requests out; what it holds back waits in two queues, control first:
 *
 *   control   sub / unsub / refresh; made per connection, dropped when it ends (the client
 *             resubscribes from its table on the next one)
 *   publishes pub frames; kept across reconnects (never sent, so never ambiguous), bounded in
 *             count and bytes: past either, `TroupeLimitError`
 */
import type { Clock } from './clock';
import type { Frame } from './codec';
import { TroupeLimitError } from './errors';

export interface Queued {
  id: number;
  frame: Frame;
  bytes: number;
}

export interface OutboundLimits {
  ratePerSec: number;
  rateBurst: number;
  maxQueuedPublishes: number;
  maxQueuedBytes: number;
}

export class Outbound {
  #control: Queued[] = [];
  #pubs: Queued[] = [];
  #pubBytes = 0;
  #tokens: number;
  #tokensAt: number;
  #timer: unknown;

  readonly #clock: Clock;
  readonly #limits: OutboundLimits;
  readonly #write: (q: Queued) => boolean;

  constructor(
    clock: Clock,
    limits: OutboundLimits,
    /** Sends one frame; false when there is no connection to send it on. */
    write: (q: Queued) => boolean,
  ) {
    this.#clock = clock;
    this.#limits = limits;
    this.#write = write;
    this.#tokens = limits.rateBurst;
    this.#tokensAt = clock.now();
  }

  get queuedPublishes(): number {
    return this.#pubs.length;
  }

  get queuedBytes(): number {
    return this.#pubBytes;
  }

  sendControl(q: Queued): void {
    this.#control.push(q);
    this.pump();
  }

  /** Queues a publish; throws `TroupeLimitError` past the count or byte bound. */
  queuePublish(q: Queued): void {
    const { maxQueuedPublishes, maxQueuedBytes } = this.#limits;
    if (this.#pubs.length >= maxQueuedPublishes) {
      throw new TroupeLimitError('maxQueuedPublishes', maxQueuedPublishes);
    }
    if (this.#pubBytes + q.bytes > maxQueuedBytes) {
      throw new TroupeLimitError('maxQueuedBytes', maxQueuedBytes);
    }
    this.#pubs.push(q);
    this.#pubBytes += q.bytes;
    this.pump();
  }

  /** Takes a queued publish out (it timed out: it must not go out after the app was told so). */
  removePublish(id: number): void {
    const i = this.#pubs.findIndex((q) => q.id === id);
    if (i < 0) return;
    this.#pubBytes -= this.#pubs[i]!.bytes;
    this.#pubs.splice(i, 1);
  }

  /** A new connection: the server's budget is full again. */
  reset(): void {
    this.#tokens = this.#limits.rateBurst;
    this.#tokensAt = this.#clock.now();
  }

  /** The connection ended: control frames were for it. Returns them. */
  dropControl(): Queued[] {
    const dropped = this.#control;
    this.#control = [];
    return dropped;
  }

  /** Empties every queue (the client is closing); returns the publishes. */
  clear(): Queued[] {
    this.#control = [];
    const pubs = this.#pubs;
    this.#pubs = [];
    this.#pubBytes = 0;
    this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    return pubs;
  }

  /** Spends a token for a frame sent outside the queues (a ping); may go into debt. */
  spend(): void {
    this.#refill();
    this.#tokens -= 1;
  }

  pump(): void {
    this.#refill();
    while (this.#tokens >= 1) {
      const q = this.#control.length > 0 ? this.#control[0] : this.#pubs[0];
      if (q === undefined || !this.#write(q)) return;
      if (q === this.#control[0]) this.#control.shift();
      else {
        this.#pubs.shift();
        this.#pubBytes -= q.bytes;
      }
      this.#tokens -= 1;
    }
    if (this.#timer !== undefined || (this.#control.length === 0 && this.#pubs.length === 0))
      return;
    const wait = Math.ceil(((1 - this.#tokens) * 1000) / this.#limits.ratePerSec);
    this.#timer = this.#clock.setTimeout(() => {
      this.#timer = undefined;
      this.pump();
    }, wait);
  }

  #refill(): void {
    const now = this.#clock.now();
    const { rateBurst, ratePerSec } = this.#limits;
    this.#tokens = Math.min(rateBurst, this.#tokens + ((now - this.#tokensAt) * ratePerSec) / 1000);
    this.#tokensAt = now;
  }
}
