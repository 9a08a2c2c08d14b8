/**
 * The codec of one Server-Sent Events stream (PROTOCOL.md §9): server messages in, SSE text
 * out. One per stream, not shared: it keeps the stream's position in every topic, read off the
 * messages it encodes in the order they are written, so each event's `id:` is the position
 * *after* that event and a browser's `Last-Event-ID` resumes each topic exactly.
 *
 *   ev, presence   id: <position with this event>  event: <op>  data: <message JSON>
 *   ack (a sub)    id: <position>  event: ack   data: the ack, plus `topic`
 *   count          id: <position>  event: count data: the message
 *   err            event: err   data: the err, plus `topic` when it answers a topic's sub
 *   hello          event: hello data: the hello (no id: the browser keeps its last one)
 *   bye            retry: <retryMs>  event: bye  data: the bye (EventSource waits retryMs)
 *
 * The connection actor subscribes the stream's topics as if the client had sent `sub`s: those
 * frames come from `subFrames()`, and `decode` reads them (an SSE client sends nothing else).
 *
 * Resume and the ack: a `sub` with `since` answers the topic's latest position and then
 * replays what came after `since`. The position stays at `since` until the replayed events
 * move it (a stream cut mid-replay resumes from the last event it got); only a new epoch or a
 * fresh topic takes the ack's position. JSON never holds a raw newline, so `data:` is one line.
 */
import {
  jsonCodec,
  MAX_CLIENT_BATCH,
  Subprotocol,
  type Codec,
  type ServerMessage,
  type Since,
} from '../../protocol';
import { encodePosition, type Positions } from './sse-position';

/** Sent every heartbeat; a comment, so EventSource ignores it. */
export const SSE_KEEPALIVE = ': hb\n\n';

export class SseCodec implements Codec {
  readonly subprotocol = Subprotocol.Json;
  readonly binary = false;
  readonly perConnection = true as const;
  readonly keepAlive = SSE_KEEPALIVE;
  private readonly index = new Map<string, number>();
  private readonly positions: Positions;
  private byeSent = false;

  constructor(
    /** The stream's topics, in the order of its URL, without duplicates. */
    readonly topics: readonly string[],
    /** Where the stream resumes (its Last-Event-ID), per topic index. */
    private readonly resume: Positions | undefined,
  ) {
    topics.forEach((t, i) => this.index.set(t, i));
    this.positions = resume === undefined ? new Array<undefined>(topics.length) : [...resume];
  }

  /** Only the `sub` frames of `subFrames` reach it: JSON, as the json codec reads it. */
  decode(frame: Uint8Array | string): unknown {
    return jsonCodec.decode(frame);
  }

  encode(msg: ServerMessage | ServerMessage[]): string {
    if (!Array.isArray(msg)) return this.event(msg);
    let out = '';
    for (const m of msg) out += this.event(m);
    return out;
  }

  /** The stream's current id ('' before any topic has a position). */
  get position(): string {
    return encodePosition(this.positions);
  }

  /**
   * The `sub` messages that subscribe the stream's topics (ids are topic indexes), in frames
   * of at most MAX_CLIENT_BATCH; `count` asks each for its viewer count (PROTOCOL.md §8).
   */
  subFrames(count: boolean): string[] {
    const frames: string[] = [];
    for (let i = 0; i < this.topics.length; i += MAX_CLIENT_BATCH) {
      const subs = this.topics.slice(i, i + MAX_CLIENT_BATCH).map((topic, k) => {
        const since = this.resume?.[i + k];
        return {
          op: 'sub',
          id: i + k,
          topic,
          ...(since !== undefined && { since }),
          ...(count && { count: true }),
        };
      });
      frames.push(JSON.stringify(subs));
    }
    return frames;
  }

  /**
   * The last bytes of a stream the server ends: a `bye` carrying the close's code and reason,
   * unless one was written already (drain, token expiry). SSE has no close frame; this is it.
   */
  farewell(code: number, reason: string, retryMs: number): string {
    return this.byeSent ? '' : this.event({ op: 'bye', code, reason, retryMs });
  }

  private event(m: ServerMessage): string {
    switch (m.op) {
      case 'ev':
      case 'presence': {
        const i = this.index.get(m.topic);
        if (i !== undefined) this.positions[i] = { epoch: m.epoch, seq: m.seq };
        return this.frame(m.op, this.position, m);
      }
      case 'ack': {
        const topic = this.topics[m.id];
        if (topic === undefined || m.epoch === undefined || m.seq === undefined) {
          return this.frame('ack', '', m);
        }
        this.acked(m.id, { epoch: m.epoch, seq: m.seq });
        return this.frame('ack', this.position, { ...m, topic });
      }
      case 'err': {
        const topic = m.id === undefined ? undefined : this.topics[m.id];
        return this.frame('err', '', topic === undefined ? m : { ...m, topic });
      }
      case 'count':
        return this.frame('count', this.position, m);
      case 'bye':
        this.byeSent = true;
        return `retry: ${m.retryMs}\n${this.frame('bye', '', m)}`;
      default:
        return this.frame(m.op, '', m);
    }
  }

  /** A resumed topic keeps its `since` until replayed events move it; see the file header. */
  private acked(i: number, latest: Since): void {
    const since = this.positions[i];
    if (since === undefined || since.epoch !== latest.epoch || since.seq > latest.seq) {
      this.positions[i] = latest;
    }
  }

  private frame(op: string, id: string, m: ServerMessage | Record<string, unknown>): string {
    const data = jsonCodec.encode(m as ServerMessage);
    return id === ''
      ? `event: ${op}\ndata: ${data}\n\n`
      : `id: ${id}\nevent: ${op}\ndata: ${data}\n\n`;
  }
}
