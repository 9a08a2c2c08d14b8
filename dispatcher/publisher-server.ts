/**
 * The publisher ingress: TCP, each frame a 4-byte big-endian length and a msgpack map (or an
 * array of maps). See PROTOCOL.md section 3.
 *
 *   accepted ──(auth ok, or no auth configured)──► publishing ──(socket end / fatal error)──► closed
 *
 * Every publish of one TCP read goes to the dispatcher actor as one message, so a publisher
 * that writes fast is stamped in batches. The usual frame goes from the read's bytes to that
 * message with no object per event but its topic, its data (`RawMsgpack`) and its `PublishItem`
 * (FrameDecoder.each, readPublisherFrame): about 210-245 sampled bytes per event instead of 612
 * (load-tests/profiles/RESULTS.md, session of 2026-12-02, sixth). Replies (`ack` with the seq,
 * `err` with a code) go only to publishes that carried an `id`, each its own frame, coalesced
 * into one write.
 * A bad message gets an `err` and the connection goes on; a frame over the limit, an
 * unauthenticated publish, a refused token, a throttled address or a passed deadline
 * (`publisher-deadlines.ts`: auth, partial frame, idle) closes the connection with an `err`
 * naming why.
 *
 * `auth` is checked by PublisherAuth (PROTOCOL.md §6), asynchronously: the messages after it
 * wait, in order, until it is decided. A static token allows every topic; a JWT allows the
 * topics of its `pub` claim until its `exp`, and a publish outside them gets `err` 403 (401
 * once expired) while the connection goes on.
 */
import net from 'node:net';
import type { ActorRef } from '../actors';
import { PUBLISH_ANYWHERE, type PublisherAccess, type PublisherAuth } from '../auth';
import {
  decodePayload,
  encodeFrame,
  ErrorCode,
  type ErrorCode as ErrorCodeT,
  FrameDecoder,
  FrameTooLargeError,
  parsedPub,
  parsePublisherFrame,
  type Parsed,
  type PublisherMessage,
  type PublisherReply,
  type PublisherSink,
  readPublisherFrame,
} from '../protocol';
import type { DispatcherStats } from './dispatcher-actor';
import {
  DEFAULT_PUBLISHER_DEADLINES,
  Expiry,
  MAX_FRAME_DEADLINE_MS,
  PublisherClock,
  SWEEP_MS,
  type PublisherDeadlines,
} from './publisher-deadlines';
import type { PublishItem, PublishRequest } from './publish-request';
import { refusal } from './publish-refusal';
import { isFailure } from './types';

export interface PublisherServerOptions {
  /** Where publishes go: the dispatcher actor, or the cluster router in front of it. */
  readonly dispatcher: ActorRef<PublishRequest>;
  readonly maxFrame: number;
  /** Who may publish where (PROTOCOL.md §6); its throttle counts failed `auth`s per address. */
  readonly auth: PublisherAuth;
  readonly stats: DispatcherStats;
  /** Defaults: DEFAULT_PUBLISHER_DEADLINES; the frame deadline is capped at 30 s. */
  readonly deadlines?: Partial<PublisherDeadlines>;
  /** How often deadlines are checked (tests shorten it). */
  readonly sweepMs?: number;
  readonly log: (
    level: 'info' | 'warn' | 'error',
    msg: string,
    meta?: Record<string, unknown>,
  ) => void;
}

/** Unanswered publish batches per publisher connection before its socket is paused. */
const MAX_INFLIGHT_BATCHES = 64;

/** A socket told to close whose peer does not read our `err` is destroyed this much later. */
const CLOSE_GRACE_MS = 1000;

/** What the deadline sweep needs of one connection. */
interface Watched {
  readonly clock: PublisherClock;
  /** True while publishes of it wait on the dispatcher (then no deadline runs). */
  waiting(): boolean;
  expire(why: Expiry): void;
  /** When the connection was told to close; 0 while it is open. */
  closingSince: number;
}

const EXPIRED: Record<
  Expiry,
  { code: ErrorCodeT; msg: (ms: number) => string; ms: keyof PublisherDeadlines }
> = {
  [Expiry.Auth]: {
    code: ErrorCode.Unauthorized,
    msg: (ms) => `authentication timeout: no auth within ${ms} ms`,
    ms: 'authMs',
  },
  [Expiry.Frame]: {
    code: ErrorCode.BadRequest,
    msg: (ms) => `frame timeout: a frame was not completed within ${ms} ms`,
    ms: 'frameMs',
  },
  [Expiry.Idle]: {
    code: ErrorCode.BadRequest,
    msg: (ms) => `idle timeout: no frame for ${ms} ms`,
    ms: 'idleMs',
  },
};

export class PublisherServer {
  private readonly server: net.Server;
  private readonly sockets = new Map<net.Socket, Watched>();
  private readonly deadlines: PublisherDeadlines;
  private sweeper: NodeJS.Timeout | undefined;

  constructor(private readonly o: PublisherServerOptions) {
    const d = { ...DEFAULT_PUBLISHER_DEADLINES, ...o.deadlines };
    this.deadlines = { ...d, frameMs: Math.min(d.frameMs, MAX_FRAME_DEADLINE_MS) };
    this.server = net.createServer((s) => this.accept(s));
  }

