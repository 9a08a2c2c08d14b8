/**
 * One connection accepted by the LinkServer, from its first byte to its drop.
 *
 *   accepted ──hello──► awaiting auth ──auth ok, welcome──► awaiting confirm ──any frame──► up
 *       │                    │                                   │                          │
 *       └─ not loopback ─────┴── bad mac / garbage / timeout ────┴── garbage, silence, ─────┴──► closed
 *          (no secret)                                               socket end, close()
 *
 * The server waits for the client's first frame after `welcome` (the client sends a heartbeat
 * as soon as it has verified the server), so neither side reports a link up that the other
 * refused: a client with a secret refuses a server without one only at step 3.
 */
import type net from 'node:net';
import { performance } from 'node:perf_hooks';
import { FrameDecoder, FrameTooLargeError } from '../../protocol';
import type { LinkMsg, LinkPeerInfo } from '../link-messages';
import { guard, LinkChannel, WireCounters, writeFrame } from './channel';
import { helloFrame, newNonce, parseAuth, serverMac, verifyAuth } from './handshake';
import { decodeFrameValue, parseLinkFrame } from './link-frame';
import { mutableLinkStats as stats } from './link-stats';
import { LinkDrop, type LinkHandlers, type ResolvedLinkOptions } from './types';

const State = {
  AwaitingAuth: 'awaiting-auth',
  AwaitingConfirm: 'awaiting-confirm',
  Up: 'up',
  Closed: 'closed',
} as const;
type State = (typeof State)[keyof typeof State];

export class AcceptedLink {
  private state: State = State.AwaitingAuth;
  private readonly startedAt = performance.now();
  private readonly nonce = newNonce();
  private readonly decoder: FrameDecoder;
  private readonly counters = new WireCounters();
  private channel: LinkChannel | undefined;
  private peer: LinkPeerInfo | undefined;
  private socketError: string | undefined;

  constructor(
    private readonly socket: net.Socket,
    readonly remote: string,
    private readonly o: ResolvedLinkOptions,
    private readonly handlers: LinkHandlers,
    /** Called once, when the link is closed, so the server forgets it. */
    private readonly gone: (link: AcceptedLink) => void,
  ) {
    this.decoder = new FrameDecoder(o.maxFrame);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err) => (this.socketError = err.message));
    socket.on('close', () => this.drop(LinkDrop.SocketClosed, this.socketError));
    writeFrame(socket, helloFrame(o.self, this.nonce), this.counters);
  }

  private isOpen(): boolean {
    return this.state !== State.Closed;
  }

  get isUp(): boolean {
    return this.state === State.Up;
  }

  /** The server's clock: handshake deadline before up, heartbeats and silence after. */
  tick(now: number): void {
    if (this.state === State.Up) {
      if (!this.channel!.tick(now))
        this.fail(LinkDrop.PeerDead, `silent for ${this.o.deadAfterMs} ms`);
    } else if (this.state !== State.Closed && now - this.startedAt >= this.o.handshakeTimeoutMs) {
      this.fail(LinkDrop.HandshakeTimeout, `no handshake within ${this.o.handshakeTimeoutMs} ms`);
    }
  }

  /** A drop the peer caused: counted and logged as a warning. */
  fail(reason: LinkDrop, detail: string): void {
    if (this.state === State.Closed) return;
    if (reason === LinkDrop.AuthFailed) stats.authFailures++;
    else stats.protocolDrops++;
    this.o.log('warn', 'link dropped', {
      side: 'server',
      remote: this.remote,
      peer: this.peer?.node,
      why: reason,
      detail,
    });
    this.drop(reason, detail);
  }

  drop(reason: string, detail?: string): void {
    if (this.state === State.Closed) return;
    const wasUp = this.state === State.Up;
    this.state = State.Closed;
    this.socket.destroy();
    this.gone(this);
    if (!wasUp) return;
    const ch = this.channel!;
    ch.markClosed();
    stats.up--;
    this.o.log('info', 'link down', {
      side: 'server',
      remote: this.remote,
      peer: ch.peer.node,
      why: reason,
      detail,
    });
    guard(this.o, 'onDown', () => this.handlers.onDown(ch, reason));
  }

  private onData(chunk: Buffer): void {
    if (this.state === State.Closed) return;
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
      if (!this.isOpen()) return;
    }
  }

  private onFrame(payload: Buffer): void {
    switch (this.state) {
      case State.AwaitingAuth:
        return this.onAuth(payload);
      case State.AwaitingConfirm:
        this.becomeUp();
        return this.onLinkFrame(payload);
      case State.Up:
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
      { op: 'welcome', mac: serverMac(this.o.secret, auth.nonce, this.nonce) },
      this.counters,
    );
    this.state = State.AwaitingConfirm;
  }

  private becomeUp(): void {
    this.state = State.Up;
    const ch = new LinkChannel(
      this.socket,
      this.peer!,
      this.remote,
      this.o,
      this.counters,
      (reason) => this.drop(reason),
    );
    this.channel = ch;
    stats.up++;
    this.o.log('info', 'link up', {
      side: 'server',
      remote: this.remote,
      peer: ch.peer.node,
      role: ch.peer.role,
      dc: ch.peer.dc,
    });
    guard(this.o, 'onUp', () => this.handlers.onUp(ch));
  }

  private onLinkFrame(payload: Buffer): void {
    // onUp may have closed the link already.
    if (!this.isOpen()) return;
    const f = parseLinkFrame(payload);
    if (f.kind === 'bad') return this.fail(LinkDrop.BadFrame, f.why);
    if (f.kind === 'hb') return;
    const ch = this.channel!;
    const msg: LinkMsg = f.msg;
    guard(this.o, 'onMessage', () => this.handlers.onMessage(ch, msg));
  }
}
