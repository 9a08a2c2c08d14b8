/**
 * The shared presence store (`--store redis://host:port[/db]`): the seed's K/V design, so any
 * dispatcher can process any heartbeat and the entries outlive a dispatcher.
 *
 *   <prefix>presence:<member> = lastSeen   PX ttlMs        (d + ε: exists ⇔ online)
 *   <prefix>lastseen:<member> = lastSeen   PX retentionMs  (answers lastSeen once offline)
 *
 * `touch` writes both keys with `SET key now PX ttl GET` (Redis ≥ 6.2): the reply is the value
 * the key held, so "was there an unexpired entry" is decided by Redis, atomically per member,
 * whichever dispatcher asks. Expiry is Redis's clock, not the `now` passed: `now` is only the
 * lastSeen written. Every call is one pipeline (chunks of `chunkMembers`, written back to back):
 * one round trip however many members.
 *
 * Outages: ready ──(close / error / no answer in commandTimeoutMs)──► down ──(reconnected)──► ready
 *
 * - While down, calls reject at once with StoreUnavailableError: no offline queue, so an outage
 *   never piles commands up; reconnects back off exponentially up to `retryMaxMs`.
 * - A server that holds the socket but does not answer (paused, overloaded): each command
 *   rejects after `commandTimeoutMs`, and the socket timeout drops the connection so the
 *   commands written to it are let go and a reconnect starts.
 * - Key operations awaiting replies are bounded (`maxPending`): past it a call is refused.
 * - `onStateChange(available, reason)` is called once per transition (and once if the first
 *   connection fails), so the node logs one line per outage, not one per reconnect attempt.
 */
import Redis, { type ChainableCommander } from 'ioredis';
import { Limits } from '../server/limits';
import {
  OFFLINE_UNKNOWN,
  StoreUnavailableError,
  type PresenceState,
  type PresenceStore,
} from './store';
import { readRefusal, touchRefusal } from './store-guard';

export interface RedisStoreOptions {
  /** `redis://[user:pass@]host:port[/db]` or `rediss://…` (TLS). */
  url: string;
  /** Put before every key, so tests and clusters can share one Redis (default `troupe:`). */
  keyPrefix?: string;
  /** TTL of the lastseen keys (default 24 h). */
  retentionMs?: number;
  /** A command (or a connect) without an answer for this long rejects; Redis is then down. */
  commandTimeoutMs?: number;
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** Members per pipeline. */
  chunkMembers?: number;
  /** Key operations awaiting replies at most; a call past it is refused. */
  maxPending?: number;
  /** Called once per change of `available`; must not throw (it is caught and ignored). */
  onStateChange?: (available: boolean, reason: string) => void;
}

type State = 'connecting' | 'ready' | 'down' | 'closed';

const DEFAULT_PREFIX = 'troupe:';

export class RedisStore implements PresenceStore {
  readonly kind = 'redis' as const;
  private readonly redis: Redis;
  private readonly prefix: string;
  private readonly retentionMs: number;
  private readonly chunk: number;
  private readonly maxPending: number;
  private readonly onStateChange: RedisStoreOptions['onStateChange'];
  private readonly closeTimeoutMs: number;
  private state: State = 'connecting';
  private lastError = '';
  private inFlight = 0;

