/**
 * The embedded presence store (`--store memory`, the default): entries live in the dispatcher
 * that owns the member's presence topic, so they die with it (the README says what a
 * dispatcher's loss does to presence).
 *
 *   touch(m) ──► live: m ─► {lastSeen, expiresAt}   (re-inserted: the map stays in touch order)
 *                  │ expiresAt passed (sweep), or the live bound is reached (oldest touched)
 *                  ▼
 *               remembered: m ─► lastSeen            (kept `retentionMs` after lastSeen)
 *                  │ lastSeen + retentionMs passed, or the remembered bound is reached
 *                  ▼
 *               forgotten (read answers OFFLINE_UNKNOWN)
 *
 * Expiry is decided by the `now` each call passes, never by a timer, so a test drives it with
 * plain numbers. Both maps are in insertion order, which is touch order, so a sweep walks from
 * the oldest and stops at the first entry still due: each call sweeps a few entries (amortised
 * O(1), never a scan of the map), and a timer (the injectable `clock`, unref'd, stopped by
 * close) lets a bounded batch go per tick when no calls come.
 */
import { Limits } from '../server/limits';
import { OFFLINE_UNKNOWN, type PresenceState, type PresenceStore } from './store';
import { readRefusal, touchRefusal } from './store-guard';

export interface MemoryStoreOptions {
  /** How long an offline member's lastSeen is remembered after it (default 24 h). */
  retentionMs?: number;
  /** Live entries held at most; past it the oldest-touched member is let go (and remembered). */
  maxEntries?: number;
  /** Offline members remembered at most; past it the oldest is forgotten. */
  maxRemembered?: number;
  /** Period of the background sweep; 0 turns it off (calls still sweep). */
  sweepMs?: number;
  /** Entries the background sweep lets go per tick at most. */
  sweepBatch?: number;
  /** The time the background sweep reads; calls use their own `now`. */
  clock?: () => number;
}

export interface MemoryStoreStats {
  /** Live entries held, expired ones the sweep has not reached included. */
  readonly entries: number;
  /** Offline members whose lastSeen is remembered. */
  readonly remembered: number;
  /** Live entries let go at `maxEntries` (their members now read as offline). */
  readonly evicted: number;
}

interface Entry {
  lastSeen: number;
  expiresAt: number;
}

/** Entries each call may sweep besides one per member it names: keeps ahead of the inflow. */
const SWEEP_PER_CALL = 16;

export class MemoryStore implements PresenceStore {
  readonly kind = 'memory' as const;
  private readonly live = new Map<string, Entry>();
  private readonly remembered = new Map<string, number>();
  private readonly retentionMs: number;
  private readonly maxEntries: number;
  private readonly maxRemembered: number;
  private readonly sweepBatch: number;
  private readonly clock: () => number;
  private readonly timer: NodeJS.Timeout | null;
  private evicted = 0;
  private closed = false;

  constructor(opts: MemoryStoreOptions = {}) {
    this.retentionMs = opts.retentionMs ?? Limits.presenceRetentionMs;
    this.maxEntries = Math.max(1, opts.maxEntries ?? Limits.presenceMaxEntries);
    this.maxRemembered = Math.max(0, opts.maxRemembered ?? Limits.presenceMaxRemembered);
    this.sweepBatch = Math.max(1, opts.sweepBatch ?? Limits.presenceSweepBatch);
    this.clock = opts.clock ?? Date.now;
    const sweepMs = opts.sweepMs ?? Limits.presenceSweepMs;
    this.timer =
      sweepMs > 0 ? setInterval(() => this.sweep(this.clock(), this.sweepBatch), sweepMs) : null;
    this.timer?.unref();
  }

  get available(): boolean {
    return !this.closed;
  }

  stats(): MemoryStoreStats {
    return { entries: this.live.size, remembered: this.remembered.size, evicted: this.evicted };
  }

  touch(members: readonly string[], ttlMs: number, now: number): Promise<boolean[]> {
    const refused = touchRefusal(this.kind, this.closed, members, ttlMs, now);
    if (refused !== null) return Promise.reject(refused);
    this.sweep(now, members.length + SWEEP_PER_CALL);
    const existed = new Array<boolean>(members.length);
    for (let i = 0; i < members.length; i++) existed[i] = this.touchOne(members[i]!, ttlMs, now);
    return Promise.resolve(existed);
  }

  read(members: readonly string[], now: number): Promise<PresenceState[]> {
    const refused = readRefusal(this.kind, this.closed, members, now);
    if (refused !== null) return Promise.reject(refused);
    this.sweep(now, members.length + SWEEP_PER_CALL);
    return Promise.resolve(members.map((m) => this.readOne(m, now)));
  }

  close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      if (this.timer !== null) clearInterval(this.timer);
      this.live.clear();
      this.remembered.clear();
    }
    return Promise.resolve();
  }

  private touchOne(member: string, ttlMs: number, now: number): boolean {
    const entry = this.live.get(member);
    if (entry !== undefined) {
      const existed = entry.expiresAt > now;
      // Re-inserted so the map's order stays the touch order the sweep relies on.
      this.live.delete(member);
      entry.lastSeen = now;
      entry.expiresAt = now + ttlMs;
      this.live.set(member, entry);
      return existed;
    }
    this.remembered.delete(member);
    if (this.live.size >= this.maxEntries) this.evictOldest(now);
    this.live.set(member, { lastSeen: now, expiresAt: now + ttlMs });
    return false;
  }

  private readOne(member: string, now: number): PresenceState {
    const entry = this.live.get(member);
    const lastSeen = entry !== undefined ? entry.lastSeen : this.remembered.get(member);
    if (lastSeen === undefined) return OFFLINE_UNKNOWN;
    if (entry !== undefined && entry.expiresAt > now) return { online: true, lastSeen };
    return lastSeen + this.retentionMs > now ? { online: false, lastSeen } : OFFLINE_UNKNOWN;
  }

  /**
   * Lets at most `budget` entries go, oldest first, stopping at the first one still due. A
   * member touched with a longer TTL than those behind it holds them until it expires: they
   * read as offline all the same (reads compare `expiresAt`), they only wait to be freed.
   */
  private sweep(now: number, budget: number): void {
    if (this.closed) return;
    for (const [member, entry] of this.live) {
      if (budget <= 0 || entry.expiresAt > now) break;
      budget--;
      this.live.delete(member);
      this.remember(member, entry.lastSeen, now);
    }
    for (const [member, lastSeen] of this.remembered) {
      if (budget <= 0 || lastSeen + this.retentionMs > now) break;
      budget--;
      this.remembered.delete(member);
    }
  }

  private evictOldest(now: number): void {
    for (const [member, entry] of this.live) {
      this.live.delete(member);
      this.remember(member, entry.lastSeen, now);
      if (entry.expiresAt > now) this.evicted++;
      return;
    }
  }

  private remember(member: string, lastSeen: number, now: number): void {
    if (lastSeen + this.retentionMs <= now || this.maxRemembered === 0) return;
    if (this.remembered.size >= this.maxRemembered) {
      for (const oldest of this.remembered.keys()) {
        this.remembered.delete(oldest);
        break;
      }
    }
    this.remembered.set(member, lastSeen);
  }
}