  listen(host: string, port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        this.sweeper ??= setInterval(() => this.sweep(), this.o.sweepMs ?? SWEEP_MS).unref();
        resolve((this.server.address() as net.AddressInfo).port);
      });
    });
  }

  close(): Promise<void> {
    clearInterval(this.sweeper);
    this.sweeper = undefined;
    for (const s of this.sockets.keys()) s.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private bad(kind: string): void {
    this.o.stats.badInput[kind] = (this.o.stats.badInput[kind] ?? 0) + 1;
  }

  /** One pass over every connection: close those past a deadline or past their close grace. */
  private sweep(): void {
    const now = Date.now();
    for (const [socket, w] of this.sockets) {
      if (w.closingSince !== 0) {
        if (now - w.closingSince >= CLOSE_GRACE_MS) socket.destroy();
        continue;
      }
      const why = w.clock.expired(now, this.deadlines, w.waiting());
      if (why !== undefined) w.expire(why);
    }
  }

  private accept(socket: net.Socket): void {
    const { o } = this;
    socket.setNoDelay(true);
    o.stats.publishers++;
    const decoder = new FrameDecoder(o.maxFrame);
    const clock = new PublisherClock(Date.now(), !o.auth.required);
    let access: PublisherAccess = PUBLISH_ANYWHERE;
    // Messages that wait to be acted on, in order: those read while an `auth` is being checked,
    // and within one read, every message from the first that `work` must see (an `auth`, a
    // publish before authentication) on. Any other message is acted on as it is read.
    let queue: Parsed<PublisherMessage>[] = [];
    let checking = false;
    // Set once the connection is being dropped: later reads are ignored, never acted on.
    let dropped = false;
    /** Batches handed to the dispatcher and not yet answered. */
    let inflight = 0;
    // The batch being gathered: publishes acted on and not yet handed to the dispatcher (which
    // keeps the arrays: new ones per batch), with their ids (none until one has an id), and the
    // `err`s to send before it. The `err`s for undecodable frames of a read go before those.
    let items: PublishItem[] = [];
    let ids: (number | undefined)[] | undefined;
    const replies: PublisherReply[] = [];
    const frameReplies: PublisherReply[] = [];

    const send = (out: PublisherReply[]): void => {
      if (out.length === 0 || socket.destroyed) return;
      socket.write(out.length === 1 ? encodeFrame(out[0]) : Buffer.concat(out.map(encodeFrame)));
    };
    /** Sends a reused list of replies (encoded at once) and empties it. */
    const sendAndClear = (list: PublisherReply[]): void => {
      send(list);
      list.length = 0;
    };
    const fatal = (reply: PublisherReply, why: string): void => {
      dropped = true;
      watched.closingSince = Date.now();
      send([reply]);
      o.log('warn', 'publisher dropped', { why, remote: socket.remoteAddress });
      socket.end();
      socket.destroySoon();
    };
    const watched: Watched = {
      clock,
      waiting: () => inflight > 0,
      closingSince: 0,
      expire: (why) => {
        this.bad(why);
        const { code, msg, ms } = EXPIRED[why];
        fatal({ op: 'err', code, msg: msg(this.deadlines[ms]) }, why);
      },
    };
    this.sockets.set(socket, watched);

    /** True while a message read now is acted on at once (nothing waits, none must). */
    const actsNow = (): boolean => queue.length === 0 && !checking && clock.authed;
    const refuse = (p: Extract<Parsed<PublisherMessage>, { ok: false }>): void => {
      this.bad('invalid');
      replies.push(
        p.id === undefined
          ? { op: 'err', code: p.code, msg: p.msg }
          : { op: 'err', id: p.id, code: p.code, msg: p.msg },
      );
    };
    /** A checked publish of an authenticated connection: refused, or added to the batch. */
    const accept = (
      topic: string,
      data: unknown,
      bytes: number | undefined,
      id: number | undefined,
    ): void => {
      const refused = refusal(access, topic);
      if (refused !== undefined) {
        this.bad(refused.code === ErrorCode.Forbidden ? 'forbidden' : 'token_expired');
        replies.push(id === undefined ? refused : { ...refused, id });
        return;
      }
      if (id !== undefined && ids === undefined)
        ids = new Array<undefined>(items.length).fill(undefined);
      ids?.push(id);
      items.push({ topic, data, bytes });
    };
    /** One message of a frame the decoder read (or a refusal of the raw reader). */
    const take = (p: Parsed<PublisherMessage>): void => {
      if (!actsNow()) queue.push(p);
      else if (!p.ok) refuse(p);
      else if (p.msg.op === 'auth') queue.push(p);
      else accept(p.msg.topic, p.msg.data, p.msg.bytes, p.msg.id);
    };
    const sink: PublisherSink = {
      pub: (topic, data, id) => {
        if (actsNow()) accept(topic, data, data.heapBytes, id);
        else queue.push(parsedPub(topic, data, id));
      },
      other: take,
    };
    const onFrame = (buf: Buffer, start: number, end: number): void => {
      // The usual frame is read from its bytes, data kept as sent (publisher-raw.ts).
      if (readPublisherFrame(buf, start, end, sink)) return;
      let value: unknown;
      try {
        value = decodePayload(buf.subarray(start, end));
      } catch {
        this.bad('undecodable');
        frameReplies.push({ op: 'err', code: ErrorCode.BadRequest, msg: 'undecodable frame' });
        return;
      }
      for (const p of parsePublisherFrame(value)) take(p);
    };

    socket.on('data', (chunk: Buffer) => {
      if (dropped) return;
      let frames: number;
      try {
        // Frames are handed over only once the whole chunk is known to be within the limit.
        frames = decoder.each(chunk, onFrame);
      } catch (e) {
        if (e instanceof FrameTooLargeError) {
          this.bad('frame_too_large');
          return fatal({ op: 'err', code: ErrorCode.TooLarge, msg: e.message }, 'frame too large');
        }
        // A bug in the framing or the reading of a frame, not the publisher's fault: this
        // connection only, loudly.
        this.bad('internal');
        o.log('error', 'publisher frame decoding failed', { err: String(e) });
        return fatal({ op: 'err', code: ErrorCode.Internal, msg: 'internal error' }, 'internal');
      }
      clock.onRead(Date.now(), frames, decoder.buffered);
      sendAndClear(frameReplies);
      if (!checking) work();
    });

    /** Sends the batch's `err`s and hands its publishes to the dispatcher. */
    const flush = (): void => {
      sendAndClear(replies);
      if (items.length === 0) return;
      const batch = items;
      const batchIds = ids;
      items = [];
      ids = undefined;
      dispatch(batch, batchIds);
    };

    /** Acts on the queued messages in order, up to an `auth` (resumed when it is checked). */
    const work = (): void => {
      let i = 0;
      while (i < queue.length && !dropped) {
        const p = queue[i++]!;
        if (!p.ok) {
          refuse(p);
          continue;
        }
        const m = p.msg;
        if (m.op === 'auth') {
          queue = queue.slice(i);
          checking = true;
          socket.pause();
          flush();
          o.auth.check(m.token, socket.remoteAddress ?? '').then(
            (check) => {
              checking = false;
              if (dropped) return;
              if (!check.ok) {
                this.bad(check.throttled ? 'auth_throttled' : 'auth_failed');
                const code = check.throttled ? ErrorCode.RateLimited : ErrorCode.Unauthorized;
                return fatal({ op: 'err', code, msg: check.msg }, check.msg);
              }
              access = check.access;
              clock.authed = true;
              if (inflight < MAX_INFLIGHT_BATCHES) socket.resume();
              work();
            },
            (err: unknown) => {
              // A bug in verification, not the publisher's fault: this connection only, loudly.
              checking = false;
              this.bad('internal');
              o.log('error', 'publisher auth failed', { err: String(err) });
              if (!dropped) {
                fatal({ op: 'err', code: ErrorCode.Internal, msg: 'internal error' }, 'internal');
              }
            },
          );
          return;
        }
        if (!clock.authed) {
          this.bad('unauthenticated');
          sendAndClear(replies);
          const reply: PublisherReply = {
            op: 'err',
            code: ErrorCode.Unauthorized,
            msg: 'send auth first',
          };
          return fatal(m.id === undefined ? reply : { ...reply, id: m.id }, 'publish before auth');
        }
        accept(m.topic, m.data, m.bytes, m.id);
      }
      queue.length = 0;
      flush();
    };

    const dispatch = (batch: PublishItem[], batchIds: (number | undefined)[] | undefined): void => {
      // Bounded ingress: a publisher that writes faster than the dispatcher stamps is paused
      // (TCP backpressure) instead of growing the dispatcher's mailbox without limit.
      if (++inflight === MAX_INFLIGHT_BATCHES) socket.pause();
      const ok = o.dispatcher.tell({
        type: 'publish',
        items: batch,
        reply: (results) => {
          if (inflight-- === MAX_INFLIGHT_BATCHES && !checking) socket.resume();
          if (inflight === 0) clock.resumed(Date.now());
          if (batchIds === undefined) return;
          const acks: PublisherReply[] = [];
          for (let i = 0; i < batchIds.length; i++) {
            const id = batchIds[i];
            if (id === undefined) continue;
            const r = results[i]!;
            acks.push(
              isFailure(r)
                ? { op: 'err', id, code: r.code as ErrorCodeT, msg: r.error }
                : { op: 'ack', id, seq: r.seq },
            );
          }
          send(acks);
        },
      });
      if (!ok) {
        if (inflight-- === MAX_INFLIGHT_BATCHES && !checking) socket.resume();
        if (batchIds === undefined) return;
        const err = (id: number): PublisherReply[] => [
          { op: 'err', id, code: ErrorCode.Unavailable, msg: 'dispatcher unavailable' },
        ];
        send(batchIds.flatMap((id) => (id === undefined ? [] : err(id))));
      }
    };
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      this.sockets.delete(socket);
      o.stats.publishers--;
    });
  }
}