  constructor(opts: RedisStoreOptions) {
    this.prefix = opts.keyPrefix ?? DEFAULT_PREFIX;
    this.retentionMs = opts.retentionMs ?? Limits.presenceRetentionMs;
    this.chunk = Math.max(1, opts.chunkMembers ?? Limits.storeChunkMembers);
    this.maxPending = Math.max(2, opts.maxPending ?? Limits.storeMaxPending);
    this.onStateChange = opts.onStateChange;
    const timeout = opts.commandTimeoutMs ?? Limits.storeCommandTimeoutMs;
    this.closeTimeoutMs = timeout;
    const base = opts.retryBaseMs ?? Limits.storeRetryBaseMs;
    const cap = opts.retryMaxMs ?? Limits.storeRetryMaxMs;
    this.redis = new Redis(opts.url, {
      // A call during an outage rejects at once instead of waiting in an unbounded queue.
      enableOfflineQueue: false,
      // Commands in flight when the connection drops reject then, not after the reconnect.
      maxRetriesPerRequest: 0,
      autoResendUnfulfilledCommands: false,
      commandTimeout: timeout,
      // No byte back for this long while commands wait: the socket is dropped and reconnected.
      socketTimeout: timeout,
      connectTimeout: timeout,
      // close() drops the socket at once; a 2 s grace timer (the default) would also outlive a
      // close between reconnect attempts, when there is no socket whose close could clear it.
      disconnectTimeout: 0,
      retryStrategy: (attempt) => Math.min(base * 2 ** Math.min(attempt - 1, 16), cap),
      lazyConnect: false,
      // Shown by CLIENT LIST, so an operator can tell troupe's connections apart.
      connectionName: 'troupe-presence',
    });
    // Every event is listened to: an 'error' without a listener would only be printed, and a
    // reconnect loop would print one per attempt.
    this.redis.on('ready', () => this.transition('ready', 'connected'));
    this.redis.on('error', (err: Error) => {
      this.lastError = err.message;
      this.transition('down', err.message);
    });
    this.redis.on('close', () => this.transition('down', this.lastError || 'connection closed'));
  }

  get available(): boolean {
    return this.state === 'ready';
  }

  /** Key operations sent and not yet answered (for metrics; bounded by `maxPending`). */
  get pending(): number {
    return this.inFlight;
  }

  touch(members: readonly string[], ttlMs: number, now: number): Promise<boolean[]> {
    const refused =
      touchRefusal(this.kind, this.state === 'closed', members, ttlMs, now) ??
      this.unavailable(members.length * 2);
    if (refused !== null) return Promise.reject(refused);
    const at = String(now);
    return this.pipelined(members, 2, (p, chunk) => {
      for (const m of chunk) {
        p.set(this.prefix + 'presence:' + m, at, 'PX', ttlMs, 'GET');
        p.set(this.prefix + 'lastseen:' + m, at, 'PX', this.retentionMs);
      }
    }).then((replies) => {
      const existed = new Array<boolean>(members.length);
      for (let i = 0; i < members.length; i++) existed[i] = replies[2 * i] !== null;
      return existed;
    });
  }

  read(members: readonly string[], now: number): Promise<PresenceState[]> {
    const refused =
      readRefusal(this.kind, this.state === 'closed', members, now) ??
      this.unavailable(members.length * 2);
    if (refused !== null) return Promise.reject(refused);
    return this.pipelined(members, 2, (p, chunk) => {
      for (const m of chunk) {
        p.get(this.prefix + 'presence:' + m);
        p.get(this.prefix + 'lastseen:' + m);
      }
    }).then((replies) => {
      const states = new Array<PresenceState>(members.length);
      for (let i = 0; i < members.length; i++) {
        const live = toMs(replies[2 * i]);
        const last = toMs(replies[2 * i + 1]);
        if (replies[2 * i] !== null) states[i] = { online: true, lastSeen: live ?? last };
        else states[i] = last === null ? OFFLINE_UNKNOWN : { online: false, lastSeen: last };
      }
      return states;
    });
  }

