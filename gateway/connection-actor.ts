/**
 * The connection actor: owns one client WebSocket and all of its state.
 *
 *   open ──(preStart: hello)──► open ──(close / bye / error)──► closing ──(transport closed)──► stopped
 *
 * Everything that changes the connection's state arrives as a message: client frames, event
 * batches from its topic router, the transport's close, heartbeat ticks and drain. The state
 * (`open`, `closing`, `closed`) is checked first at every entry, so a late frame or batch for a
 * closing connection is a no-op and close is idempotent.
 *
 * Order per topic: a `sub` registers with the router before it reads the topic's history, and
 * the handler is async, so every batch that arrives meanwhile waits in the mailbox; the
 * subscription's last seq then filters out what the replay already covered.
 */
import { ask, type ActorContext, type ActorRef, type Behavior } from '../actors';
import {
  decodeClientFrame,
  Disconnect,
  encodeEvents,
  ErrorCode,
  type ClientMessage,
  type Codec,
  type ServerMessage,
} from '../protocol';
import type { DispatcherClient, TopicEvent } from '../dispatcher/types';
import type { TransportConnection } from './transport';
import type { EventBatch } from './event-batch';
import { bump, recordLatency, type GatewayStats } from './gateway-stats';
import type { RouterMsg } from './router-messages';
import { nowMs } from '../dispatcher/types';

export type ConnMsg =
  | { type: 'frame'; data: Uint8Array | string }
  | { type: 'events'; batch: EventBatch }
  | { type: 'closed'; code: number }
  | { type: 'tick'; now: number }
  | { type: 'drain'; retryMs: number };

export interface ConnectionLimits {
  readonly heartbeatMs: number;
  readonly idleTimeoutMs: number;
  /** Bytes buffered towards the client before it is a slow consumer (close 4008). */
  readonly outboundLimit: number;
  readonly maxSubscriptions: number;
  /** Client requests per second (token bucket) and the burst allowed above it. */
  readonly ratePerSec: number;
  readonly rateBurst: number;
  /** Rate-limited requests in a row before the connection is closed with 4029. */
  readonly rateStrikes: number;
  readonly requestTimeoutMs: number;
  readonly allowPublish: boolean;
}

export interface ConnectionDeps {
  readonly id: string;
  readonly node: string;
  readonly conn: TransportConnection;
  readonly codec: Codec;
  readonly router: ActorRef<RouterMsg>;
  readonly dispatcher: DispatcherClient;
  readonly limits: ConnectionLimits;
  readonly stats: GatewayStats;
}

const State = { Open: 0, Closing: 1, Closed: 2 } as const;
type State = (typeof State)[keyof typeof State];

/** Where a subscriber is in its topic's seq space. */
interface SubPosition {
  epoch: string;
  seq: number;
}

type Disconnect = (typeof Disconnect)[keyof typeof Disconnect];

const REPLAY_CHUNK = 100;

export class RequestTimeoutError extends Error {
  override name = 'RequestTimeoutError';
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new RequestTimeoutError(`${what} timed out`)), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(t);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

