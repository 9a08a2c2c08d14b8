/**
 * One connection accepted by the LinkServer, from its first byte to its drop, as an actor
 * under the server's actor (`/user/links/link-<remote host:port>`): socket events, send
 * requests, the server's clock ticks and close requests are messages in its mailbox, so its
 * state changes one message at a time. It stops when its socket closes.
 *
 *   accepted ──hello──► awaiting auth ──auth ok, welcome──► awaiting confirm ──any frame──► up
 *                            │                                   │                          │
 *                            └── bad mac / garbage / timeout ────┴── garbage, silence, ─────┴──► closed
 *                                                                    socket end, close()      (actor stops)
 *
 * The server waits for the client's first frame after `welcome` (the client sends a heartbeat
 * as soon as it has verified the server), so neither side reports a link up that the other
 * refused: a client with a secret refuses a server without one only at step 3.
 *
 * Stopped from outside (the admin `stop`, the server closing, the system terminating) in any
 * state: the socket is destroyed and onDown follows if the link was up.
 */
import type net from 'node:net';
import { performance } from 'node:perf_hooks';
import type { ActorContext, Behavior } from '../../actors';
import { FrameDecoder, FrameTooLargeError } from '../../protocol';
import type { LinkPeerInfo } from '../link-messages';
import { guard, LinkChannel, WireCounters, writeFrame } from './channel';
import { helloFrame, newNonce, parseAuth, serverMac, verifyAuth } from './handshake';
import { decodeFrameValue, parseLinkFrame } from './link-frame';
import { LinkDrop, type LinkHandlers, type ResolvedLinkOptions } from './types';

export type AcceptedLinkMsg =
  | { readonly type: 'data'; readonly chunk: Buffer }
  | { readonly type: 'closed'; readonly error: string | undefined }
  /** A frame the node sent on the endpoint, encoded and within the queue bound. */
  | { readonly type: 'send'; readonly frame: Buffer }
  /** The server's clock: handshake deadline before up, heartbeats and silence after. */
  | { readonly type: 'tick' }
  /** The node called `close` on the endpoint, or the server is closing. */
  | { readonly type: 'drop'; readonly reason: string };

export const AcceptedLinkState = {
  AwaitingAuth: 'awaiting-auth',
  AwaitingConfirm: 'awaiting-confirm',
  Up: 'up',
  Closed: 'closed',
} as const;
export type AcceptedLinkState = (typeof AcceptedLinkState)[keyof typeof AcceptedLinkState];

/** What an accepted link shares with its server. */
export interface AcceptedLinkEnv {
  readonly o: ResolvedLinkOptions;
  readonly handlers: LinkHandlers;
  /** The endpoints that are up, for the server's `links` gauge. */
  readonly up: Set<LinkChannel>;
  /** True once the server is closing: a stop is then reported as `server-closing`. */
  closing(): boolean;
  /**
   * Called once when this link leaves its handshake: up (true), or dropped before (false, which
   * counts against its address). Frees its handshake slot.
   */
  settled(up: boolean): void;
}

export function acceptedLinkBehavior(
  socket: net.Socket,
  remote: string,
  env: AcceptedLinkEnv,
): Behavior<AcceptedLinkMsg> {
  return new AcceptedLink(socket, remote, env);
}

const S = AcceptedLinkState;

class AcceptedLink implements Behavior<AcceptedLinkMsg> {
  private state: AcceptedLinkState = S.AwaitingAuth;
  private readonly o: ResolvedLinkOptions;
  private readonly startedAt = performance.now();
  private readonly nonce = newNonce();
  private readonly decoder: FrameDecoder;
  private readonly counters: WireCounters;
  private ctx!: ActorContext<AcceptedLinkMsg>;
  private channel: LinkChannel | undefined;
  private peer: LinkPeerInfo | undefined;
  private upSince: string | undefined;
  private lastError: string | undefined;

  constructor(
    private readonly socket: net.Socket,
    private readonly remote: string,
    private readonly env: AcceptedLinkEnv,
  ) {
    this.o = env.o;
    this.counters = new WireCounters(this.o.stats);
    this.decoder = new FrameDecoder(this.o.maxFrame);
  }

  preStart(ctx: ActorContext<AcceptedLinkMsg>): void {
    this.ctx = ctx;
    const self = ctx.self;
    const socket = this.socket;
    let error: string | undefined;
    socket.on('data', (chunk: Buffer) => self.tell({ type: 'data', chunk }));
    socket.on('error', (err) => (error = err.message));
    socket.on('close', () => self.tell({ type: 'closed', error }));
    // Closed between the accept and this actor's start: its `close` event is already gone.
    if (socket.destroyed) return this.drop(LinkDrop.SocketClosed);
    writeFrame(socket, helloFrame(this.o.self, this.nonce), this.counters);
  }

  postStop(): void {
    this.drop(this.env.closing() ? LinkDrop.ServerClosing : LinkDrop.Stopped);
  }

  receive(msg: AcceptedLinkMsg): void {
    if (this.state === S.Closed) return;
    switch (msg.type) {
      case 'data':
        return this.onData(msg.chunk);
      case 'closed':
        return this.drop(LinkDrop.SocketClosed, msg.error);
      case 'send':
        return this.channel?.writePosted(msg.frame);
      case 'tick':
        return this.tick();
      case 'drop':
        return this.drop(msg.reason);
    }
  }

