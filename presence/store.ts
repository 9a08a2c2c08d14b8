/**
 * Where presence entries live (PROTOCOL.md §7): the seam between the presence actors of the
 * dispatcher tier and the state that decides whether a member is online.
 *
 *   heartbeat ──► touch(members, d + ε) ──► per member: was there an unexpired entry?
 *                                             no  ──► the caller publishes `online`
 *                                             yes ──► lastSeen refreshed, nothing published
 *   offline trigger (d + 2ε) ──► read(member) ──► entry expired ──► the caller publishes `offline`
 *
 * Two implementations pass one contract suite (`store.contract.test.ts`): `memory` (the embedded
 * default, held by the dispatcher that owns the member's presence topic) and Redis (every
 * dispatcher shares the entries, so any of them can process any heartbeat and the entries
 * outlive a dispatcher). A store never throws synchronously: a failure is a rejected promise
 * with `StoreUnavailableError`, and the caller degrades to "presence unknown" (arguments no
 * heartbeat could carry, a `ttlMs` that is not a positive integer or a `now` that is not ms
 * since the epoch, reject with a RangeError instead). docs/presence-store.md has the keys,
 * bounds and outage behaviour of each store.
 *
 * Besides the live entry (TTL d + ε), a store keeps each member's last `lastSeen` for
 * `retentionMs` after it goes offline, so a `sub` to an offline member's presence topic can
 * answer when it was last seen.
 */

export interface PresenceState {
  /** True while the member's entry (TTL d + ε) has not expired. */
  readonly online: boolean;
  /** ms since the epoch of the last heartbeat, or null when none is remembered. */
  readonly lastSeen: number | null;
}

export const OFFLINE_UNKNOWN: PresenceState = Object.freeze({ online: false, lastSeen: null });

export interface PresenceStore {
  readonly kind: 'memory' | 'redis';
  /**
   * Writes (or refreshes) each member's entry with `lastSeen = now` and a TTL of `ttlMs`.
   * Answers, in the order of `members`, whether an unexpired entry existed before this call
   * (true: the member was already online). Atomic per member: of two concurrent touches of an
   * offline member, exactly one answers false. The memory store expires entries by `now`; Redis
   * by its own clock (`now` is then only the lastSeen written).
   */
  touch(members: readonly string[], ttlMs: number, now: number): Promise<boolean[]>;
  /** Each member's state, in the order of `members` (a member never seen: OFFLINE_UNKNOWN). */
  read(members: readonly string[], now: number): Promise<PresenceState[]>;
  /**
   * Members with an unexpired entry and their lastSeen, at most `limit` of them (any order).
   * Only a shared store has it: a dispatcher that becomes the owner of members (a peer died)
   * adopts their entries, so a member who left while its owner was dying still goes offline.
   */
  liveEntries?(limit: number): Promise<{ member: string; lastSeen: number }[]>;
  /** True while the store answers (a Redis store that lost its server: false until it is back). */
  readonly available: boolean;
  /** Releases connections and timers; later calls reject. Idempotent. */
  close(): Promise<void>;
}

/** A store that could not answer: the caller treats the members' presence as unknown. */
export class StoreUnavailableError extends Error {
  readonly code = 'STORE_UNAVAILABLE';
  constructor(message: string) {
    super(message);
    this.name = 'StoreUnavailableError';
  }
}
