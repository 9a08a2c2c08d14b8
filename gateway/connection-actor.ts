/**
 * The connection actor: owns one client WebSocket and all of its state.
 *
 *   open ──(preStart: hello, unless the transport wrote it)──► open ──(close / bye / error)──► closing ──(transport closed)──► stopped
 *
 * Everything that changes the connection's state arrives as a message: client frames, event
 * batches from its topic router, the transport's close, heartbeat ticks and drain. The state
 * (`open`, `closing`, `closed`) is checked first at every entry, so a late frame or batch for a
 * closing connection is a no-op and close is idempotent.
 *
 * The requests are answered by functions this actor calls with what they need, each in a file
 * of its own: `sub`/`unsub` (conn-subscribe.ts), `pub` (conn-publish.ts), identity: `auth`, its
 * deadline, expiry, `refresh` (conn-identity.ts), and joining live channels (conn-live.ts). They
 * reach the actor through the small interfaces it implements (conn-env.ts), and change its state
 * only through its methods; event delivery, framing and the lifecycle stay here.
 *
 * Order per topic: a `sub` registers with the router before it reads the topic's history, and
 * this handler awaits it, so every batch that arrives meanwhile waits in the mailbox; the
 * subscription's last seq then filters out what the replay already covered (`onEvents`).
 */
import { Limits } from '../server/limits';
import { clockMs, nowMs, type ActorContext, type Behavior } from '../actors';
import {
  decodeClientFrame,
  Disconnect,
  encodeEvents,
  ErrorCode,
  type Codec,
  type DisconnectReason,
  type ServerMessage,
} from '../protocol';
import type { Identity } from '../auth';
import type { TopicEvent } from '../dispatcher/types';
import type { TransportConnection } from './transport';
import type { EventBatch } from './event-batch';
import { bump, recordLatency } from './gateway-stats';
import type { ConnMsg } from './messages';
import { byeOf, peerCloseLabel, requestId } from './close-reason';
import { admit, fullBucket, refill, struckOut, type RateBucket } from './rate-limit';
import { LIVE, Subscriptions } from './subscriptions';
import type { ConnectionEnv } from './conn-env';
import {
  authDeadline,
  authenticate,
  awaitingAuth,
  presenceOf,
  refresh,
  startIdentity,
  watchExpiry,
  type IdentityHost,
} from './conn-identity';
import { joinLive, leaveLive, mayGoLive } from './conn-live';
import { publish } from './conn-publish';
import { subscribe, unsubscribe, type SubscribeHost } from './conn-subscribe';

export type { ConnectionEnv, ConnectionLimits } from './conn-env';

const State = { Open: 0, Closing: 1, Closed: 2 } as const;
type State = (typeof State)[keyof typeof State];
const STATE_BITS = 3;
/** In `bits`: this actor has replies waiting in `outboxes`. */
const OUTBOX = 4;
const STRIKES_SHIFT = 3;
/** Above Limits.rateStrikes (checked in its test), so a client is struck out before this. */
export const STRIKES_MAX = 255;
/** In `bits` until preStart: the transport wrote the hello at the socket's open already. */
const GREETED = 1 << 11;
const JOINABLE_SHIFT = 12;

const { replayChunk: REPLAY_CHUNK, stoppedRetryMs: STOPPED_RETRY_MS } = Limits;
export const MAX_HELD = Limits.maxHeldBatches;

/** Batches that will not be written here still count as handled by this connection. */
function discard(batches: readonly EventBatch[]): void {
  for (let i = 0; i < batches.length; i++) batches[i]!.delivered();
}

/** The name a topic router gives a connection's actor: this prefix and the connection id. */
export const CONN_ACTOR_PREFIX = 'conn-';

/**
 * Replies not yet written, of the actors that have some: replies are written at the end of
 * the request that made them (or go with the closing actor), so this holds a few entries
 * where a field would cost 8 bytes in every connection. The OUTBOX bit says whether to look;
 * weak, so an actor that closed with replies unwritten takes them along.
 */