  inspect(): Record<string, unknown> {
    return {
      side: 'accepted',
      state: this.state,
      remote: this.remote,
      peer: this.peer,
      upSince: this.upSince,
      lastError: this.lastError,
      queuedBytes: this.channel?.queuedBytes ?? 0,
      ...this.counters.snapshot(),
    };
  }

  private tick(): void {
    const now = performance.now();
    if (this.state === S.Up) {
      if (!this.channel!.tick(now))
        this.fail(LinkDrop.PeerDead, `silent for ${this.o.deadAfterMs} ms`);
    } else if (now - this.startedAt >= this.o.acceptTimeoutMs) {
      this.fail(LinkDrop.HandshakeTimeout, `no handshake within ${this.o.acceptTimeoutMs} ms`);
    }
  }

  /** A drop the peer caused: counted and logged as a warning. */
  private fail(reason: LinkDrop, detail: string): void {
    if (reason === LinkDrop.AuthFailed) this.o.stats.authFailures++;
    else this.o.stats.protocolDrops++;
    this.o.log('warn', 'link dropped', {
      side: 'server',
      remote: this.remote,
      peer: this.peer?.node,
      why: reason,
      detail,
    });
    this.drop(reason, detail);
  }

  /** Closes the socket, reports onDown if the link was up, and stops the actor; idempotent. */
  private drop(reason: string, detail?: string): void {
    if (this.state === S.Closed) return;
    const wasUp = this.state === S.Up;
    if (!wasUp) this.env.settled(false);
    this.state = S.Closed;
    this.lastError = detail === undefined ? reason : `${reason}: ${detail}`;
    this.socket.destroy();
    this.ctx.stop();
    if (!wasUp) return;
    const ch = this.channel!;
    ch.markClosed();
    this.env.up.delete(ch);
    this.o.stats.up--;
    this.o.log('info', 'link down', {
      side: 'server',
      remote: this.remote,
      peer: ch.peer.node,
      why: reason,
      detail,
    });
    guard(this.o, 'onDown', () => this.env.handlers.onDown(ch, reason));
  }

  private onData(chunk: Buffer): void {
    this.counters.countIn(chunk.length);
    this.channel?.touch();
    let payloads: Buffer[];
    try {
      payloads = this.decoder.push(chunk);
    } catch (err) {
      if (!(err instanceof FrameTooLargeError)) throw err;
      return this.fail(LinkDrop.FrameTooLarge, err.message);
    }
    for (const payload of payloads) {
      this.counters.countFrameIn();
      this.onFrame(payload);
      if (this.state === S.Closed) return;
    }
  }

  private onFrame(payload: Buffer): void {
    switch (this.state) {
      case S.AwaitingAuth:
        return this.onAuth(payload);
      case S.AwaitingConfirm:
        this.becomeUp();
        return this.onLinkFrame(payload);
      case S.Up:
        return this.onLinkFrame(payload);
    }
  }

  private onAuth(payload: Buffer): void {
    const d = decodeFrameValue(payload);
    const auth = d.ok ? parseAuth(d.value) : undefined;
    if (auth === undefined) return this.fail(LinkDrop.BadFrame, d.ok ? 'expected auth' : d.why);
    this.peer = { node: auth.node, role: auth.role, dc: auth.dc };
    if (!verifyAuth(this.o.secret, this.nonce, auth))
      return this.fail(LinkDrop.AuthFailed, 'client mac did not verify');
    writeFrame(
      this.socket,
      { op: 'welcome', mac: serverMac(this.o.secret, auth.nonce, this.nonce, this.o.self) },
      this.counters,
    );
    this.state = S.AwaitingConfirm;
  }

  private becomeUp(): void {
    this.state = S.Up;
    this.env.settled(true);
    this.upSince = new Date().toISOString();
    const self = this.ctx.self;
    const up = this.env.up;
    const ch: LinkChannel = new LinkChannel(
      this.socket,
      this.peer!,
      this.remote,
      'accepted',
      this.o,
      this.counters,
      (reason) => {
        // Effective at once (sends fail, the gauge drops); onDown follows in the actor's turn.
        ch.markClosed();
        up.delete(ch);
        self.tell({ type: 'drop', reason });
      },
      (frame) => self.tell({ type: 'send', frame }),
    );
    this.channel = ch;
    up.add(ch);
    this.o.stats.up++;
    this.o.log('info', 'link up', {
      side: 'server',
      remote: this.remote,
      peer: ch.peer.node,
      role: ch.peer.role,
      dc: ch.peer.dc,
    });
    guard(this.o, 'onUp', () => this.env.handlers.onUp(ch));
  }

  private onLinkFrame(payload: Buffer): void {
    // Closed by onUp, or by the node (ep.close) with frames still queued: the drop is on its way.
    if (this.state === S.Closed || !this.channel!.isOpen) return;
    const f = parseLinkFrame(payload, { from: this.peer!.role, to: this.o.self.role });
    if (f.kind === 'bad') return this.fail(LinkDrop.BadFrame, f.why);
    if (f.kind === 'hb') return;
    const ch = this.channel!;
    guard(this.o, 'onMessage', () => this.env.handlers.onMessage(ch, f.msg));
  }
}
