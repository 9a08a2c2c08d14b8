/**
 * The dialing side of a link, as an actor: socket events become messages in its mailbox, so
 * its state changes one message at a time, and its timers (handshake deadline, heartbeat clock,
 * backoff) die with it.
 *
 *   connecting ──connect──► authenticating ──hello, auth, welcome ok──► up
 *       ▲                        │                                       │
 *       │   deadline, refused,   │  bad mac, garbage, deadline           │ silence, garbage,
 *       │   socket error         ▼                                       ▼ socket end, ep.close()
 *       └──(backoff timer)── backing-off ◄──────────────────────────────┘
 *
 *   stop (or restart) in any state: socket destroyed, onDown if up, no more reconnects.
 *
 * Every socket gets a generation; a message from another socket than the current one is
 * stale and ignored, so a late `data` or `close` of a dropped socket never touches the next.
 */
import net from 'node:net';
import { FrameDecoder, FrameTooLargeError } from '../../protocol';
import type { ActorContext, Behavior } from '../../actors';
import type { LinkPeerInfo } from '../link-messages';
import { backoffDelay, DEFAULT_BACKOFF, type Backoff } from './backoff';
import { guard, LinkChannel, tickInterval, WireCounters, writeFrame } from './channel';
import {
  authFrame,
  isLoopback,
  newNonce,
  parseHello,
  parseWelcome,
  verifyWelcome,
} from './handshake';
import { decodeFrameValue, HEARTBEAT, parseLinkFrame } from './link-frame';
import {
  LinkDrop,
  resolveLinkOptions,
  type LinkHandlers,
  type LinkOptions,
  type ResolvedLinkOptions,
} from './types';

export type LinkClientMsg =
  /** The backoff timer fired. */
  | { readonly type: 'connect' }
  | { readonly type: 'connected'; readonly gen: number }
  | { readonly type: 'data'; readonly gen: number; readonly chunk: Buffer }
  | { readonly type: 'closed'; readonly gen: number; readonly error: string | undefined }
  /** The node called `close` on the endpoint. */
  | { readonly type: 'drop'; readonly gen: number; readonly reason: string }
  /** Connect plus handshake took longer than handshakeTimeoutMs. */
  | { readonly type: 'deadline' }
  /** The heartbeat clock, while up. */
  | { readonly type: 'tick' };

export const LinkClientState = {
  Connecting: 'connecting',
  Authenticating: 'authenticating',
  Up: 'up',
  BackingOff: 'backing-off',
  Stopped: 'stopped',
} as const;
export type LinkClientState = (typeof LinkClientState)[keyof typeof LinkClientState];

export interface LinkTarget {
  readonly host: string;
  readonly port: number;
}

export type LinkClientOptions = LinkOptions & { target: LinkTarget; backoff?: Backoff };

/** The actor's name for a target: `link-host:port`, with anything unusual replaced by `_`. */
export function linkActorName(target: LinkTarget): string {
  return `link-${target.host}:${target.port}`.replace(/[^A-Za-z0-9._:\-[\]]/g, '_');
}

export function linkClientBehavior(
  opts: LinkClientOptions,
  handlers: LinkHandlers,
): Behavior<LinkClientMsg> {
  return new LinkClient(opts, handlers);
}

const S = LinkClientState;

/**
 * Socket generations are unique per process, not per incarnation: after a supervisor restart
 * the new incarnation shares the ActorRef with the old one, whose destroyed socket may still
 * report its `close`, and that report must not match the new socket.
 */
let lastGen = 0;

class LinkClient implements Behavior<LinkClientMsg> {
  private readonly o: ResolvedLinkOptions;
  private readonly target: LinkTarget;
  private readonly remote: string;
  private readonly backoff: Backoff;
  private ctx!: ActorContext<LinkClientMsg>;
  private state: LinkClientState = S.Connecting;
  private gen = 0;
  private socket: net.Socket | undefined;
  private decoder: FrameDecoder | undefined;
  private readonly counters: WireCounters;
  private clientNonce = '';
  private hello: { nonce: string; peer: LinkPeerInfo } | undefined;
  private channel: LinkChannel | undefined;
  /** Failed attempts since the link was last up; the backoff exponent. */
  private attempts = 0;
  private connects = 0;
  private lastError: string | undefined;
  private upSince: string | undefined;

  constructor(
    opts: LinkClientOptions,
    private readonly handlers: LinkHandlers,
  ) {
    this.o = resolveLinkOptions(opts);
    this.counters = new WireCounters(this.o.stats);
    this.target = opts.target;
    this.remote = `${opts.target.host}:${opts.target.port}`;
    this.backoff = opts.backoff ?? DEFAULT_BACKOFF;
  }

