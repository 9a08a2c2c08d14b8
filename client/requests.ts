/**
 * Requests waiting for their `ack` or `err`, by id. Bounded in count (`maxPending`); each has
 * its own timeout. The table outlives connections: a request queued while disconnected keeps
 * its id and its deadline until it is sent and answered, or settled by the client.
 */
import type { Clock } from './clock';
import { TroupeLimitError, TroupeRequestError, TroupeTimeoutError } from './errors';
import type { AckMsg } from './messages';

export interface RequestCallbacks {
  ack(msg: AckMsg): void;
  fail(err: Error): void;
}

interface Pending extends RequestCallbacks {
  op: string;
  timer: unknown;
  /** Sent on the current connection (a drop settles it); false while queued. */
  sent: boolean;
}

export class PendingRequests {
  readonly #table = new Map<number, Pending>();
  #nextId = 1;

  readonly #clock: Clock;
  readonly #max: number;

  constructor(clock: Clock, max: number) {
    this.#clock = clock;
    this.#max = max;
  }

  get size(): number {
    return this.#table.size;
  }

  /** Registers a request; throws `TroupeLimitError` when `max` are pending. */
  add(op: string, timeoutMs: number, cb: RequestCallbacks): number {
    if (this.#table.size >= this.#max) throw new TroupeLimitError('maxPending', this.#max);
    const id = this.#nextId++;
    const timer = this.#clock.setTimeout(() => {
      if (this.#table.delete(id)) cb.fail(new TroupeTimeoutError(op, timeoutMs));
    }, timeoutMs);
    this.#table.set(id, { op, timer, sent: false, ...cb });
    return id;
  }

  markSent(id: number): void {
    const p = this.#table.get(id);
    if (p !== undefined) p.sent = true;
  }

  /** Settles the request `msg` answers; false when none waits for its id (late, or unknown). */
  answer(msg: AckMsg | { op: 'err'; id?: number; code: number; msg: string }): boolean {
    if (msg.id === undefined) return false;
    const p = this.take(msg.id);
    if (p === undefined) return false;
    if (msg.op === 'ack') p.ack(msg);
    else p.fail(new TroupeRequestError(msg.code, `${p.op}: ${String(msg.msg)}`));
    return true;
  }

  /** Removes a request without settling it (the caller settles or drops it). */
  take(id: number): Pending | undefined {
    const p = this.#table.get(id);
    if (p === undefined) return undefined;
    this.#table.delete(id);
    this.#clock.clearTimeout(p.timer);
    return p;
  }

  /** Takes every request that was sent on the connection that just ended. */
  takeSent(): Array<Pending & { id: number }> {
    const out: Array<Pending & { id: number }> = [];
    for (const [id, p] of this.#table) if (p.sent) out.push({ ...p, id });
    for (const p of out) this.take(p.id);
    return out;
  }

  /** Fails every request (the client is closing). */
  failAll(err: () => Error): void {
    for (const id of [...this.#table.keys()]) this.take(id)?.fail(err());
  }
}
