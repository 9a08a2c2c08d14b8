/**
 * The churn of the presence scenario: members going offline (their connection closes) and
 * online (a new connection) at a steady rate, as a pure schedule the coordinator polls.
 *
 *   online pools (watched, others)   ──close──►   offline FIFO   ──open (after minOfflineMs)──►
 *        ▲                                                                                   │
 *        └───────────────────────────────────────────────────────────────────────────────────┘
 *
 * - Closes run at `ratePerSec` from the start; opens at the same rate from `minOfflineMs` after
 *   it, so the offline population settles at about rate x minOfflineMs and the online one stays
 *   near constant.
 * - A member stays online at least `minOnlineMs` (its `online` has reached its watcher before it
 *   leaves) and offline at least `minOfflineMs` (set above d + 2ε, so its `offline` is out before
 *   it comes back; a member back sooner is never announced offline, by design).
 * - Every other close picks a watched member when one is eligible, so the latencies get enough
 *   samples however large the population; the rest churn too, for the load.
 * - `steady` members never churn: an `offline` for one of them is a false offline.
 *
 * A due close with no eligible member, or a due open with nobody offline, is dropped and
 * counted (`starved`), never owed: the rate is a ceiling, and debt could otherwise pile up into a
 * burst. An open whose next member has not been offline long enough waits for it instead: that
 * member was closed at most one poll after its close was due, so the wait is that short.
 */
import { RingQueue } from '../../actors/ring-queue';

export interface ChurnOptions {
  /** Members are 0 .. members-1, all online when the churn starts. */
  readonly members: number;
  /** Never churned. */
  readonly steady: ReadonlySet<number>;
  /** Churned members whose presence is watched (picked on every other close). */
  readonly watched: ReadonlySet<number>;
  /** Closes per second, and as many opens once the first closed members may come back. */
  readonly ratePerSec: number;
  readonly minOnlineMs: number;
  readonly minOfflineMs: number;
}

export interface ChurnActions {
  readonly close: number[];
  readonly open: number[];
}

export interface ChurnCounts {
  closes: number;
  opens: number;
  /** Due closes or opens with no eligible member, dropped. */
  starvedCloses: number;
  starvedOpens: number;
}

interface Since {
  readonly member: number;
  readonly at: number;
}

export class ChurnSchedule {
  private readonly watchedOnline = new RingQueue<Since>();
  private readonly othersOnline = new RingQueue<Since>();
  private readonly offline = new RingQueue<Since>();
  private closesDue = 0;
  private opensDue = 0;
  private preferWatched = true;
  readonly counts: ChurnCounts = { closes: 0, opens: 0, starvedCloses: 0, starvedOpens: 0 };

  constructor(
    private readonly o: ChurnOptions,
    private readonly startAt: number,
  ) {
    if (!(o.ratePerSec > 0)) throw new Error('churn rate must be above 0');
    // Online since before the start: eligible at once.
    const before = startAt - o.minOnlineMs;
    for (let m = 0; m < o.members; m++) {
      if (o.steady.has(m)) continue;
      (o.watched.has(m) ? this.watchedOnline : this.othersOnline).push({ member: m, at: before });
    }
  }

  /** Members that may churn (not steady). */
  get churnable(): number {
    return this.watchedOnline.size + this.othersOnline.size + this.offline.size;
  }

  /** The closes and opens due by `now` and not given yet; call it every few ms. */
  due(now: number): ChurnActions {
    const close: number[] = [];
    const open: number[] = [];
    const closeTarget = this.target(now - this.startAt);
    for (; this.closesDue < closeTarget; this.closesDue++) {
      const m = this.pickOnline(now);
      if (m === undefined) this.counts.starvedCloses++;
      else {
        close.push(m);
        this.offline.push({ member: m, at: now });
        this.counts.closes++;
      }
    }
    const openTarget = this.target(now - this.startAt - this.o.minOfflineMs);
    for (; this.opensDue < openTarget; this.opensDue++) {
      const head = this.offline.peek();
      if (head === undefined) {
        this.counts.starvedOpens++;
        continue;
      }
      // Closed less than a tick too late to be back yet: it is due in a moment, so this open
      // waits for it rather than being dropped (the wait is bounded by that member's time).
      if (now - head.at < this.o.minOfflineMs) break;
      this.offline.shift();
      open.push(head.member);
      (this.o.watched.has(head.member) ? this.watchedOnline : this.othersOnline).push({
        member: head.member,
        at: now,
      });
      this.counts.opens++;
    }
    return { close, open };
  }

  /** Actions due after `elapsedMs` at the rate (none before 0). */
  private target(elapsedMs: number): number {
    return elapsedMs <= 0 ? 0 : Math.floor((elapsedMs * this.o.ratePerSec) / 1000);
  }

  private pickOnline(now: number): number | undefined {
    const first = this.preferWatched ? this.watchedOnline : this.othersOnline;
    const second = this.preferWatched ? this.othersOnline : this.watchedOnline;
    this.preferWatched = !this.preferWatched;
    return this.takeEligible(first, now) ?? this.takeEligible(second, now);
  }

  private takeEligible(pool: RingQueue<Since>, now: number): number | undefined {
    const head = pool.peek();
    if (head === undefined || now - head.at < this.o.minOnlineMs) return undefined;
    pool.shift();
    return head.member;
  }
}

export interface WatchedSample {
  /** Every watched member, ascending. */
  readonly watched: readonly number[];
  /** Watched members that never churn (an offline for one of them is false). */
  readonly steady: ReadonlySet<number>;
  /** Watched members that churn (their latencies are measured). */
  readonly churning: ReadonlySet<number>;
}

/**
 * `count` members spread evenly over 0 .. members-1 (at most every member), alternately steady
 * and churning, so both halves cover the whole population (every member worker, every gateway).
 */
export function pickWatched(members: number, count: number): WatchedSample {
  const n = Math.max(0, Math.min(members, Math.floor(count)));
  const watched: number[] = [];
  const steady = new Set<number>();
  const churning = new Set<number>();
  for (let i = 0; i < n; i++) {
    const m = Math.floor((i * members) / n);
    watched.push(m);
    (i % 2 === 0 ? steady : churning).add(m);
  }
  return { watched, steady, churning };
}
