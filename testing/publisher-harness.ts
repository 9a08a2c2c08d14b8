/**
 * A publisher port under test (dispatcher/publisher-server*.test.ts): the real PublisherServer
 * on loopback in front of a recording dispatcher, and a publisher client that decodes replies.
 * Each test file calls `closeAll` after each test.
 */
import { AuthThrottle, PublisherAuth } from '../auth';
import net from 'node:net';
import type { ActorRef } from '../actors';
import { decodePayload, encodeFrame, FrameDecoder, payloadBytes, RawMsgpack } from '../protocol';
import {
  newDispatcherStats,
  type DispatcherMsg,
  type DispatcherStats,
} from '../dispatcher/dispatcher-actor';
import type { PublishItem } from '../dispatcher/publish-request';
import { PublisherServer, type PublisherServerOptions } from '../dispatcher/publisher-server';

export const MAX_FRAME = 4096;
/** Deadlines in these tests are short; the sweep that enforces them runs this often. */
const SWEEP_MS = 10;

/** A dispatcher stand-in: records every message and stamps seq per topic like the real one. */
export class FakeDispatcher implements ActorRef<DispatcherMsg> {
  readonly path = '/user/dispatcher';
  readonly name = 'dispatcher';
  readonly messages: DispatcherMsg[] = [];
  accepting = true;
  /** When set, replies wait in `held` until `release()`: a dispatcher that is behind. */
  hold = false;
  private held: (() => void)[] = [];
  private readonly seqs = new Map<string, number>();

  release(): void {
    this.hold = false;
    for (const r of this.held.splice(0)) r();
  }

  tell(msg: DispatcherMsg): boolean {
    if (!this.accepting) return false;
    this.messages.push(msg);
    if (msg.type === 'publish') {
      const results = msg.items.map((item) => {
        const seq = (this.seqs.get(item.topic) ?? 0) + 1;
        this.seqs.set(item.topic, seq);
        return { seq, epoch: 'ep' };
      });
      if (this.hold) this.held.push(() => msg.reply?.(results));
      else msg.reply?.(results);
    }
    return true;
  }

  isAlive(): boolean {
    return this.accepting;
  }

  /** Items of every publish message, one array per message, data as values. */
  batches(): PublishItem[][] {
    return this.rawBatches().map((items) => items.map(decoded));
  }

  /** Items as the dispatcher got them: the usual frame's data is the publisher's bytes. */
  rawBatches(): PublishItem[][] {
    return this.messages.flatMap((m) => (m.type === 'publish' ? [[...m.items]] : []));
  }

  items(): PublishItem[] {
    return this.batches().flat();
  }
}

/**
 * The item with its data as a value (RawMsgpack decoded), sized as a decoded value would be;
 * the bytes read as bytes are charged as such (checked here).
 */
function decoded(item: PublishItem): PublishItem {
  if (!(item.data instanceof RawMsgpack)) return item;
  expect(item.bytes).toBe(item.data.heapBytes);
  const data = item.data.value;
  return { ...item, data, bytes: payloadBytes(data) };
}

export interface Harness {
  server: PublisherServer;
  port: number;
  dispatcher: FakeDispatcher;
  stats: DispatcherStats;
}

export const servers: PublisherServer[] = [];
export const sockets: net.Socket[] = [];

export async function start(
  opts: Partial<Pick<PublisherServerOptions, 'maxFrame' | 'deadlines'>> & {
    authToken?: string;
    auth?: PublisherAuth;
  } = {},
): Promise<Harness> {
  const dispatcher = new FakeDispatcher();
  const stats = newDispatcherStats();
  const server = new PublisherServer({
    dispatcher,
    maxFrame: opts.maxFrame ?? MAX_FRAME,
    auth:
      opts.auth ?? new PublisherAuth({ authToken: opts.authToken, throttle: new AuthThrottle() }),
    stats,
    deadlines: opts.deadlines,
    sweepMs: SWEEP_MS,
    log: () => undefined,
  });
  servers.push(server);
  const port = await server.listen('127.0.0.1', 0);
  return { server, port, dispatcher, stats };
}

/** Closes every client and server started since the last call (each test file's afterEach). */
export async function closeAll(): Promise<void> {
  for (const s of sockets.splice(0)) s.destroy();
  await Promise.all(servers.splice(0).map((s) => s.close()));
}

/** A publisher client that decodes every reply frame. */
export class Client {
  readonly replies: unknown[] = [];
  closed = false;
  private readonly decoder = new FrameDecoder(1024 * 1024);
  private waiters: Array<() => void> = [];

  private constructor(readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => {
      for (const p of this.decoder.push(chunk)) this.replies.push(decodePayload(p));
      this.wake();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
  }

  static connect(port: number): Promise<Client> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1');
      sockets.push(socket);
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.off('error', reject);
        resolve(new Client(socket));
      });
    });
  }

  send(value: unknown): void {
    this.socket.write(encodeFrame(value));
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  /** Resolves once `cond` holds after some reply or close; rejects after `timeoutMs`. */
  until(cond: () => boolean, timeoutMs = 3000): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`timed out; replies: ${JSON.stringify(this.replies)}`)),
        timeoutMs,
      );
      const check = (): void => {
        if (cond()) {
          clearTimeout(timer);
          resolve();
        } else {
          this.waiters.push(check);
        }
      };
      check();
    });
  }

  async replyCount(n: number): Promise<unknown[]> {
    await this.until(() => this.replies.length >= n);
    return this.replies;
  }

  /** The reply carrying `id`, once it came. */
  async reply(id: number): Promise<unknown> {
    const find = () => this.replies.find((r) => isReply(r) && r['id'] === id);
    await this.until(() => find() !== undefined);
    return find();
  }

  async closedByServer(): Promise<void> {
    await this.until(() => this.closed);
  }
}

/** Round trip: a pub with an id whose ack proves every earlier frame was handled. */
export async function barrier(c: Client, id = 999_999): Promise<void> {
  const before = c.replies.length;
  c.send({ op: 'pub', topic: 'barrier', data: null, id });
  await c.until(() =>
    c.replies.slice(before).some((r) => isReply(r) && r.op === 'ack' && r.id === id),
  );
}

export function isReply(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A published item as the dispatcher is told it: with the size the validator's walk found. */
export function item(topic: string, data: unknown): PublishItem {
  return { topic, data, bytes: payloadBytes(data) };
}

export function withoutBarrier(items: PublishItem[]): PublishItem[] {
  return items.filter((i) => i.topic !== 'barrier');
}