  /**
   * SCANs the live entries (cursor batches of `chunk` keys, one MGET each) until `limit`: each
   * round trip is bounded, and the walk as a whole by the number of online members.
   */
  async liveEntries(limit: number): Promise<{ member: string; lastSeen: number }[]> {
    if (this.state !== 'ready') throw new StoreUnavailableError(`${this.kind} store unavailable`);
    const head = this.prefix + 'presence:';
    // A prefix is a literal: its glob characters are escaped so `p*:` never matches `px:`.
    const pattern = `${head.replace(/[*?[\]\\]/g, '\\$&')}*`;
    const out: { member: string; lastSeen: number }[] = [];
    let cursor = '0';
    try {
      do {
        const [next, keys] = await this.redis.scan(cursor, 'MATCH', pattern, 'COUNT', this.chunk);
        cursor = next;
        if (keys.length === 0) continue;
        const values = await this.redis.mget(...keys);
        for (let i = 0; i < keys.length && out.length < limit; i++) {
          const at = Number(values[i]);
          if (values[i] !== null && Number.isSafeInteger(at)) {
            out.push({ member: keys[i]!.slice(head.length), lastSeen: at });
          }
        }
      } while (cursor !== '0' && out.length < limit);
    } catch (err) {
      throw new StoreUnavailableError((err as Error).message);
    }
    return out;
  }

  async close(): Promise<void> {
    if (this.state === 'closed') return;
    const wasReady = this.state === 'ready';
    this.state = 'closed';
    // Between reconnect attempts there is no socket: disconnect() only cancels the next attempt
    // and 'end' never comes. Otherwise the socket's close ends it; the timer guards the rest.
    const waitForEnd = this.redis.status !== 'reconnecting' && this.redis.status !== 'end';
    let timer: NodeJS.Timeout | undefined;
    const ended = new Promise<void>((resolve) => {
      this.redis.once('end', resolve);
      timer = setTimeout(resolve, this.closeTimeoutMs);
    });
    this.redis.disconnect();
    if (waitForEnd) await ended;
    clearTimeout(timer);
    if (wasReady) this.notify(false, 'closed');
  }

  /** Why a call of `ops` key operations is refused now, or null. */
  private unavailable(ops: number): StoreUnavailableError | null {
    if (this.state !== 'ready') {
      return new StoreUnavailableError(`redis unavailable: ${this.lastError || this.state}`);
    }
    if (this.inFlight + ops > this.maxPending) {
      return new StoreUnavailableError(
        `redis: ${this.inFlight} key operations await replies, ${ops} more would pass ${this.maxPending}`,
      );
    }
    return null;
  }

  /**
   * Sends `members` in pipelines of `chunk` members, all written before any reply is read,
   * and answers each command's reply in order. Any failed command fails the call.
   */
  private async pipelined(
    members: readonly string[],
    opsPerMember: number,
    fill: (p: ChainableCommander, chunk: readonly string[]) => void,
  ): Promise<(string | null)[]> {
    if (members.length === 0) return [];
    const ops = members.length * opsPerMember;
    this.inFlight += ops;
    try {
      const sent: Promise<[Error | null, unknown][] | null>[] = [];
      for (let i = 0; i < members.length; i += this.chunk) {
        const p = this.redis.pipeline();
        fill(p, members.slice(i, i + this.chunk));
        sent.push(p.exec());
      }
      const replies: (string | null)[] = [];
      for (const results of await Promise.all(sent)) {
        if (results === null) throw new StoreUnavailableError('redis: pipeline not executed');
        for (const [err, value] of results) {
          if (err !== null) throw new StoreUnavailableError(`redis: ${err.message}`);
          replies.push(typeof value === 'string' ? value : null);
        }
      }
      return replies;
    } catch (err) {
      if (err instanceof StoreUnavailableError) throw err;
      throw new StoreUnavailableError(`redis: ${(err as Error).message}`);
    } finally {
      this.inFlight -= ops;
    }
  }

  private transition(next: 'ready' | 'down', reason: string): void {
    if (this.state === 'closed' || this.state === next) return;
    this.state = next;
    if (next === 'ready') this.lastError = '';
    this.notify(next === 'ready', reason);
  }

  private notify(available: boolean, reason: string): void {
    try {
      this.onStateChange?.(available, reason);
    } catch {
      // A logging callback that throws must not break the connection's event handling.
    }
  }
}

function toMs(reply: string | null | undefined): number | null {
  if (reply === null || reply === undefined) return null;
  const ms = Number(reply);
  return Number.isFinite(ms) ? ms : null;
}