export function connectionBehavior(d: ConnectionDeps): Behavior<ConnMsg> {
  const { conn, codec, limits, stats } = d;
  let state: State = State.Open;
  const subs = new Map<string, SubPosition>();
  let lastSeen = Date.now();
  let tokens = limits.rateBurst;
  let tokensAt = lastSeen;
  let strikes = 0;
  let outbox: ServerMessage[] = [];
  let self: ActorRef<ConnMsg>;

  const flush = (): void => {
    if (outbox.length === 0 || state !== State.Open) return;
    const msgs = outbox;
    outbox = [];
    write(codec.encode(msgs.length === 1 ? msgs[0]! : msgs));
  };

  /**
   * A client is a slow consumer when what was written before has not drained below the bound
   * by the time the next frame comes: one large batch alone never closes a reader that keeps up.
   */
  const write = (frame: Uint8Array | string): boolean => {
    if (state !== State.Open) return false;
    if (
      conn.bufferedAmount() > limits.outboundLimit ||
      conn.send(frame, codec.binary) === 'dropped'
    ) {
      bump(stats.drops, 'slow_consumer');
      close(Disconnect.SlowConsumer);
      return false;
    }
    stats.framesOut++;
    return true;
  };

  const close = (why: Disconnect): void => {
    if (state !== State.Open) return;
    flush();
    state = State.Closing;
    bump(stats.disconnects, why.reason.replace(/ /g, '_'));
    conn.close(why.code, why.reason);
  };

  const err = (id: number | undefined, code: number, msg: string): void => {
    outbox.push(
      id === undefined
        ? ({ op: 'err', code, msg } as ServerMessage)
        : ({ op: 'err', id, code, msg } as ServerMessage),
    );
  };

  /** Token bucket; true when the request may proceed. */
  const admit = (now: number): boolean => {
    tokens = Math.min(limits.rateBurst, tokens + ((now - tokensAt) * limits.ratePerSec) / 1000);
    tokensAt = now;
    if (tokens >= 1) {
      tokens -= 1;
      strikes = 0;
      return true;
    }
    strikes++;
    return false;
  };

  const sendEvents = (topic: string, epoch: string, events: readonly TopicEvent[]): void => {
    for (let i = 0; i < events.length; i += REPLAY_CHUNK) {
      const chunk = events.slice(i, i + REPLAY_CHUNK);
      if (!write(encodeEvents(codec, topic, epoch, chunk))) return;
      stats.deliveries += chunk.length;
    }
  };

  const subscribe = async (
    m: Extract<ClientMessage, { op: 'sub' }>,
    ctx: ActorContext<ConnMsg>,
  ): Promise<void> => {
    const known = subs.has(m.topic);
    if (!known && subs.size >= limits.maxSubscriptions) {
      return err(
        m.id,
        ErrorCode.TooLarge,
        `subscription limit (${limits.maxSubscriptions}) reached`,
      );
    }
    flush();
    try {
      if (!known) {
        await ask<RouterMsg, boolean>(
          d.router,
          (replyTo) => ({ type: 'sub', topic: m.topic, conn: ctx.self, replyTo }),
          limits.requestTimeoutMs,
        );
        // Batches may arrive from now on; until the history answers, they wait in the mailbox.
        subs.set(m.topic, { epoch: '', seq: Number.MAX_SAFE_INTEGER });
        stats.subscriptions++;
      }
      const h = await withTimeout(
        d.dispatcher.history(m.topic, m.since),
        limits.requestTimeoutMs,
        'history',
      );
      if (state !== State.Open) return;
      const pos = subs.get(m.topic);
      if (pos === undefined) return;
      pos.epoch = h.epoch;
      pos.seq = h.seq;
      outbox.push({ op: 'ack', id: m.id, epoch: h.epoch, seq: h.seq, recovered: h.recovered });
      flush();
      if (h.events.length > 0) sendEvents(m.topic, h.epoch, h.events);
    } catch (e) {
      if (!known && subs.delete(m.topic)) {
        stats.subscriptions--;
        d.router.tell({ type: 'unsub', topic: m.topic, conn: ctx.self });
      }
      err(m.id, ErrorCode.Unavailable, `subscribe failed: ${(e as Error).message}`);
    }
  };

  const unsubscribe = (id: number, topic: string, ctx: ActorContext<ConnMsg>): void => {
    if (subs.delete(topic)) {
      stats.subscriptions--;
      d.router.tell({ type: 'unsub', topic, conn: ctx.self });
    }
    outbox.push({ op: 'ack', id });
  };

  const publish = async (m: Extract<ClientMessage, { op: 'pub' }>): Promise<void> => {
    if (!limits.allowPublish) return err(m.id, ErrorCode.Forbidden, 'publishing is not allowed');
    flush();
    try {
      const r = await withTimeout(
        d.dispatcher.publish(m.topic, m.data),
        limits.requestTimeoutMs,
        'publish',
      );
      outbox.push({ op: 'ack', id: m.id, seq: r.seq, epoch: r.epoch });
    } catch (e) {
      err(m.id, ErrorCode.Unavailable, `publish failed: ${(e as Error).message}`);
    }
  };

  const onFrame = async (data: Uint8Array | string, ctx: ActorContext<ConnMsg>): Promise<void> => {
    const now = Date.now();
    lastSeen = now;
    const decoded = decodeClientFrame(codec, data);
    if (!decoded.ok) {
      bump(stats.badInput, 'undecodable');
      return close(Disconnect.Undecodable);
    }
    for (const item of decoded.items) {
      if (state !== State.Open) return;
      if (!admit(now)) {
        bump(stats.badInput, 'rate_limited');
        if (strikes >= limits.rateStrikes) return close(Disconnect.RateLimited);
        err(item.ok ? requestId(item.msg) : item.id, ErrorCode.RateLimited, 'rate limited');
        continue;
      }
      if (!item.ok) {
        bump(stats.badInput, 'invalid');
        err(item.id, item.code, item.msg);
        continue;
      }
      const m = item.msg;
      switch (m.op) {
        case 'ping':
          outbox.push(m.id === undefined ? { op: 'pong' } : { op: 'pong', id: m.id });
          break;
        case 'sub':
          await subscribe(m, ctx);
          break;
        case 'unsub':
          unsubscribe(m.id, m.topic, ctx);
          break;
        case 'pub':
          await publish(m);
          break;
      }
    }
    flush();
  };

  const onEvents = (batch: EventBatch): void => {
    const pos = subs.get(batch.topic);
    let frame: Uint8Array | string | undefined;
    let count = batch.events.length;
    if (pos === undefined) {
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
      flush();
      if (write(frame)) stats.deliveries += count;
    }
    if (batch.delivered()) recordLatency(stats, nowMs() - batch.events[0]!.t0);
  };

  return {
    preStart(ctx) {
      self = ctx.self;
      stats.connections++;
      outbox.push({ op: 'hello', v: 1, conn: d.id, node: d.node, hb: limits.heartbeatMs });
      flush();
    },
    receive(msg, ctx) {
      switch (msg.type) {
        case 'events':
          if (state === State.Open) onEvents(msg.batch);
          else msg.batch.delivered();
          return;
        case 'frame':
          if (state !== State.Open) return;
          return onFrame(msg.data, ctx);
        case 'tick':
          if (state === State.Open && msg.now - lastSeen > limits.idleTimeoutMs) {
            close(Disconnect.IdleTimeout);
          }
          return;
        case 'drain':
          if (state !== State.Open) return;
          outbox.push({
            op: 'bye',
            code: Disconnect.Shutdown.code,
            reason: Disconnect.Shutdown.reason,
            retryMs: msg.retryMs,
          });
          return close(Disconnect.Shutdown);
        case 'closed':
          if (msg.code === Disconnect.TooLarge.code) bump(stats.badInput, 'too_large');
          if (state === State.Open) bump(stats.disconnects, closeReason(msg.code));
          state = State.Closed;
          ctx.stop();
          return;
      }
    },
    onOverflow() {
      // The mailbox is over its bound: this client cannot keep up with its topics.
      bump(stats.drops, 'mailbox_overflow');
      close(Disconnect.SlowConsumer);
    },
    postStop() {
      stats.connections--;
      stats.subscriptions -= subs.size;
      if (subs.size > 0) d.router.tell({ type: 'gone', conn: self, topics: [...subs.keys()] });
      subs.clear();
      if (state === State.Open) {
        // Stopped from outside (operator or supervisor): tell the client to come back.
        outbox.push({
          op: 'bye',
          code: Disconnect.Shutdown.code,
          reason: 'connection stopped by server',
          retryMs: 1000,
        });
        close(Disconnect.Shutdown);
      }
      state = State.Closed;
    },
    inspect() {
      return {
        conn: d.id,
        remote: conn.remoteAddress,
        subprotocol: codec.subprotocol,
        state: ['open', 'closing', 'closed'][state],
        subscriptions: Object.fromEntries(subs),
        bufferedBytes: state === State.Open ? conn.bufferedAmount() : 0,
        idleMs: Date.now() - lastSeen,
      };
    },
  };
}

function requestId(m: ClientMessage): number | undefined {
  return m.id;
}

/** Names a close the client or transport started, for the disconnect counters. */
export function closeReason(code: number): string {
  switch (code) {
    case 1000:
      return 'client_normal';
    case 1001:
      return 'client_going_away';
    case 1006:
      return 'abnormal';
    case Disconnect.TooLarge.code:
      return 'frame_too_large';
    default:
      return `client_${code}`;
  }
}
