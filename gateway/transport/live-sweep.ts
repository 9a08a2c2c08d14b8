/**
 * Finds slow consumers among the sockets fed by native fan-out (`join`ed to a channel).
 *
 * Frames published to a channel reach its sockets in native code, so no JavaScript sees a
 * socket's buffer grow as it does for a `send`. The sweep reads the buffered bytes of each such
 * socket and closes those over the bound with 4008, exactly as a send past the bound would.
 *
 * When: a socket's buffer grows by at most what was published since the last sweep (each frame
 * reaches a socket once), so a sweep runs as soon as half the bound has been published (on the
 * next turn, after uWS wrote the frames), and every `everyMs` while some socket is joined (for a
 * buffer left over the bound by a burst). uWS keeps its own, higher bound
 * (`closeOnBackpressureLimit`, 4x): a socket could only pass it with more than the whole bound
 * published in one turn, and is then closed by uWS at the next frame rather than skipped, so a
 * frame is never left out silently.
 */
import { CloseCode, Disconnect } from '../../protocol';

export interface SweptConnection {
  /** Joined to some channel: set and cleared by the sweep only (`add`, `delete`). */
  joined: boolean;
  bufferedAmount(): number;
  close(code: number, reason: string): void;
}

/** A list of sockets walked by place: `at(i)` for `0 <= i < size` (socket-list.ts). */
export interface Walkable<C> {
  readonly size: number;
  at(i: number): C | undefined;
}

/**
 * Walks the transport's own list of open sockets and reads those marked `joined`, rather than
 * keeping a set of its own: a second set of every socket cost 33 bytes per connection. The
 * walk is by index, not an iterator: a generator's result object per socket, every second, was
 * the largest single source of garbage in a connect storm's old generation (RESULTS.md,
 * session of 2026-12-03, second).
 */
export class LiveSweep<C extends SweptConnection> {
  /** Connections marked joined. */
  private joinedCount = 0;
  private timer: NodeJS.Timeout | undefined;
  /** Bytes published since the last sweep. */
  private bytes = 0;
  private due = false;

  constructor(
    /** Every open socket of the transport: the sweep reads those marked joined. */
    private readonly all: Walkable<C>,
    private readonly limit: number,
    private readonly everyMs: number,
  ) {}

  get size(): number {
    return this.joinedCount;
  }

  add(conn: C): void {
    if (conn.joined) return;
    conn.joined = true;
    this.joinedCount++;
    if (this.timer === undefined) {
      this.timer = setInterval(() => this.sweep(), this.everyMs);
      this.timer.unref();
    }
  }

  delete(conn: C): void {
    if (!conn.joined) return;
    conn.joined = false;
    if (--this.joinedCount === 0) this.stop();
  }

  /** `n` bytes were published to some channel: sweep once half the bound has been. */
  published(n: number): void {
    this.bytes += n;
    if (this.due || this.bytes < this.limit / 2 || this.joinedCount === 0) return;
    this.due = true;
    setImmediate(() => this.sweep());
  }

  /** Closes every joined socket over the bound (4008); returns how many. */
  sweep(): number {
    this.bytes = 0;
    this.due = false;
    let closed = 0;
    const { all } = this;
    // Last to first, so a socket closed from inside the loop costs no other socket its turn:
    // what moves into its place was visited already.
    for (let i = all.size - 1; i >= 0; i--) {
      const conn = all.at(i);
      if (conn === undefined || !conn.joined || conn.bufferedAmount() <= this.limit) continue;
      this.delete(conn);
      conn.close(CloseCode.SlowConsumer, Disconnect.SlowConsumer.reason);
      closed++;
    }
    return closed;
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }
}
