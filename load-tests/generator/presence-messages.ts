/**
 * IPC between the presence scenario and its worker processes (child_process.fork): member
 * workers hold members' connections (`?member=NAME`, PROTOCOL.md §7) and open or close them on
 * command; the watcher worker holds the connections subscribed to `presence:NAME` topics.
 *
 * Both report what happened as flat number arrays (cheap to ship, bounded by what the
 * coordinator asked for): actions `[member, kind, at, openedAt]` and messages seen `[member, online 0|1,
 * at, lastSeen | -1]`, times in epoch ms with sub-millisecond precision (`epochNow`).
 */

/** What a member worker did with a member's connection (the `kind` of an action). */
export const ActionKind = {
  /**
   * The connection opened: `at` is when its attempt started (what a user waits from),
   * `openedAt` when the upgrade's 101 arrived (the rest is troupe's presence path).
   */
  Connect: 0,
  /** The member worker closed the connection (churn). */
  Close: 1,
  /** The server closed it (or it failed after opening): an offline is owed, but not ours. */
  Dropped: 2,
} as const;
export type ActionKind = (typeof ActionKind)[keyof typeof ActionKind];

export interface PresenceTarget {
  readonly host: string;
  readonly port: number;
  /** Loopback source address of every socket of this worker. */
  readonly localAddress: string;
}

export type PresencePlan =
  | {
      readonly role: 'members';
      readonly target: PresenceTarget;
      readonly prefix: string;
      /** The members this worker connects at start (indices; names are prefix + index). */
      readonly members: readonly number[];
      /** Connection attempts in flight at once during the start. */
      readonly connectConcurrency: number;
    }
  | {
      readonly role: 'watchers';
      readonly target: PresenceTarget;
      readonly prefix: string;
      /** The members whose presence topics are watched. */
      readonly members: readonly number[];
      /** Presence subscriptions per watcher connection (under the client's request burst). */
      readonly perConnection: number;
    };

export type ToPresenceWorker =
  | { readonly type: 'start'; readonly plan: PresencePlan }
  /** Members only: close these members' connections, open connections for those. */
  | { readonly type: 'churn'; readonly close: readonly number[]; readonly open: readonly number[] }
  | { readonly type: 'flush'; readonly token: number }
  | { readonly type: 'stop' };

export interface PresenceWorkerCounters {
  /** Connections open now. */
  open: number;
  /** Attempts that never opened (refused, timed out), cumulative. */
  failed: number;
  /** Open connections the server closed, cumulative. */
  dropped: number;
  /** Watchers: presence subscriptions acknowledged, and of those acked `online: true`. */
  acked: number;
  ackedOnline: number;
  /** `err` messages, undecodable frames, commands for a member in the wrong state. */
  errors: number;
  closeReasons: Record<string, number>;
  cpuUserUs: number;
  cpuSystemUs: number;
  rssBytes: number;
}

export type FromPresenceWorker =
  | {
      readonly type: 'report';
      /** 'ready': the start is over (every attempt settled, every subscription acked or failed). */
      readonly reason: 'tick' | 'flush' | 'ready';
      readonly token: number;
      /** Flat [member, kind, at, openedAt] since the previous report (kind: ActionKind). */
      readonly actions: number[];
      /** Flat [member, online 0|1, at, lastSeen or -1] since the previous report. */
      readonly seen: number[];
      readonly counters: PresenceWorkerCounters;
    }
  | { readonly type: 'fatal'; readonly message: string };

export function memberName(prefix: string, index: number): string {
  return `${prefix}${index}`;
}

/** The index of a member name of this prefix, or -1 when it is not one. */
export function memberIndexOf(prefix: string, name: string): number {
  if (!name.startsWith(prefix)) return -1;
  const rest = name.slice(prefix.length);
  return /^\d{1,9}$/.test(rest) ? Number(rest) : -1;
}

export function newPresenceCounters(): PresenceWorkerCounters {
  return {
    open: 0,
    failed: 0,
    dropped: 0,
    acked: 0,
    ackedOnline: 0,
    errors: 0,
    closeReasons: {},
    cpuUserUs: 0,
    cpuSystemUs: 0,
    rssBytes: 0,
  };
}