const outboxes = new WeakMap<ConnectionActor, ServerMessage[]>();

/**
 * The greeting every connection gets first (PROTOCOL.md §1). A WebSocket's is written by the
 * gateway in the transport's open callback, where it leaves in the same write as the upgrade's
 * answer (one write per connection fewer, load-tests/profiles/RESULTS.md, 2026-12-03); an SSE
 * stream's by its actor's preStart.
 */
export function helloMessage(conn: string, node: string, heartbeatMs: number): ServerMessage {
  return { op: 'hello', v: 1, conn, node, hb: heartbeatMs };
}

/** The connection id, read off the actor's name rather than kept as a second string. */
function connIdOf(ctx: ActorContext<ConnMsg>): string {
  const { name } = ctx.self;
  return name.startsWith(CONN_ACTOR_PREFIX) ? name.slice(CONN_ACTOR_PREFIX.length) : name;
}

/**
 * A class, not a closure per handler: a node holds 100k of these, and prototype methods cost
 * nothing per instance where a dozen closures and their context cost about 1 KB. Its public
 * `open`, `reply`, `flush`, `err`, `close`, `adopt` and `sendEvents` are for the functions it
 * calls (`IdentityHost`, `SubscribeHost`), which reach its state through nothing else.
 *
 * It is its own `Subscriptions` (as an ActorCell is its own context): one object instead of
 * two saves a header and a pointer, 32 bytes per connection; `subs` names that side of it.
 */
