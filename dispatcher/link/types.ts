/**
 * The contracts of inter-node links: what a link that is up looks like to the node, the
 * callbacks a node hands to a link, and the options both sides share.
 */
import type { LinkMsg, LinkPeerInfo } from '../link-messages';
import type { LinkStats } from './link-stats';

/**
 * Which side opened the link: `dialed` links go to an address this node was configured with
 * (--dispatchers, --peers, --peer-dcs); `accepted` ones came in on --link-port.
 */
export type LinkSide = 'dialed' | 'accepted';

/** One link that is up, on either side. */
export interface LinkEndpoint {
  /** Who is at the other end, as its handshake told (and its mac proved, with a secret). */
  readonly peer: LinkPeerInfo;
  /** "host:port" of the other end. */
  readonly remote: string;
  readonly side: LinkSide;
  /**
   * Encodes one frame and writes it. False when the link is not up, when the bytes already
   * buffered in the socket plus this frame exceed `sendQueueLimit`, or when the frame is over
   * `maxFrame`: the message is dropped and counted, never queued for later.
   */
  send(msg: LinkMsg): boolean;
  /** Drops the link (onDown follows); idempotent. */
  close(reason: string): void;
}

export interface LinkHandlers {
  onUp(ep: LinkEndpoint): void;
  /** Application frames only: heartbeats and handshake frames never reach it. */
  onMessage(ep: LinkEndpoint, msg: LinkMsg): void;
  /** Exactly once per onUp, with the same endpoint. */
  onDown(ep: LinkEndpoint, reason: string): void;
}

export type LinkLogLevel = 'info' | 'warn' | 'error';
export type LinkLog = (level: LinkLogLevel, msg: string, meta?: Record<string, unknown>) => void;

export interface LinkOptions {
  self: LinkPeerInfo;
  /** --cluster-secret; undefined: only loopback peers are accepted (and dialed). */
  secret: string | undefined;
  /** Largest frame body accepted (and sent); a peer that sends a larger one is dropped. */
  maxFrame: number;
  /** Send `{op: 'hb'}` when nothing was sent for this long; default 1000. */
  heartbeatMs?: number;
  /** A peer silent for this long is dropped; default 3000. */
  deadAfterMs?: number;
  /** Bytes buffered in the socket past which `send` returns false; default 8 MiB. */
  sendQueueLimit?: number;
  /** Connect plus handshake must finish within this (dialing side); default 5000. */
  handshakeTimeoutMs?: number;
  /**
   * An accepted connection must finish its handshake within this; default 2000. Short, because
   * until then it holds one of the server's handshake slots (link-server.ts).
   */
  acceptTimeoutMs?: number;
  /** Handshakes in flight from one remote address past which its connections are refused. */
  maxPendingPerAddress?: number;
  log: LinkLog;
  /** Where every link of the node counts (the node owns it; /metrics reads it). */
  stats: LinkStats;
}

export const LINK_DEFAULTS = {
  heartbeatMs: 1000,
  deadAfterMs: 3000,
  sendQueueLimit: 8 * 1024 * 1024,
  handshakeTimeoutMs: 5000,
  acceptTimeoutMs: 2000,
  maxPendingPerAddress: 64,
} as const;

/** LinkOptions with every default applied. */
export type ResolvedLinkOptions = Required<Omit<LinkOptions, 'secret'>> & {
  secret: string | undefined;
};

export function resolveLinkOptions(o: LinkOptions): ResolvedLinkOptions {
  return {
    self: o.self,
    secret: o.secret,
    maxFrame: o.maxFrame,
    heartbeatMs: o.heartbeatMs ?? LINK_DEFAULTS.heartbeatMs,
    deadAfterMs: o.deadAfterMs ?? LINK_DEFAULTS.deadAfterMs,
    sendQueueLimit: o.sendQueueLimit ?? LINK_DEFAULTS.sendQueueLimit,
    handshakeTimeoutMs: o.handshakeTimeoutMs ?? LINK_DEFAULTS.handshakeTimeoutMs,
    acceptTimeoutMs: o.acceptTimeoutMs ?? LINK_DEFAULTS.acceptTimeoutMs,
    maxPendingPerAddress: o.maxPendingPerAddress ?? LINK_DEFAULTS.maxPendingPerAddress,
    log: o.log,
    stats: o.stats,
  };
}

/**
 * Why a link went down (the `reason` of onDown, and the `why` of the log line), one table for
 * both sides so operators grep one vocabulary.
 */
export const LinkDrop = {
  /** The peer's mac did not verify, or it needs a secret we do not have (or the reverse). */
  AuthFailed: 'auth-failed',
  /** No secret configured and the peer is not on loopback. */
  NotLoopback: 'not-loopback',
  /** Not msgpack, not a map, no known op, or a handshake frame out of order. */
  BadFrame: 'bad-frame',
  FrameTooLarge: 'frame-too-large',
  HandshakeTimeout: 'handshake-timeout',
  /** Refused at accept: too many handshakes in flight from its address, or overall. */
  TooManyHandshakes: 'too-many-handshakes',
  /** Refused at accept: its address failed too many handshakes lately (link-server.ts). */
  Throttled: 'throttled',
  /** Nothing received for deadAfterMs. */
  PeerDead: 'peer-dead',
  /** The socket ended or failed. */
  SocketClosed: 'socket-closed',
  /** The server is closing. */
  ServerClosing: 'server-closing',
  /** The client actor stopped (or restarted). */
  Stopped: 'stopped',
} as const;
export type LinkDrop = (typeof LinkDrop)[keyof typeof LinkDrop];
