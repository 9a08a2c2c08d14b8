/**
 * A link that is up, on either side: the LinkEndpoint the node holds, the write path, and the
 * heartbeat clock. The handshake before it and the drop after it belong to the owner (the
 * server's accepted connection, or the client actor), which `close` calls back.
 *
 * Writes of one turn are coalesced: the first `send` of a turn corks the socket and a
 * setImmediate uncorks it, so a burst leaves as one write while a lone message waits at most
 * one turn. The queue bound is the socket's own buffer (`writableLength`, corked bytes
 * included): a peer that stops reading fills it, and `send` then drops instead of buffering.
 *
 * With a `post` function (the accepted side's actor) `send` encodes and checks the bound at
 * once, then hands the frame to the owner's mailbox; the owner writes it in its own turn
 * (`writePosted`). Frames posted but not yet written count against the bound.
 */
import type net from 'node:net';
import { performance } from 'node:perf_hooks';
import { encodeFrame } from '../../protocol';
import type { LinkMsg, LinkPeerInfo } from '../link-messages';
import { HEARTBEAT } from './link-frame';
import type { LinkStats } from './link-stats';
import type { LinkEndpoint, LinkSide, ResolvedLinkOptions } from './types';

const HEADER_BYTES = 4;
/** Encoded once: every heartbeat writes the same bytes. */
const HEARTBEAT_FRAME = encodeFrame(HEARTBEAT);

/**
 * How often a link checks its clock: twice per heartbeat, so a gap between frames never
 * exceeds it, and often enough that silence and handshake deadlines are seen within half
 * their length.
 */
export function tickInterval(o: ResolvedLinkOptions): number {
  const shortest = Math.min(o.heartbeatMs, o.deadAfterMs, o.handshakeTimeoutMs, o.acceptTimeoutMs);
  return Math.max(5, Math.floor(shortest / 2));
}

/** Counters of one socket, kept across the handshake and shown by `inspect`. */
export class WireCounters {
  framesIn = 0;
  framesOut = 0;
  bytesIn = 0;
  bytesOut = 0;
  droppedSends = 0;

  /** `total`: the node's counters, which every link adds to as well. */
  constructor(private readonly total: LinkStats) {}

  countIn(bytes: number): void {
    this.bytesIn += bytes;
    this.total.bytesIn += bytes;
  }

  countFrameIn(): void {
    this.framesIn++;
    this.total.framesIn++;
  }

  countOut(bytes: number): void {
    this.framesOut++;
    this.bytesOut += bytes;
    this.total.framesOut++;
    this.total.bytesOut += bytes;
  }

  /** The counters as `inspect` shows them. */
  snapshot(): Record<string, number> {
    const { bytesIn, bytesOut, framesIn, framesOut, droppedSends } = this;
    return { bytesIn, bytesOut, framesIn, framesOut, droppedSends };
  }
}

/** A handshake frame: written at once, never corked (the peer waits for it). */
export function writeFrame(socket: net.Socket, value: unknown, counters: WireCounters): void {
  const frame = value === HEARTBEAT ? HEARTBEAT_FRAME : encodeFrame(value);
  counters.countOut(frame.length);
  socket.write(frame);
}

export class LinkChannel implements LinkEndpoint {
  private open = true;
  private corked = false;
  private sentSinceTick = false;
  private lastIn = performance.now();
  private lastOut = performance.now();
  /** Bytes posted to the owner and not yet written. */
  private posted = 0;

  constructor(
    private readonly socket: net.Socket,
    readonly peer: LinkPeerInfo,
    readonly remote: string,
    readonly side: LinkSide,
    private readonly o: ResolvedLinkOptions,
    readonly counters: WireCounters,
    /** The owner drops the link: it calls `markClosed` and onDown. */
    private readonly drop: (reason: string) => void,
    /** Hands a frame to the owner, which writes it with `writePosted`; false: owner gone. */
    private readonly post?: (frame: Buffer) => boolean,
  ) {}

  /** Bytes accepted by `send` and not yet written to the socket. */
  get queuedBytes(): number {
    return this.posted;
  }

  get isOpen(): boolean {
    return this.open;
  }

  send(msg: LinkMsg): boolean {
    if (!this.open) return false;
    let frame: Buffer;
    try {
      frame = encodeFrame(msg);
    } catch (err) {
      return this.refuse('unencodable message', { error: (err as Error).message });
    }
    if (frame.length - HEADER_BYTES > this.o.maxFrame) {
      return this.refuse('message over maxFrame', {
        bytes: frame.length,
        maxFrame: this.o.maxFrame,
      });
    }
    if (this.socket.writableLength + this.posted + frame.length > this.o.sendQueueLimit) {
      this.counters.droppedSends++;
      this.o.stats.droppedSends++;
      return false;
    }
    if (this.post === undefined) {
      this.write(frame);
      return true;
    }
    if (!this.post(frame)) return false;
    this.posted += frame.length;
    return true;
  }

  /** The owner's turn: writes a frame `send` posted (dropped if the link closed meanwhile). */
  writePosted(frame: Buffer): void {
    this.posted -= frame.length;
    if (this.open) this.write(frame);
  }

  close(reason: string): void {
    if (this.open) this.drop(reason);
  }

  /** Called by the owner as it drops the link; later sends return false. */
  markClosed(): void {
    this.open = false;
  }

  /** Bytes arrived from the peer: it is alive. */
  touch(): void {
    this.lastIn = performance.now();
  }

  /**
   * The clock, called every `tickInterval`: false when the peer has been silent for
   * deadAfterMs. Otherwise sends a heartbeat when nothing left for half a heartbeat (as seen
   * at tick granularity) and nothing is still queued (queued bytes reach the peer anyway), so
   * the peer hears from us well within its deadAfterMs.
   */
  tick(now: number = performance.now()): boolean {
    if (!this.open) return true;
    if (now - this.lastIn >= this.o.deadAfterMs) return false;
    if (this.sentSinceTick) {
      this.sentSinceTick = false;
      this.lastOut = now;
    } else if (
      now - this.lastOut >= this.o.heartbeatMs / 2 &&
      this.socket.writableLength === 0 &&
      this.posted === 0
    ) {
      this.write(HEARTBEAT_FRAME);
      this.sentSinceTick = false;
      this.lastOut = now;
    }
    return true;
  }

  private write(frame: Buffer): void {
    if (!this.corked) {
      this.corked = true;
      this.socket.cork();
      setImmediate(this.uncork);
    }
    this.sentSinceTick = true;
    this.counters.countOut(frame.length);
    this.socket.write(frame);
  }

  private readonly uncork = (): void => {
    this.corked = false;
    this.socket.uncork();
  };

  private refuse(why: string, meta: Record<string, unknown>): false {
    this.counters.droppedSends++;
    this.o.stats.droppedSends++;
    this.o.log('warn', `link send dropped: ${why}`, {
      remote: this.remote,
      peer: this.peer.node,
      ...meta,
    });
    return false;
  }
}

/**
 * A handler that throws is the node's bug, not the peer's: it is logged and the link goes on
 * (an exception thrown out of a socket callback would take the whole process down).
 */
export function guard(o: ResolvedLinkOptions, what: string, fn: () => void): void {
  try {
    fn();
  } catch (err) {
    o.log('error', `link ${what} handler threw`, {
      error: err instanceof Error ? err.message : String(err),
    });
  }
}