export class ConnectionActor
  extends Subscriptions
  implements Behavior<ConnMsg>, RateBucket, IdentityHost, SubscribeHost
{
  /**
   * The state (low two bits), OUTBOX, the rate limit's strikes (from STRIKES_SHIFT) and
   * `joinable` (from JOINABLE_SHIFT): one small integer, not four fields.
   */
  private bits: number = State.Open;
  /** ms on `clockMs()`: a small integer, stored unboxed (a Date.now() double is a heap number). */
  private lastSeen = clockMs();
  /** The request budget (rate-limit.ts), in fields of its own: refilled up to `lastSeen`. */
  milliTokens: number;
  /** Batches of queued `events` messages, written together with the last of the run. */
  private held: EventBatch[] | undefined;

  constructor(
    private readonly env: ConnectionEnv,
    private readonly conn: TransportConnection,
    private readonly codec: Codec,
    /** What the client's token grants (JWT auth); undefined otherwise. The token is not kept. */
    private identity: Identity | undefined = undefined,
    /** The transport wrote the hello already (`helloMessage`): preStart does not. */
    greeted = false,
  ) {
    super();
    if (greeted) this.bits |= GREETED;
    this.milliTokens = fullBucket(env.limits);
  }

  private get subs(): Subscriptions {
    return this;
  }

  private get state(): State {
    return (this.bits & STATE_BITS) as State;
  }
  private set state(s: State) {
    this.bits = (this.bits & ~STATE_BITS) | s;
  }

  /** Requests refused in a row (RateBucket); counted up to STRIKES_MAX, past rateStrikes. */
  get strikes(): number {
    return (this.bits >>> STRIKES_SHIFT) & STRIKES_MAX;
  }
  set strikes(n: number) {
    const low = this.bits & ~(STRIKES_MAX << STRIKES_SHIFT);
    this.bits = low | (Math.min(n, STRIKES_MAX) << STRIKES_SHIFT);
  }

  /** Subscriptions caught up and waiting for an empty mailbox to go live (conn-live.ts). */
  private get joinable(): number {
    return this.bits >>> JOINABLE_SHIFT;
  }
  private set joinable(n: number) {
    this.bits = (n << JOINABLE_SHIFT) | (this.bits & ((1 << JOINABLE_SHIFT) - 1));
  }

  preStart(ctx: ActorContext<ConnMsg>): void {
    const { env } = this;
    env.stats.connections++;
    if ((this.bits & GREETED) !== 0) this.bits &= ~GREETED;
    else {
      this.reply(helloMessage(connIdOf(ctx), env.node, env.limits.heartbeatMs));
      this.flush();
    }
    startIdentity(this, env, this.identity, ctx);
  }

  receive(msg: ConnMsg, ctx: ActorContext<ConnMsg>): void | Promise<void> {
    const done = this.handle(msg, ctx);
    if (this.joinable !== 0 && done === undefined && ctx.queued === 0) this.goLive(ctx);
    return done;
  }

  private handle(msg: ConnMsg, ctx: ActorContext<ConnMsg>): void | Promise<void> {
    if (this.held !== undefined && msg.type !== 'event') this.writeHeld(this.held);
    switch (msg.type) {
      case 'event': {
        if (this.state !== State.Open) return void msg.batch.delivered();
        // More batches already queued: hold this one and write the whole run in one corked
        // write (at most MAX_HELD, so a mailbox that refills as fast as it drains still writes).
        let held = this.held;
        if (held === undefined && ctx.queued === 0) return this.onEvents(msg.batch);
        held ??= this.held = [];
        held.push(msg.batch);
        if (ctx.queued === 0 || held.length >= MAX_HELD) this.writeHeld(held);
        return;
      }
      case 'frame':
        if (this.state !== State.Open) return;
        return this.onFrame(msg.data, ctx);
      case 'count':
        // A count queued before an `unsub` was handled is not this client's any more.
        if (this.state !== State.Open || !this.subs.has(msg.frame.topic)) return;
        this.flush();
        this.write(msg.frame.frame(this.codec));
        return;
      case 'tick': {
        // A client that never sends (SSE) is kept alive by a write each tick, through the
        // outbound bound: one that stopped reading is closed as a slow consumer, never as idle.
        const { keepAlive } = this.codec;
        if (this.state === State.Open && keepAlive !== undefined) this.write(keepAlive);
        else if (
          this.state === State.Open &&
          msg.now - this.lastSeen > this.env.limits.idleTimeoutMs
        ) {
          this.close(Disconnect.IdleTimeout);
        }
        if (this.identity !== undefined) this.watchExpiry(ctx);
        return;
      }
      case 'expire':
        return this.watchExpiry(ctx);
      case 'try-live':
        return; // receive() goes live once the mailbox is empty
      case 'auth-deadline':
        return authDeadline(this, this.env, this.identity);
      case 'drain':
        if (this.state !== State.Open) return;
        this.reply(byeOf(Disconnect.Shutdown, msg.retryMs));
        return this.close(Disconnect.Shutdown);
      case 'closed': {
        const { stats } = this.env;
        if (msg.code === Disconnect.TooLarge.code) bump(stats.badInput, 'too_large');
        if (msg.code === Disconnect.InvalidPayload.code) bump(stats.badInput, 'invalid_utf8');
        if (this.state === State.Open) {
          // The transport closed a socket fed by native fan-out that stopped reading.
          if (msg.code === Disconnect.SlowConsumer.code) bump(stats.drops, 'slow_consumer');
          bump(stats.disconnects, peerCloseLabel(msg.code));
        }
        this.state = State.Closed;
        ctx.stop();
        return;
      }
    }
  }

  onOverflow(): void {
    // The mailbox is over its bound: this client cannot keep up with its topics.
    bump(this.env.stats.drops, 'mailbox_overflow');
    this.close(Disconnect.SlowConsumer);
  }

  postStop(ctx: ActorContext<ConnMsg>): void {
    if (this.held !== undefined) {
      discard(this.held);
      this.held = undefined;
    }
    const { stats, router } = this.env;
    const { subs } = this;
    stats.connections--;
    stats.subscriptions -= subs.size;
    presenceOf(this.env, this.identity, 'leave');
    if (subs.size > 0) router.tell({ type: 'gone', conn: ctx.self, topics: subs.topics() });
    subs.clear();
    if (this.state === State.Open) {
      // Stopped from outside (operator or supervisor): tell the client to come back.
      this.reply(byeOf(Disconnect.Stopped, STOPPED_RETRY_MS));
      this.close(Disconnect.Stopped);
    }
    this.state = State.Closed;
  }

  inspect(ctx: ActorContext<ConnMsg>): Record<string, unknown> {
    return {
      conn: connIdOf(ctx),
      remote: this.conn.remoteAddress,
      subprotocol: this.codec.subprotocol,
      ...(this.identity && { member: this.identity.member, expMs: this.identity.expMs }),
      state: ['open', 'closing', 'closed'][this.state],
      subscriptions: this.subs.toObject(),
      bufferedBytes: this.state === State.Open ? this.conn.bufferedAmount() : 0,
      heldBatches: this.held?.length ?? 0,
      idleMs: clockMs() - this.lastSeen,
    };
  }

  /** Neither closing nor closed (ConnHost). */
  get open(): boolean {
    return this.state === State.Open;
  }

  /** Writes the held batches (corked) or, once the connection is closing, discards them. */
  private writeHeld(held: EventBatch[]): void {
    this.held = undefined;
    if (this.state !== State.Open) discard(held);
    else this.conn.cork(() => this.onBatches(held));
  }

  reply(msg: ServerMessage): void {
    if ((this.bits & OUTBOX) !== 0) outboxes.get(this)!.push(msg);
    else {
      outboxes.set(this, [msg]);
      this.bits |= OUTBOX;
    }
  }

  flush(): void {
    if ((this.bits & OUTBOX) === 0 || this.state !== State.Open) return;
    const msgs = outboxes.get(this)!;
    outboxes.delete(this);
    this.bits &= ~OUTBOX;
    this.write(this.codec.encode(msgs.length === 1 ? msgs[0]! : msgs));
  }

  /**
   * A client is a slow consumer when what was written before has not drained below the bound
   * by the time the next frame comes: one large batch alone never closes a reader that keeps up.
   */
  private write(frame: Uint8Array | string): boolean {
    if (this.state !== State.Open) return false;
    const { conn, env } = this;
    if (
      conn.bufferedAmount() > env.limits.outboundLimit ||
      conn.send(frame, this.codec.binary) === 'dropped'
    ) {
      bump(env.stats.drops, 'slow_consumer');
      this.close(Disconnect.SlowConsumer);
      return false;
    }
    env.stats.framesOut++;
    return true;
  }

  close(why: DisconnectReason): void {
    if (this.state !== State.Open) return;
    this.flush();
    this.state = State.Closing;
    bump(this.env.stats.disconnects, why.label);
    this.conn.close(why.code, why.reason);
  }

  err(id: number | undefined, code: number, msg: string): void {
    this.reply(
      id === undefined
        ? ({ op: 'err', code, msg } as ServerMessage)
        : ({ op: 'err', id, code, msg } as ServerMessage),
    );
  }

  /** Writes a replay in REPLAY_CHUNK frames, after its ack (SubscribeHost). */
  sendEvents(topic: string, epoch: string, events: readonly TopicEvent[]): void {
    for (let i = 0; i < events.length; i += REPLAY_CHUNK) {
      const chunk = events.slice(i, i + REPLAY_CHUNK);
      const frame = encodeEvents(this.codec, topic, epoch, chunk, this.env.onSkip);
      if (frame === undefined) continue;
      if (!this.write(frame)) return;
      this.env.stats.deliveries += chunk.length;
    }
  }

  private async onFrame(data: Uint8Array | string, ctx: ActorContext<ConnMsg>): Promise<void> {
    const { env } = this;
    const { stats, limits } = env;
    const now = clockMs();
    refill(this, now - this.lastSeen, limits);
    this.lastSeen = now;
    const decoded = decodeClientFrame(this.codec, data);
    if (!decoded.ok) {
      bump(stats.badInput, 'undecodable');
      return this.close(Disconnect.Undecodable);
    }
    for (const item of decoded.items) {
      if (this.state !== State.Open) return;
      if (!admit(this)) {
        bump(stats.badInput, 'rate_limited');
        if (struckOut(this, limits)) return this.close(Disconnect.RateLimited);
        this.err(item.ok ? requestId(item.msg) : item.id, ErrorCode.RateLimited, 'rate limited');
        continue;
      }
      if (!item.ok) {
        bump(stats.badInput, 'invalid');
        this.err(item.id, item.code, item.msg);
        continue;
      }
      const m = item.msg;
      if (awaitingAuth(this.identity, env)) {
        if (m.op === 'auth') {
          await authenticate(this, env, m, this.conn.remoteAddress, ctx);
        } else {
          this.err(requestId(m), ErrorCode.Unauthorized, 'authenticate first with auth');
        }
        continue;
      }
      switch (m.op) {
        case 'ping':
          this.reply(m.id === undefined ? { op: 'pong' } : { op: 'pong', id: m.id });
          break;
        case 'sub':
          if (await subscribe(this, env, this.subs, this.identity, m, ctx.self)) {
            if (mayGoLive(env, this.conn)) this.joinable++;
          }
          break;
        case 'unsub':
          leaveLive(env, this.conn, this.codec.binary, this.subs, m.topic);
          unsubscribe(this, env, this.subs, m, ctx.self);
          break;
        case 'pub':
          await publish(this, env, this.identity, m);
          break;
        case 'refresh':
          await refresh(this, env, this.identity, m, this.conn.remoteAddress, ctx);
          break;
        case 'auth':
          this.err(m.id, ErrorCode.BadRequest, 'auth is only the first message of a connection');
          break;
      }
    }
    this.flush();
    if (this.joinable !== 0 && ctx.queued === 0) this.goLive(ctx);
  }

  /** Joins live channels once the mailbox is empty (conn-live.ts); only while open. */
  private goLive(ctx: ActorContext<ConnMsg>): void {
    const { env, conn, subs, codec } = this;
    this.joinable =
      this.state === State.Open
        ? joinLive(env, this.joinable, conn, subs, codec.binary, ctx.self)
        : 0;
  }

  /** A token's `exp` may have come (conn-identity.ts). */
  private watchExpiry(ctx: ActorContext<ConnMsg>): void {
    watchExpiry(this, this.identity, this.env.limits.heartbeatMs, ctx);
  }

  /** The one change of this connection's identity (IdentityHost): `auth` or `refresh`. */
  adopt(identity: Identity): void {
    this.identity = identity;
  }

  private onBatches(batches: readonly EventBatch[]): void {
    for (let i = 0; i < batches.length; i++) this.onEvents(batches[i]!);
  }

  private onEvents(batch: EventBatch): void {
    const pos = this.subs.get(batch.topic);
    const { codec } = this;
    let frame: Uint8Array | string | undefined;
    let count = batch.events.length;
    // Not subscribed (any more), or live: the channel carried this batch.
    if (pos === undefined || pos.seq === LIVE) {
      frame = undefined;
    } else if (pos.epoch !== batch.epoch) {
      frame = batch.frame(codec);
    } else if (batch.firstSeq > pos.seq) {
      frame = batch.frame(codec);
    } else if (batch.lastSeq > pos.seq) {
      count = batch.lastSeq - pos.seq;
      frame = batch.frameAfter(codec, pos.seq);
    }
    if (frame !== undefined && pos !== undefined) {
      pos.epoch = batch.epoch;
      pos.seq = batch.lastSeq;
      this.flush();
      if (this.write(frame)) this.env.stats.deliveries += count;
    }
    if (batch.delivered()) recordLatency(this.env.stats, nowMs() - batch.events[0]!.t0);
  }
}
