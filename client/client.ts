/**
 * The troupe client: one logical connection to a node (or to any of several, in turn) that
 * survives every drop, and the app's subscriptions over it.
 *
 * States (`state.ts`): connecting ──► connected ⇄ reconnecting ──► closed. Every public entry
 * point reads the state first; `close()` is idempotent and final.
 *
 * On each `hello` the client resubscribes every topic with `since` from the one position
 * table (`positions.ts`), then lets queued publishes out (`outbound.ts`, paced to the server's
 * request budget). Every event passes the table before the app sees it, so none arrives twice
 * or out of order; a resume that could not be served whole, or an event of a new epoch, is
 * told through `gap`. A drop is followed by a reconnect after full-jitter backoff (at least a
 * `bye`'s `retryMs`), to the next URL where several were given.
 *
 * App callbacks run in the read path but are never awaited: a callback that returns a promise
 * (however long it takes) or throws is reported through `error` and delivery goes on, so
 * pings and other topics never wait for the app.
 */
import type { Codec } from './codec';
import { codecFor, frameBytes } from './codec';
import { Connection } from './connection';
import { Emitter } from './emitter';
import { endpointUrl } from './endpoint';
import {
  TroupeClosedError,
  TroupeDisconnectedError,
  TroupeError,
  TroupeLimitError,
  TroupeRequestError,
  TroupeTimeoutError,
  TroupeUsageError,
} from './errors';
import type { ClientMsg, ServerMsg } from './messages';
import { Outbound, type Queued } from './outbound';
import { reconnectDelay, type Resolved } from './options';
import { PendingRequests } from './requests';
import { ClientState, StateMachine } from './state';
import type { GapInfo, PresenceChange, SubscribeOptions, Subscription } from './subscription-entry';
import { badTopic, Subscriptions } from './subscriptions';
import { TokenKeeper } from './token-keeper';
import { isValidTopic } from '../protocol/topic';

export interface ClientEvents extends Record<string, unknown> {
  state: ClientState;
  gap: GapInfo;
  error: Error;
}

const AUTH_FAILED = 4001;

export class TroupeClient {
  readonly #sm: StateMachine;
  readonly #events: Emitter<ClientEvents>;
  readonly #subs: Subscriptions;
  readonly #pending: PendingRequests;
  readonly #outbound: Outbound;
  readonly #tokens: TokenKeeper;
  readonly #codec: Codec;
  #conn: Connection | undefined;
  /** Bumped per connection attempt: an attempt still fetching its token when superseded stops. */
  #generation = 0;
  #attempt = 0;
  #urlIndex = 0;
  #retryTimer: unknown;
  #byeRetryMs = 0;
  /** When the current connection got its `hello` (0: not yet). */
  #upAt = 0;

  readonly #urls: readonly string[];
  readonly #r: Resolved;