  preStart(ctx: ActorContext<LinkClientMsg>): void {
    this.ctx = ctx;
    this.connect();
  }

  postStop(): void {
    this.shutdown();
  }

  preRestart(): void {
    this.shutdown();
  }

  receive(msg: LinkClientMsg): void {
    switch (msg.type) {
      case 'connect':
        if (this.state === S.BackingOff) this.connect();
        return;
      case 'connected':
        if (msg.gen === this.gen && this.state === S.Connecting) this.onConnected();
        return;
      case 'data':
        if (msg.gen === this.gen && (this.state === S.Authenticating || this.state === S.Up))
          this.onData(msg.chunk);
        return;
      case 'closed':
        if (msg.gen === this.gen && this.isLive()) this.onClosed(msg.error);
        return;
      case 'drop':
        if (msg.gen === this.gen && this.state === S.Up) this.drop(msg.reason);
        return;
      case 'deadline':
        if (this.state === S.Connecting || this.state === S.Authenticating) {
          this.fail(
            LinkDrop.HandshakeTimeout,
            `no handshake within ${this.o.handshakeTimeoutMs} ms`,
          );
        }
        return;
      case 'tick':
        if (this.state === S.Up && !this.channel!.tick())
          this.fail(LinkDrop.PeerDead, `silent for ${this.o.deadAfterMs} ms`);
        return;
    }
  }

  inspect(): Record<string, unknown> {
    return {
      state: this.state,
      target: this.remote,
      peer: this.channel?.peer ?? this.hello?.peer,
      upSince: this.upSince,
      attempts: this.attempts,
      lastError: this.lastError,
      ...this.counters.snapshot(),
    };
  }

  private isLive(): boolean {
    return this.state === S.Connecting || this.state === S.Authenticating || this.state === S.Up;
  }

  private connect(): void {
    const gen = (this.gen = ++lastGen);
    if (this.connects++ > 0) this.o.stats.reconnects++;
    this.state = S.Connecting;
    this.hello = undefined;
    this.clientNonce = newNonce();
    this.decoder = new FrameDecoder(this.o.maxFrame);
    this.ctx.timers.startSingle('deadline', { type: 'deadline' }, this.o.handshakeTimeoutMs);
    const self = this.ctx.self;
    let error: string | undefined;
    let socket: net.Socket;
    try {
      socket = net.connect({ host: this.target.host, port: this.target.port });
    } catch (err) {
      // A target Node refuses outright (a port out of range): retried like any failure, and logged.
      return this.fail(LinkDrop.SocketClosed, (err as Error).message);
    }
    socket.setNoDelay(true);
    socket.on('connect', () => self.tell({ type: 'connected', gen }));
    socket.on('data', (chunk: Buffer) => self.tell({ type: 'data', gen, chunk }));
    socket.on('error', (err) => (error = err.message));
    socket.on('close', () => self.tell({ type: 'closed', gen, error }));
    this.socket = socket;
  }

  private onClosed(error: string | undefined): void {
    // Before up this is usually "connection refused" while the peer is down (or its refusal of
    // our handshake): logged on the 1st, 2nd, 4th, 8th... failure in a row, not on every retry.
    const a = this.attempts;
    if (this.state !== S.Up && (a & (a - 1)) === 0) {
      this.o.log('warn', 'link attempt failed', {
        side: 'client',
        remote: this.remote,
        state: this.state,
        attempts: a + 1,
        detail: error ?? 'closed by peer',
      });
    }
    this.drop(LinkDrop.SocketClosed, error);
  }

  private onConnected(): void {
    if (this.o.secret === undefined && !isLoopback(this.socket!.remoteAddress)) {
      return this.fail(LinkDrop.NotLoopback, 'no --cluster-secret: loopback peers only');
    }
    this.state = S.Authenticating;
  }

  private onData(chunk: Buffer): void {
    const gen = this.gen;
    this.counters.countIn(chunk.length);
    this.channel?.touch();
    let payloads: Buffer[];
    try {
      payloads = this.decoder!.push(chunk);
    } catch (err) {
      if (!(err instanceof FrameTooLargeError)) throw err;
      return this.fail(LinkDrop.FrameTooLarge, err.message);
    }
    for (const payload of payloads) {
      this.counters.countFrameIn();
      if (this.state === S.Up) this.onLinkFrame(payload);
      else this.onHandshakeFrame(payload);
      if (gen !== this.gen) return;
    }
  }

