/**
 * The app's subscriptions, by topic, and their requests: `sub` on each connection (with
 * `since` from the one position table), its ack or err, retries, `unsub`, and every inbound
 * message of a topic (`ev`, `count`, `presence`) on its way to the app.
 *
 * A `sub` answered 429 or 5xx, timed out, or refused by a full request table is retried after
 * `resubscribeRetryMs`, doubling up to its cap; any other `err` (400, 401, 403, 413) ends the
 * subscription: its `ready` rejects and the error is reported.
 */
import { isValidTopic } from '../protocol/topic';
import type { Clock } from './clock';
import {
  TroupeClosedError,
  TroupeLimitError,
  TroupeRequestError,
  TroupeTimeoutError,
  TroupeUsageError,
} from './errors';
import type { ClientLimits } from './limits';
import type { AckMsg, ClientMsg } from './messages';
import { PositionTable, Verdict } from './positions';
import type { PendingRequests } from './requests';
import {
  newEntry,
  type Entry,
  type GapInfo,
  type PresenceChange,
  type SubscribeOptions,
  type Subscription,
} from './subscription-entry';

/** What the subscriptions need of the client that holds them. */
export interface SubscriptionHost {
  readonly clock: Clock;
  readonly limits: { [K in keyof typeof ClientLimits]: number };
  readonly pending: PendingRequests;
  /** The connection is up (past `hello`): requests may go out. */
  connected(): boolean;
  /** Queues a control request (sub, unsub) for the current connection. */
  control(id: number, msg: ClientMsg): void;
  /** Runs an app callback, never awaited, its throw or rejection reported. */
  call<A extends unknown[]>(fn: ((...a: A) => unknown) | undefined, ...args: A): void;
  gap(info: GapInfo): void;
  report(err: Error): void;
}

export function badTopic(topic: string): TroupeUsageError {
  return new TroupeUsageError(
    `bad topic ${JSON.stringify(topic)}: 1 to 200 of A-Z a-z 0-9 _ - . : / @`,
  );
}

export class Subscriptions {
  readonly #subs = new Map<string, Entry>();
  readonly #positions = new PositionTable();

  readonly #host: SubscriptionHost;

  constructor(host: SubscriptionHost) {
    this.#host = host;
  }

  subscribe(topic: string, o: SubscribeOptions): Subscription {
    this.#check(topic);
    if (o.since !== undefined) {
      const { epoch, seq } = o.since;
      if (typeof epoch !== 'string' || typeof seq !== 'number' || !(seq >= 0)) {
        throw new TroupeUsageError('since must be {epoch: string, seq: number >= 0}');
      }
      this.#positions.set(topic, o.since);
    }
    return this.#add(newEntry(topic, o, this.#host.limits.resubscribeRetryMs));
  }

  presence(member: string, onChange: (p: PresenceChange) => unknown): Subscription {
    const topic = `presence:${member}`;
    this.#check(topic);
    const retry = this.#host.limits.resubscribeRetryMs;
    return this.#add(newEntry(topic, {}, retry, { member, onChange }));
  }

  /** A connection is up: every topic is subscribed again, resuming where the app left off. */
  resubscribeAll(): void {
    for (const e of this.#subs.values()) this.#sendSub(e);
  }

  /** The connection ended: its requests are gone (the requests table dropped them). */
  connectionEnded(): void {
    for (const e of this.#subs.values()) {
      e.inflight = undefined;
      this.#clearRetry(e);
    }
  }

  /** The client closed: every subscription ends with `err`. */
  closeAll(err: Error): void {
    for (const e of this.#subs.values()) {
      this.#clearRetry(e);
      e.settle(err);
    }
    this.#subs.clear();
  }

  event(topic: string, epoch: string, seq: number, data: unknown): void {
    const e = this.#subs.get(topic);
    if (e === undefined || e.onPresence !== undefined) return;
    const from = this.#positions.get(topic);
    const verdict = this.#positions.accept(topic, epoch, seq);
    if (verdict === Verdict.Duplicate) return;
    if (verdict === Verdict.NewEpoch)
      this.#host.gap({ topic, reason: 'new-epoch', from, epoch, seq });
    this.#host.call(e.onEvent, { topic, seq, epoch, data });
  }

  count(topic: string, n: number): void {
    const e = this.#subs.get(topic);
    if (e !== undefined) this.#host.call(e.onCount, n, topic);
  }

  presenceChanged(topic: string, online: boolean, lastSeen: number | null): void {
    const e = this.#subs.get(topic);
    if (e !== undefined) this.#tellPresence(e, online, lastSeen);
  }

  #tellPresence(e: Entry, online: boolean, lastSeen: number | null): void {
    if (e.onPresence === undefined) return;
    const prev = e.lastPresence;
    if (prev !== undefined && prev.online === online && prev.lastSeen === lastSeen) return;
    const p = { member: e.member!, online, lastSeen };
    e.lastPresence = p;
    this.#host.call(e.onPresence, p);
  }

