/**
 * The deadlines of a publisher connection (PROTOCOL.md §11), checked by one sweep over every
 * connection rather than a timer each: a publisher port may hold thousands of connections and
 * a timer re-armed per frame would cost more than the publishes.
 *
 *   accepted ──auth within authMs (where required)──► publishing
 *   publishing: a frame begun must end within frameMs; some frame must come within idleMs
 *
 * - auth: where a token is required, a connection that has not authenticated authMs after it
 *   was accepted is closed (a silent socket must not hold a descriptor for nothing).
 * - frame: a frame begun (its first byte read) and not complete within frameMs closes the
 *   connection: a partial frame holds up to the frame limit (1 MiB) of memory, for as long as
 *   the peer likes otherwise.
 * - idle: no complete frame for idleMs (0: never) closes it; any frame resets it, an `auth`
 *   included, so a quiet publisher can keep its connection.
 *
 * While the server itself holds a connection back (its reads paused for backpressure, or
 * publishes waiting on the dispatcher) no deadline runs: the wait is ours, not the peer's.
 */

export interface PublisherDeadlines {
  readonly authMs: number;
  readonly frameMs: number;
  /** 0: never. */
  readonly idleMs: number;
}

export const DEFAULT_PUBLISHER_DEADLINES: PublisherDeadlines = {
  authMs: 5000,
  frameMs: 10_000,
  idleMs: 300_000,
};

/** A partial frame may be held at most this long, whatever the flag says (PROTOCOL.md §11). */
export const MAX_FRAME_DEADLINE_MS = 30_000;

/** How often the sweep looks at every connection: deadlines fire up to this late. */
export const SWEEP_MS = 1000;

/** Why a connection was closed; each is also its `badInput` key. */
export const Expiry = {
  Auth: 'auth_timeout',
  Frame: 'frame_timeout',
  Idle: 'idle_timeout',
} as const;
export type Expiry = (typeof Expiry)[keyof typeof Expiry];

/** The times one connection's deadlines are measured from. */
export class PublisherClock {
  /** When the last complete frame arrived (accept time before the first). */
  private lastFrameAt: number;
  /** When the frame now held in part began; 0 when none is. */
  private partialSince = 0;

  constructor(
    private readonly openedAt: number,
    /** False until the connection authenticates where auth is required. */
    public authed: boolean,
  ) {
    this.lastFrameAt = openedAt;
  }

  /** After a read: `frames` completed by it, `buffered` bytes of a next frame held. */
  onRead(now: number, frames: number, buffered: number): void {
    if (frames > 0) this.lastFrameAt = now;
    if (buffered === 0) this.partialSince = 0;
    else if (frames > 0 || this.partialSince === 0) this.partialSince = now;
  }

  /** The server stopped holding the connection back: its deadlines start over from `now`. */
  resumed(now: number): void {
    this.lastFrameAt = now;
    if (this.partialSince !== 0) this.partialSince = now;
  }

  /** The first deadline passed at `now`, if any; `waiting`: the server holds the connection. */
  expired(now: number, d: PublisherDeadlines, waiting: boolean): Expiry | undefined {
    if (waiting) return undefined;
    if (!this.authed && now - this.openedAt >= d.authMs) return Expiry.Auth;
    if (this.partialSince !== 0 && now - this.partialSince >= d.frameMs) return Expiry.Frame;
    if (d.idleMs > 0 && this.partialSince === 0 && now - this.lastFrameAt >= d.idleMs) {
      return Expiry.Idle;
    }
    return undefined;
  }
}