  private onHandshakeFrame(payload: Buffer): void {
    const d = decodeFrameValue(payload);
    if (!d.ok) return this.fail(LinkDrop.BadFrame, d.why);
    if (this.hello === undefined) {
      const hello = parseHello(d.value);
      if (hello === undefined) return this.fail(LinkDrop.BadFrame, 'expected hello (v1)');
      this.hello = {
        nonce: hello.nonce,
        peer: { node: hello.node, role: hello.role, dc: hello.dc },
      };
      writeFrame(
        this.socket!,
        authFrame(this.o.self, this.o.secret, hello.nonce, this.clientNonce),
        this.counters,
      );
      return;
    }
    const welcome = parseWelcome(d.value);
    if (welcome === undefined) return this.fail(LinkDrop.BadFrame, 'expected welcome');
    const { nonce, peer } = this.hello;
    if (!verifyWelcome(this.o.secret, this.clientNonce, nonce, peer, welcome)) {
      return this.fail(LinkDrop.AuthFailed, 'server mac did not verify');
    }
    this.becomeUp(this.hello.peer);
  }

  private becomeUp(peer: LinkPeerInfo): void {
    const gen = this.gen;
    const socket = this.socket!;
    const self = this.ctx.self;
    // The confirmation the server waits for before it reports the link up.
    writeFrame(socket, HEARTBEAT, this.counters);
    this.ctx.timers.cancel('deadline');
    this.ctx.timers.startPeriodic('tick', { type: 'tick' }, tickInterval(this.o));
    this.state = S.Up;
    this.attempts = 0;
    this.upSince = new Date().toISOString();
    const ch = new LinkChannel(
      socket,
      peer,
      this.remote,
      'dialed',
      this.o,
      this.counters,
      (reason) => {
        // Effective at once (sends fail, the socket is gone); onDown follows in the actor's turn.
        ch.markClosed();
        socket.destroy();
        self.tell({ type: 'drop', gen, reason });
      },
    );
    this.channel = ch;
    this.o.stats.up++;
    this.o.log('info', 'link up', {
      side: 'client',
      remote: this.remote,
      peer: peer.node,
      role: peer.role,
      dc: peer.dc,
    });
    guard(this.o, 'onUp', () => this.handlers.onUp(ch));
  }

  private onLinkFrame(payload: Buffer): void {
    // Closed by the node (ep.close) with frames still queued: the drop message is on its way.
    if (!this.channel!.isOpen) return;
    const f = parseLinkFrame(payload, { from: this.channel!.peer.role, to: this.o.self.role });
    if (f.kind === 'bad') return this.fail(LinkDrop.BadFrame, f.why);
    if (f.kind === 'hb') return;
    const ch = this.channel!;
    guard(this.o, 'onMessage', () => this.handlers.onMessage(ch, f.msg));
  }

  /** A drop the peer (or the network) caused: counted, logged as a warning, retried. */
  private fail(reason: LinkDrop, detail: string): void {
    if (reason === LinkDrop.AuthFailed || reason === LinkDrop.NotLoopback)
      this.o.stats.authFailures++;
    else this.o.stats.protocolDrops++;
    this.o.log('warn', 'link dropped', {
      side: 'client',
      remote: this.remote,
      peer: this.hello?.peer.node,
      why: reason,
      detail,
    });
    this.drop(reason, detail);
  }

  /** Closes the current socket, reports onDown if it was up, and backs off (unless stopped). */
  private drop(reason: string, detail?: string, retry = true): void {
    const ch = this.state === S.Up ? this.channel : undefined;
    this.gen = ++lastGen;
    this.socket?.destroy();
    this.socket = undefined;
    this.decoder = undefined;
    this.channel = undefined;
    this.upSince = undefined;
    this.lastError = detail === undefined ? reason : `${reason}: ${detail}`;
    if (retry) this.backOff();
    else this.state = S.Stopped;
    if (ch === undefined) return;
    ch.markClosed();
    this.o.stats.up--;
    this.o.log('info', 'link down', {
      side: 'client',
      remote: this.remote,
      peer: ch.peer.node,
      why: reason,
      detail,
    });
    guard(this.o, 'onDown', () => this.handlers.onDown(ch, reason));
  }

  private backOff(): void {
    this.ctx.timers.cancel('tick');
    this.ctx.timers.cancel('deadline');
    this.state = S.BackingOff;
    const delay = backoffDelay(this.attempts++, this.backoff);
    this.ctx.timers.startSingle('retry', { type: 'connect' }, delay);
  }

  private shutdown(): void {
    if (this.state === S.Stopped) return;
    this.drop(LinkDrop.Stopped, undefined, false);
  }
}