  constructor(urls: readonly string[], r: Resolved) {
    this.#urls = urls;
    this.#r = r;
    const { clock, limits } = r;
    this.#codec = codecFor(r.protocol);
    this.#events = new Emitter((e) => this.#report(e, true));
    this.#sm = new StateMachine((s) => this.#events.emit('state', s));
    this.#pending = new PendingRequests(clock, limits.maxPending);
    this.#outbound = new Outbound(clock, limits, (q) => this.#write(q));
    this.#subs = new Subscriptions({
      clock,
      limits,
      pending: this.#pending,
      connected: () => this.#conn?.ready === true,
      control: (id, msg) => this.#control(id, msg),
      call: (fn, ...args) => this.#call(fn, ...args),
      gap: (info) => this.#events.emit('gap', info),
      report: (e) => this.#report(e),
    });
    this.#tokens = new TokenKeeper(clock, r, limits.refreshBeforeExpMs, {
      refresh: (token) => this.#refresh(token),
      error: (e) => this.#report(e),
    });
    void this.#open();
  }

  get state(): ClientState {
    return this.#sm.state;
  }

  on<K extends keyof ClientEvents>(event: K, fn: (value: ClientEvents[K]) => void): () => void {
    return this.#events.on(event, fn);
  }

  subscribe<T = unknown>(topic: string, o: SubscribeOptions<T> = {}): Subscription {
    if (this.#sm.closed) throw new TroupeClosedError();
    return this.#subs.subscribe(topic, o as SubscribeOptions);
  }

  /** Follows `member`'s presence (`presence:<member>`): `onChange` with the state from the ack, then on each change. */
  presence(member: string, onChange: (p: PresenceChange) => unknown): Subscription {
    if (this.#sm.closed) throw new TroupeClosedError();
    return this.#subs.presence(member, onChange);
  }

  /** Publishes `data` to `topic`; resolves with its `seq`. Queued (bounded) while reconnecting. */
  publish(topic: string, data: unknown): Promise<number> {
    if (this.#sm.closed) return Promise.reject(new TroupeClosedError());
    if (!isValidTopic(topic)) return Promise.reject(badTopic(topic));
    const { limits } = this.#r;
    return new Promise<number>((resolve, reject) => {
      let id = 0;
      const fail = (e: Error): void => {
        this.#outbound.removePublish(id);
        reject(e);
      };
      try {
        id = this.#pending.add('pub', limits.requestTimeoutMs, {
          ack: (m) =>
            typeof m.seq === 'number'
              ? resolve(m.seq)
              : fail(new TroupeError('pub: ack without seq')),
          fail,
        });
      } catch (e) {
        return reject(e as Error);
      }
      try {
        const frame = this.#encode({ op: 'pub', id, topic, data });
        const bytes = frameBytes(frame);
        if (bytes > limits.maxFrameBytes)
          throw new TroupeLimitError('maxFrameBytes', limits.maxFrameBytes);
        this.#outbound.queuePublish({ id, frame, bytes });
      } catch (e) {
        this.#pending.take(id);
        reject(e as Error);
      }
    });
  }

  /** Ends the client: pending calls reject with `TroupeClosedError`. Idempotent. */
  close(): void {
    this.#shutdown(new TroupeClosedError());
  }

  // ── connection lifecycle ────────────────────────────────────────────────────────────────

  async #open(): Promise<void> {
    const gen = ++this.#generation;
    this.#upAt = 0;
    let token: string | undefined;
    try {
      token = await this.#withTimeout(this.#tokens.current(), 'getToken');
    } catch (e) {
      if (gen !== this.#generation || this.#sm.closed) return;
      this.#report(e);
      return this.#retry();
    }
    if (gen !== this.#generation || this.#sm.closed) return;
    const r = this.#r;
    const url = endpointUrl(this.#urls[this.#urlIndex]!, r.transport, token, r.member);
    const conn: Connection = new Connection(r.transport, url, this.#codec, r.clock, r.limits, {
      hello: () => this.#onHello(conn, token),
      messages: (msgs) => this.#onMessages(conn, msgs),
      ping: () => this.#outbound.spend(),
      ended: (code, reason) => this.#onEnded(conn, code, reason),
      malformed: (n) => this.#report(new TroupeError(`${n} malformed message(s) from the server`)),
    });
    this.#conn = conn;
  }

  #onHello(conn: Connection, token: string | undefined): void {
    if (conn !== this.#conn) return;
    this.#upAt = this.#r.clock.now();
    this.#outbound.reset();
    this.#sm.to(ClientState.Connected);
    this.#tokens.watch(token);
    this.#subs.resubscribeAll();
    this.#outbound.pump();
  }

  #onEnded(conn: Connection, code: number, reason: string): void {
    if (conn !== this.#conn) return;
    this.#conn = undefined;
    this.#tokens.stop();
    for (const q of this.#outbound.dropControl()) this.#pending.take(q.id);
    for (const p of this.#pending.takeSent()) {
      // A sub or unsub is redone (or moot) on the next connection; a pub or refresh is ambiguous.
      if (p.op === 'pub' || p.op === 'refresh') p.fail(new TroupeDisconnectedError(p.op));
    }
    this.#subs.connectionEnded();
    if (this.#sm.closed) return;
    if (code === AUTH_FAILED && this.#r.getToken === undefined) {
      // A static token the server refused will be refused again.
      this.#report(new TroupeRequestError(401, `authentication failed: ${reason}`));
      return this.#shutdown(new TroupeClosedError(`authentication failed: ${reason}`));
    }
    if (this.#upAt > 0 && this.#r.clock.now() - this.#upAt >= this.#r.limits.backoffStableMs) {
      this.#attempt = 0;
    }
    this.#retry();
  }

  #retry(): void {
    if (this.#sm.closed) return;
    this.#sm.to(ClientState.Reconnecting);
    const delay = reconnectDelay(this.#r, this.#attempt++, this.#byeRetryMs);
    this.#byeRetryMs = 0;
    this.#urlIndex = (this.#urlIndex + 1) % this.#urls.length;
    this.#retryTimer = this.#r.clock.setTimeout(() => {
      this.#retryTimer = undefined;
      void this.#open();
    }, delay);
  }

  #shutdown(err: Error): void {
    if (!this.#sm.to(ClientState.Closed)) return;
    this.#generation++;
    this.#r.clock.clearTimeout(this.#retryTimer);
    this.#tokens.stop();
    this.#conn?.close();
    this.#conn = undefined;
    this.#outbound.clear();
    this.#pending.failAll(() => err);
    this.#subs.closeAll(err);
  }

  // ── inbound ─────────────────────────────────────────────────────────────────────────────

  #onMessages(conn: Connection, msgs: ServerMsg[]): void {
    for (const m of msgs) {
      // An app callback may have closed the client or the connection meanwhile.
      if (conn !== this.#conn) return;
      switch (m.op) {
        case 'ack':
          this.#pending.answer(m);
          break;
        case 'err':
          if (!this.#pending.answer(m)) this.#report(new TroupeRequestError(m.code, String(m.msg)));
          break;
        case 'ev':
          this.#subs.event(m.topic, m.epoch, m.seq, m.data);
          break;
        case 'count':
          this.#subs.count(m.topic, m.n);
          break;
        case 'presence':
          this.#subs.presenceChanged(m.topic, m.online, m.lastSeen ?? null);
          break;
        case 'bye':
          this.#byeRetryMs = Math.max(0, m.retryMs ?? 0);
          break;
      }
    }
  }

  // ── outbound ────────────────────────────────────────────────────────────────────────────

  #encode(msg: ClientMsg): Queued['frame'] {
    try {
      return this.#codec.encode(msg);
    } catch (e) {
      throw new TroupeUsageError(`cannot encode ${msg.op}: ${(e as Error).message}`);
    }
  }

  #control(id: number, msg: ClientMsg): void {
    const frame = this.#encode(msg);
    this.#outbound.sendControl({ id, frame, bytes: frameBytes(frame) });
  }

  #write(q: Queued): boolean {
    const conn = this.#conn;
    if (conn === undefined || !conn.send(q.frame)) return false;
    this.#pending.markSent(q.id);
    return true;
  }

  #refresh(token: string): Promise<number | undefined> {
    return new Promise((resolve, reject) => {
      if (this.#conn?.ready !== true) return reject(new TroupeDisconnectedError('refresh'));
      const id = this.#pending.add('refresh', this.#r.limits.requestTimeoutMs, {
        ack: (m) => resolve(typeof m.exp === 'number' ? m.exp * 1000 : undefined),
        fail: reject,
      });
      this.#control(id, { op: 'refresh', id, token });
    });
  }

  // ── helpers ─────────────────────────────────────────────────────────────────────────────

  #withTimeout<T>(p: Promise<T>, op: string): Promise<T> {
    const ms = this.#r.limits.requestTimeoutMs;
    return new Promise<T>((resolve, reject) => {
      const t = this.#r.clock.setTimeout(() => reject(new TroupeTimeoutError(op, ms)), ms);
      p.then(resolve, reject).finally(() => this.#r.clock.clearTimeout(t));
    });
  }

  /** Runs an app callback: never awaited, its throw or rejection reported. */
  #call<A extends unknown[]>(fn: ((...a: A) => unknown) | undefined, ...args: A): void {
    if (fn === undefined) return;
    try {
      const r = fn(...args);
      if (r instanceof Promise) r.catch((e: unknown) => this.#report(e));
    } catch (e) {
      this.#report(e);
    }
  }

  #report(e: unknown, fromListener = false): void {
    const err = e instanceof Error ? e : new TroupeError(String(e));
    if (!fromListener && this.#events.has('error')) this.#events.emit('error', err);
    else console.error('troupe client:', err);
  }
}
