/**
 * Hostile load for the `hostile` bench scenario: the inputs an adversarial probe used to crash
 * or starve a node, each as a small actor-less loop that runs until stopped and counts what it
 * did and what the server answered. Loopback only, bounded in rate and in connections.
 *
 * - PoisonPublisher: publishes the bystanders' own topics with data the codecs cannot carry
 *   (a 128-bit msgpack bigint, 2,000-deep nesting); every one should be answered `err` 400.
 * - HistoryFlood: 256 KiB events to ever new topics, as fast as the socket drains (bounded by
 *   `maxBufferedBytes`), the shape that used to grow history until V8 aborted.
 * - LinkGarbage: connections to a link port that send garbage, and idle ones that only hold a
 *   handshake slot, reopened as the server drops them.
 */
import * as net from 'node:net';
import { frameBody } from '../../protocol';
import { DEEP_MSGPACK, WIDE_BIGINT, withRawData } from '../../testing/poison';
import { encodeFrame, FrameReader, unpackr } from './framing';

/** A framed `pub` with `id` and `topic` whose data is `poison`'s bytes as they are. */
function poisoned(id: number, topic: string, poison: Buffer): Buffer {
  return frameBody(withRawData({ op: 'pub', id, topic }, poison));
}

interface Loop {
  stop(): void;
}

function every(ms: number, fn: () => void): Loop {
  const t = setInterval(fn, ms);
  return { stop: () => clearInterval(t) };
}

export interface AttackCounts {
  readonly [name: string]: number;
}

export class PoisonPublisher {
  sent = 0;
  refused = 0;
  accepted = 0;
  private loop: Loop | undefined;
  private readonly reader = new FrameReader();

  private constructor(private readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => {
      for (const body of this.reader.push(chunk)) {
        const r = unpackr.unpack(body) as { op?: string; code?: number };
        if (r.op === 'err' && r.code === 400) this.refused++;
        else if (r.op === 'ack') this.accepted++;
      }
    });
    socket.on('error', () => undefined);
  }

  static connect(host: string, port: number): Promise<PoisonPublisher> {
    return new Promise((resolve, reject) => {
      const s = net.connect({ host, port, noDelay: true }, () => resolve(new PoisonPublisher(s)));
      s.once('error', reject);
    });
  }

  /** `perSec` poisoned publishes a second, spread over `topics`. */
  start(topics: readonly string[], perSec: number): void {
    const perTick = Math.max(1, Math.round(perSec / 100));
    this.loop = every(10, () => {
      if (this.socket.writableLength > 1 << 20) return;
      const frames: Buffer[] = [];
      for (let i = 0; i < perTick; i++) {
        const topic = topics[this.sent % topics.length]!;
        frames.push(poisoned(++this.sent, topic, this.sent % 2 === 0 ? WIDE_BIGINT : DEEP_MSGPACK));
      }
      this.socket.write(Buffer.concat(frames));
    });
  }

  stop(): AttackCounts {
    this.loop?.stop();
    this.socket.destroy();
    return { sent: this.sent, refused: this.refused, accepted: this.accepted };
  }
}

export class HistoryFlood {
  sentBytes = 0;
  events = 0;
  private loop: Loop | undefined;
  private readonly frame: (n: number) => Buffer;

  private constructor(
    private readonly socket: net.Socket,
    eventBytes: number,
  ) {
    socket.on('data', () => undefined);
    socket.on('error', () => undefined);
    const pad = 'x'.repeat(eventBytes);
    this.frame = (n) => encodeFrame({ op: 'pub', topic: `flood.${n}`, data: pad });
  }

  static connect(host: string, port: number, eventBytes = 256 * 1024): Promise<HistoryFlood> {
    return new Promise((resolve, reject) => {
      const s = net.connect({ host, port }, () => resolve(new HistoryFlood(s, eventBytes)));
      s.once('error', reject);
    });
  }

  /** Writes up to `bytesPerSec`, skipping ticks while the socket holds `maxBufferedBytes`. */
  start(bytesPerSec: number, maxBufferedBytes = 8 << 20): void {
    let budget = 0;
    this.loop = every(10, () => {
      budget += bytesPerSec / 100;
      while (budget > 0 && this.socket.writableLength < maxBufferedBytes) {
        const f = this.frame(++this.events);
        this.socket.write(f);
        this.sentBytes += f.length;
        budget -= f.length;
      }
    });
  }

  stop(): AttackCounts {
    this.loop?.stop();
    this.socket.destroy();
    return { events: this.events, sentMiB: Math.round(this.sentBytes / (1 << 20)) };
  }
}

export class LinkGarbage {
  opened = 0;
  droppedByServer = 0;
  private stopped = false;
  private readonly open = new Set<net.Socket>();
  private loop: Loop | undefined;

  constructor(
    private readonly host: string,
    private readonly port: number,
    /** Source address of every attack connection (another loopback address than real peers'). */
    private readonly localAddress = '127.0.0.2',
  ) {}

  /** Keeps `idle` silent connections and `noisy` garbage senders open, reopening dropped ones. */
  start(idle: number, noisy: number): void {
    for (let i = 0; i < idle; i++) this.dial(false);
    for (let i = 0; i < noisy; i++) this.dial(true);
    this.loop = every(50, () => {
      for (const s of this.open) {
        if ((s as net.Socket & { noisy?: boolean }).noisy && s.writable) s.write(garbage());
      }
    });
  }

  private dial(noisy: boolean): void {
    if (this.stopped) return;
    const s = net.connect({
      host: this.host,
      port: this.port,
      localAddress: this.localAddress,
    }) as net.Socket & {
      noisy?: boolean;
    };
    s.noisy = noisy;
    this.opened++;
    this.open.add(s);
    s.on('data', () => undefined);
    s.on('error', () => undefined);
    s.on('close', () => {
      this.open.delete(s);
      if (this.stopped) return;
      this.droppedByServer++;
      setTimeout(() => this.dial(noisy), 20);
    });
  }

  stop(): AttackCounts {
    this.stopped = true;
    this.loop?.stop();
    for (const s of this.open) s.destroy();
    return { opened: this.opened, droppedByServer: this.droppedByServer };
  }
}

/** Frames a link peer should never send: bad ops, wrong field types, nulls, deep values. */
const GARBAGE: readonly unknown[] = [
  { op: 'fwd', items: [null] },
  { op: 'interest', topics: 5, on: true },
  { op: 'ev', events: [{ topic: 'x', seq: 'a' }] },
  { op: 'auth', node: 'g1', role: 'dispatcher', dc: 'local', nonce: 'zz', mac: '' },
  { op: 'hello', v: 1 },
  [1, 2, 3],
];

function garbage(): Buffer {
  const pick = GARBAGE[Math.floor(Math.random() * GARBAGE.length)];
  if (Math.random() < 0.3)
    return Buffer.from(Array.from({ length: 64 }, () => (Math.random() * 256) | 0));
  return encodeFrame(pick);
}
