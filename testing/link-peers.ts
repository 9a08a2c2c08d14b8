/** Helpers shared by the link tests (not part of the public surface). */
import net from 'node:net';
import { ActorSystem } from '../actors';

import { decodePayload, encodeFrame, FrameDecoder, payloadBytes } from '../protocol';
import type { LinkMsg, LinkPeerInfo } from '../dispatcher/link-messages';
import { authFrame, newNonce, parseHello } from '../dispatcher/link/handshake';
import { newLinkStats } from '../dispatcher/link/link-stats';
import type { LinkEndpoint, LinkHandlers, LinkOptions } from '../dispatcher/link/types';
import { eventually } from './eventually';

export const SECRET = 's3cr3t-cluster-key';

export interface LogLine {
  level: string;
  msg: string;
  meta?: Record<string, unknown>;
}

export function linkOptions(
  node: string,
  over: Partial<LinkOptions> = {},
  logs: LogLine[] = [],
): LinkOptions {
  return {
    self: { node, role: 'dispatcher', dc: 'local' },
    secret: SECRET,
    maxFrame: 64 * 1024,
    heartbeatMs: 1000,
    deadAfterMs: 3000,
    sendQueueLimit: 8 * 1024 * 1024,
    handshakeTimeoutMs: 5000,
    log: (level, msg, meta) => logs.push({ level, msg, meta }),
    stats: newLinkStats(),
    ...over,
  };
}

/** Handlers that record what they are told. */
export class Recorder implements LinkHandlers {
  readonly ups: LinkEndpoint[] = [];
  readonly downs: { ep: LinkEndpoint; reason: string }[] = [];
  readonly msgs: LinkMsg[] = [];
  readonly events: string[] = [];

  onUp(ep: LinkEndpoint): void {
    this.ups.push(ep);
    this.events.push('up');
  }
  onMessage(_ep: LinkEndpoint, msg: LinkMsg): void {
    this.msgs.push(msg);
  }
  onDown(ep: LinkEndpoint, reason: string): void {
    this.downs.push({ ep, reason });
    this.events.push(`down:${reason}`);
  }
  get last(): LinkEndpoint {
    const ep = this.ups[this.ups.length - 1];
    if (ep === undefined) throw new Error('no link up');
    return ep;
  }
}

/** A message a gateway may send to a dispatcher. */
export function pub(rid: number): LinkMsg {
  return { op: 'pub', rid, topic: 't', data: { n: rid } };
}

/** `pub(rid)` as the receiver's validator passes it on: with the size of its data. */
export function parsedPub(rid: number): LinkMsg {
  const data = { n: rid };
  return { op: 'pub', rid, topic: 't', data, bytes: payloadBytes(data) };
}

/** A message a dispatcher may send to a dispatcher (or a gateway), with a rid to order by. */
export function fail(rid: number): LinkMsg {
  return { op: 'fail', rid, code: 503, msg: `m${rid}` };
}

/** A socket that reads frames into a queue, to speak the protocol by hand. */
export class RawPeer {
  readonly values: unknown[] = [];
  readonly bytes: Buffer[] = [];
  closed = false;
  private readonly decoder = new FrameDecoder(16 * 1024 * 1024);

  constructor(readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.bytes.push(chunk);
      for (const p of this.decoder.push(chunk)) this.values.push(decodePayload(p));
    });
    socket.on('error', () => undefined);
    socket.on('close', () => (this.closed = true));
  }

  static connect(port: number): Promise<RawPeer> {
    return new Promise((resolve, reject) => {
      const s = net.connect({ host: '127.0.0.1', port }, () => resolve(new RawPeer(s)));
      s.once('error', reject);
    });
  }

  send(value: unknown): void {
    this.socket.write(encodeFrame(value));
  }

  async next(timeoutMs = 3000): Promise<unknown> {
    await eventually(() => this.values.length > 0 || this.closed, timeoutMs);
    if (this.values.length === 0) throw new Error('peer closed');
    return this.values.shift();
  }

  /** Dials a LinkServer and completes the client side of the handshake. */
  static async handshake(
    port: number,
    self: LinkPeerInfo,
    secret: string | undefined,
  ): Promise<RawPeer> {
    const peer = await RawPeer.connect(port);
    const hello = parseHello(await peer.next());
    if (hello === undefined) throw new Error('no hello');
    peer.send(authFrame(self, secret, hello.nonce, newNonce()));
    const welcome = (await peer.next()) as { op: string };
    if (welcome.op !== 'welcome') throw new Error('no welcome');
    peer.send({ op: 'hb' });
    return peer;
  }

  destroy(): void {
    this.socket.destroy();
  }
}

/** Listens on 127.0.0.1, port 0; `close` runs `before` (to end its sockets), then closes. */
async function listenLocal(
  server: net.Server,
  before: () => void,
): Promise<{ port: number; close(): Promise<void> }> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () => {
      before();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** A server whose accepted sockets the test drives by hand. */
export async function rawServer(): Promise<{
  port: number;
  peers: RawPeer[];
  close(): Promise<void>;
}> {
  const peers: RawPeer[] = [];
  const server = net.createServer((s) => peers.push(new RawPeer(s)));
  return { ...(await listenLocal(server, () => peers.forEach((p) => p.destroy()))), peers };
}

/** A TCP proxy that records every byte in both directions. */
export async function recordingProxy(
  targetPort: number,
): Promise<{ port: number; bytes: Buffer[]; close(): Promise<void> }> {
  const bytes: Buffer[] = [];
  const sockets: net.Socket[] = [];
  const server = net.createServer((a) => {
    const b = net.connect({ host: '127.0.0.1', port: targetPort });
    sockets.push(a, b);
    a.on('data', (c: Buffer) => (bytes.push(c), b.write(c)));
    b.on('data', (c: Buffer) => (bytes.push(c), a.write(c)));
    a.on('close', () => b.destroy());
    b.on('close', () => a.destroy());
    a.on('error', () => undefined);
    b.on('error', () => undefined);
  });
  return { ...(await listenLocal(server, () => sockets.forEach((s) => s.destroy()))), bytes };
}

export function newSystem(): ActorSystem {
  return ActorSystem.create('link-test', { log: () => undefined });
}

/** Two connected loopback sockets: `a` dialed, `b` accepted. */
export async function socketPair(): Promise<{
  a: net.Socket;
  b: net.Socket;
  close(): Promise<void>;
}> {
  const server = net.createServer();
  const accepted = new Promise<net.Socket>((resolve) => server.once('connection', resolve));
  const sockets: net.Socket[] = [];
  const { port, close } = await listenLocal(server, () => sockets.forEach((s) => s.destroy()));
  const a = net.connect({ host: '127.0.0.1', port });
  await new Promise((resolve) => a.once('connect', resolve));
  const b = await accepted;
  sockets.push(a, b);
  return { a, b, close };
}
