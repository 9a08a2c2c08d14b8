/**
 * TCP publisher (PROTOCOL.md §3): paces `pub` frames at a target rate in 2 ms ticks, one write
 * per tick, every event stamped with its send time. Kept open-loop so the offered rate does not
 * bend to the server; when the socket's own buffer passes `maxBufferedBytes` the tick is skipped
 * and counted, so "offered" always means "actually written".
 */
import * as net from 'node:net';
import { encodeFrame, FrameReader, unpackr } from './framing';
import { padFor, sendTime } from './event-data';
import { RatePacer } from './rate-pacer';

export interface PublishStepResult {
  readonly sent: number;
  /** Events the pacer or a full socket buffer could not send in time. */
  readonly skipped: number;
  readonly elapsedMs: number;
}

export interface PublisherOptions {
  readonly host: string;
  readonly port: number;
  /** Ask for an ack on 1 in N publishes (0: never). */
  readonly ackEvery?: number;
  readonly tickMs?: number;
  readonly maxBufferedBytes?: number;
}

export class Publisher {
  private readonly socket: net.Socket;
  private readonly reader = new FrameReader();
  private readonly pad = padFor();
  private nextId = 1;
  private counter = 0;
  acks = 0;
  errs = 0;
  closedReason: string | null = null;

  private constructor(
    socket: net.Socket,
    private readonly opts: PublisherOptions,
  ) {
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => {
      try {
        for (const body of this.reader.push(chunk)) this.onReply(unpackr.unpack(body));
      } catch {
        this.errs++;
      }
    });
    socket.on('close', () => (this.closedReason ??= 'publish socket closed'));
    socket.on('error', (err) => (this.closedReason = `publish socket error: ${err.message}`));
  }

  static connect(opts: PublisherOptions): Promise<Publisher> {
    return new Promise((resolve, reject) => {
      const s = net.connect({ host: opts.host, port: opts.port, noDelay: true });
      s.once('connect', () => resolve(new Publisher(s, opts)));
      s.once('error', reject);
    });
  }

  private onReply(reply: unknown): void {
    const replies = Array.isArray(reply) ? reply : [reply];
    for (const r of replies as { op?: unknown }[]) {
      if (r.op === 'ack') this.acks++;
      else if (r.op === 'err') this.errs++;
    }
  }

  /** Publishes round-robin over `topics` at `ratePerSec` for `seconds`; `onSecond` is called each second. */
  run(
    topics: readonly string[],
    ratePerSec: number,
    seconds: number,
    onSecond?: (sentSoFar: number) => void,
  ): Promise<PublishStepResult> {
    const tickMs = this.opts.tickMs ?? 2;
    const maxBuffered = this.opts.maxBufferedBytes ?? 8 << 20;
    const ackEvery = this.opts.ackEvery ?? 0;
    const start = performance.now();
    const pacer = new RatePacer(ratePerSec, start);
    let blocked = 0;
    let nextSecond = start + 1000;
    return new Promise((resolve) => {
      const tick = (): void => {
        const t = performance.now();
        const done = t - start >= seconds * 1000 || this.closedReason !== null;
        const n = done ? 0 : pacer.due(t);
        if (n > 0) {
          if (this.socket.writableLength > maxBuffered) blocked += n;
          else this.write(topics, n, ackEvery);
        }
        if (t >= nextSecond) {
          nextSecond += 1000;
          onSecond?.(pacer.total - blocked);
        }
        if (done)
          resolve({
            sent: pacer.total - blocked,
            skipped: pacer.skipped + blocked,
            elapsedMs: t - start,
          });
        else setTimeout(tick, tickMs);
      };
      tick();
    });
  }

  /**
   * Publishes written so far (warm-up and probes included): the next one goes to
   * `topics[position % topics.length]`, so a caller can tell which topics a run published to.
   */
  get position(): number {
    return this.counter;
  }

  private write(topics: readonly string[], n: number, ackEvery: number): void {
    const frames: Buffer[] = new Array<Buffer>(n);
    const t = sendTime();
    for (let i = 0; i < n; i++) {
      const topic = topics[this.counter++ % topics.length] as string;
      const withId = ackEvery > 0 && this.counter % ackEvery === 0;
      const msg = withId
        ? { op: 'pub', id: this.nextId++, topic, data: { t, pad: this.pad } }
        : { op: 'pub', topic, data: { t, pad: this.pad } };
      frames[i] = encodeFrame(msg);
    }
    this.socket.write(n === 1 ? (frames[0] as Buffer) : Buffer.concat(frames));
  }

  close(): void {
    this.socket.end();
    this.socket.destroy();
  }
}
