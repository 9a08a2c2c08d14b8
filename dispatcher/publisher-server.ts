/**
 * The publisher ingress: TCP, each frame a 4-byte big-endian length and a msgpack map (or an
 * array of maps). See PROTOCOL.md section 3.
 *
 *   accepted ──(auth ok, or no auth configured)──► publishing ──(socket end / fatal error)──► closed
 *
 * Every publish of one TCP read goes to the dispatcher actor as one message, so a publisher
 * that writes fast is stamped in batches. Replies (`ack` with the seq, `err` with a code) go
 * only to publishes that carried an `id`, each its own frame, coalesced into one write.
 * A bad message gets an `err` and the connection goes on; a frame over the limit, an
 * unauthenticated publish or a wrong token closes the connection.
 */
import net from 'node:net';
import type { ActorRef } from '../actors';
import {
  decodePayload,
  encodeFrame,
  ErrorCode,
  type ErrorCode as ErrorCodeT,
  FrameDecoder,
  parsePublisherFrame,
  type PublisherReply,
} from '../protocol';
import type { DispatcherStats, PublishItem } from './dispatcher-actor';
import { isFailure, type PublishOutcome } from './types';

/** What the ingress hands publishes to: the dispatcher actor, or the cluster router in front of it. */
export interface PublishMsg {
  type: 'publish';
  items: readonly PublishItem[];
  reply?: (results: readonly PublishOutcome[]) => void;
}

export interface PublisherServerOptions {
  readonly dispatcher: ActorRef<PublishMsg>;
  readonly maxFrame: number;
  readonly authToken: string | undefined;
  readonly stats: DispatcherStats;
  readonly log: (level: 'info' | 'warn', msg: string, meta?: Record<string, unknown>) => void;
}

/** Unanswered publish batches per publisher connection before its socket is paused. */
const MAX_INFLIGHT_BATCHES = 64;

export class PublisherServer {
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();

  constructor(private readonly o: PublisherServerOptions) {
    this.server = net.createServer((s) => this.accept(s));
  }

  listen(host: string, port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve((this.server.address() as net.AddressInfo).port);
      });
    });
  }

  close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private bad(kind: string): void {
    this.o.stats.badInput[kind] = (this.o.stats.badInput[kind] ?? 0) + 1;
  }

  private accept(socket: net.Socket): void {
    const { o } = this;
    socket.setNoDelay(true);
    this.sockets.add(socket);
    o.stats.publishers++;
    const decoder = new FrameDecoder(o.maxFrame);
    let authed = o.authToken === undefined;
    // Set once the connection is being dropped: later reads are ignored, never acted on.
    let dropped = false;
    /** Batches handed to the dispatcher and not yet answered. */
    let inflight = 0;

    const send = (replies: PublisherReply[]): void => {
      if (replies.length === 0 || socket.destroyed) return;
      socket.write(
        replies.length === 1 ? encodeFrame(replies[0]) : Buffer.concat(replies.map(encodeFrame)),
      );
    };
    const fatal = (reply: PublisherReply, why: string): void => {
      dropped = true;
      send([reply]);
      o.log('warn', 'publisher dropped', { why, remote: socket.remoteAddress });
      socket.end();
      socket.destroySoon();
    };

    socket.on('data', (chunk: Buffer) => {
      if (dropped) return;
      let payloads: Buffer[];
      try {
        payloads = decoder.push(chunk);
      } catch (e) {
        this.bad('frame_too_large');
        return fatal(
          { op: 'err', code: ErrorCode.TooLarge, msg: (e as Error).message },
          'frame too large',
        );
      }
      const items: PublishItem[] = [];
      const ids: (number | undefined)[] = [];
      const replies: PublisherReply[] = [];
      for (const payload of payloads) {
        let value: unknown;
        try {
          value = decodePayload(payload);
        } catch {
          this.bad('undecodable');
          replies.push({ op: 'err', code: ErrorCode.BadRequest, msg: 'undecodable frame' });
          continue;
        }
        for (const p of parsePublisherFrame(value)) {
          if (!p.ok) {
            this.bad('invalid');
            replies.push(
              p.id === undefined
                ? { op: 'err', code: p.code, msg: p.msg }
                : { op: 'err', id: p.id, code: p.code, msg: p.msg },
            );
            continue;
          }
          const m = p.msg;
          if (m.op === 'auth') {
            if (o.authToken !== undefined && m.token !== o.authToken) {
              this.bad('auth_failed');
              send(replies);
              return fatal(
                { op: 'err', code: ErrorCode.Unauthorized, msg: 'wrong token' },
                'wrong token',
              );
            }
            authed = true;
            continue;
          }
          if (!authed) {
            this.bad('unauthenticated');
            send(replies);
            const reply: PublisherReply = {
              op: 'err',
              code: ErrorCode.Unauthorized,
              msg: 'send auth first',
            };
            return fatal(
              m.id === undefined ? reply : { ...reply, id: m.id },
              'publish before auth',
            );
          }
          items.push({ topic: m.topic, data: m.data });
          ids.push(m.id);
        }
      }
      send(replies);
      if (items.length === 0) return;
      const wantsReply = ids.some((id) => id !== undefined);
      // Bounded ingress: a publisher that writes faster than the dispatcher stamps is paused
      // (TCP backpressure) instead of growing the dispatcher's mailbox without limit.
      if (++inflight === MAX_INFLIGHT_BATCHES) socket.pause();
      const ok = o.dispatcher.tell({
        type: 'publish',
        items,
        reply: (results) => {
          if (inflight-- === MAX_INFLIGHT_BATCHES) socket.resume();
          if (!wantsReply) return;
          const acks: PublisherReply[] = [];
          for (let i = 0; i < ids.length; i++) {
            const id = ids[i];
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
        if (inflight-- === MAX_INFLIGHT_BATCHES) socket.resume();
        send(
          ids.flatMap((id) =>
            id === undefined
              ? []
              : [
                  {
                    op: 'err',
                    id,
                    code: ErrorCode.Unavailable,
                    msg: 'dispatcher unavailable',
                  } as const,
                ],
          ),
        );
      }
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      this.sockets.delete(socket);
      o.stats.publishers--;
    });
  }
}
