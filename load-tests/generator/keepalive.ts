/**
 * Client pings for connections that otherwise never send anything (presence members, watchers):
 * troupe closes a connection that sends no frame for 2.5 heartbeats (1001 idle timeout, hello's
 * `hb`, 25 s by default), and the presence scenario holds its connections longer than that.
 *
 * One timer per worker process, not one per connection: every `tickMs` it pings the
 * connections whose last ping is `everyMs` old, so the pings of connections opened together
 * stay as spread out as their opening was.
 */
import { packr } from './framing';
import type { RawWsClient } from './ws-client';

/** Below troupe's default hb of 25 s: one ping per hb, well inside the 62.5 s idle bound. */
export const PING_EVERY_MS = 20_000;
const PING = packr.pack({ op: 'ping' });

export class Keepalive {
  private readonly due = new Map<RawWsClient, number>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly everyMs = PING_EVERY_MS,
    tickMs = 1000,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.timer = setInterval(() => this.tick(), tickMs);
    this.timer.unref();
  }

  /** Pings `c` every `everyMs` from now on, while it is open. */
  track(c: RawWsClient): void {
    this.due.set(c, this.now() + this.everyMs);
  }

  untrack(c: RawWsClient): void {
    this.due.delete(c);
  }

  get size(): number {
    return this.due.size;
  }

  /** Pings every connection whose ping is due; forgets the closed ones. */
  tick(): void {
    const now = this.now();
    for (const [c, at] of this.due) {
      if (at > now) continue;
      if (!c.isOpen) {
        this.due.delete(c);
        continue;
      }
      c.send(PING);
      this.due.set(c, now + this.everyMs);
    }
  }

  stop(): void {
    clearInterval(this.timer);
    this.due.clear();
  }
}