  #check(topic: string): void {
    if (!isValidTopic(topic)) throw badTopic(topic);
    if (this.#subs.has(topic)) throw new TroupeUsageError(`already subscribed to ${topic}`);
    const max = this.#host.limits.maxSubscriptions;
    if (this.#subs.size >= max) throw new TroupeLimitError('maxSubscriptions', max);
  }

  #add(e: Entry): Subscription {
    this.#subs.set(e.topic, e);
    this.#sendSub(e);
    return { topic: e.topic, ready: e.ready, unsubscribe: () => this.#unsubscribe(e) };
  }

  #sendSub(e: Entry): void {
    const host = this.#host;
    if (!host.connected() || e.inflight !== undefined) return;
    const since = e.onPresence !== undefined ? undefined : this.#positions.get(e.topic);
    let id: number;
    try {
      id = host.pending.add('sub', host.limits.requestTimeoutMs, {
        ack: (m) => this.#onAck(e, m, since !== undefined),
        fail: (err) => this.#onFail(e, err),
      });
    } catch (err) {
      return this.#onFail(e, err as Error);
    }
    e.inflight = id;
    const msg: ClientMsg = { op: 'sub', id, topic: e.topic };
    if (since !== undefined) msg.since = since;
    if (e.count) msg.count = true;
    host.control(id, msg);
  }

  #onAck(e: Entry, m: AckMsg, sentSince: boolean): void {
    if (this.#subs.get(e.topic) !== e) return;
    e.inflight = undefined;
    e.retryMs = this.#host.limits.resubscribeRetryMs;
    const { topic } = e;
    const epoch = typeof m.epoch === 'string' ? m.epoch : '';
    const seq = typeof m.seq === 'number' ? m.seq : 0;
    const recovered = m.recovered === true;
    if (e.onPresence !== undefined) {
      const lastSeen = typeof m.lastSeen === 'number' ? m.lastSeen : null;
      this.#tellPresence(e, m.online === true, lastSeen);
    } else if (typeof m.epoch === 'string' && typeof m.seq === 'number') {
      const out = this.#positions.ack(topic, epoch, seq, recovered, sentSince);
      if (out.gap) this.#host.gap({ topic, reason: 'not-recovered', from: out.from, epoch, seq });
    }
    const count = typeof m.count === 'number' ? m.count : undefined;
    if (count !== undefined) this.#host.call(e.onCount, count, topic);
    e.settle(count === undefined ? { epoch, seq, recovered } : { epoch, seq, recovered, count });
  }

  #onFail(e: Entry, err: Error): void {
    if (this.#subs.get(e.topic) !== e) return;
    e.inflight = undefined;
    const transient =
      err instanceof TroupeTimeoutError ||
      err instanceof TroupeLimitError ||
      (err instanceof TroupeRequestError && (err.code === 429 || err.code >= 500));
    if (!transient) {
      this.#drop(e);
      e.settle(err);
      return this.#host.report(err);
    }
    this.#clearRetry(e);
    const wait = e.retryMs;
    e.retryMs = Math.min(wait * 2, this.#host.limits.resubscribeRetryMaxMs);
    e.retryTimer = this.#host.clock.setTimeout(() => {
      e.retryTimer = undefined;
      this.#sendSub(e);
    }, wait);
  }

  #unsubscribe(e: Entry): void {
    if (this.#subs.get(e.topic) !== e) return;
    const host = this.#host;
    this.#drop(e);
    e.settle(new TroupeClosedError('unsubscribed'));
    if (!host.connected()) return;
    try {
      const id = host.pending.add('unsub', host.limits.requestTimeoutMs, {
        ack: () => undefined,
        fail: () => undefined,
      });
      host.control(id, { op: 'unsub', id, topic: e.topic });
    } catch {
      // Requests table full: the topic's events keep coming until the next connection and
      // are dropped here (no entry), which is what unsubscribing promised.
    }
  }

  #drop(e: Entry): void {
    this.#subs.delete(e.topic);
    this.#positions.delete(e.topic);
    this.#clearRetry(e);
    if (e.inflight !== undefined) this.#host.pending.take(e.inflight);
    e.inflight = undefined;
  }

  #clearRetry(e: Entry): void {
    this.#host.clock.clearTimeout(e.retryTimer);
    e.retryTimer = undefined;
  }
}
