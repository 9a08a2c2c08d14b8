/**
 * The members' side of the presence scenario, in one worker process: one connection per online
 * member (`GET /v1/ws?member=NAME`, troupe.v1.msgpack), opened and closed on command. It never
 * sends anything: a member is online while its connection is open (PROTOCOL.md §7), and the
 * WebSocket client answers the server's pings.
 *
 *   open(m)  ──► attempt (t0) ──101 (t1)──► action Connect at t0, opened t1 (the online's
 *                             │              latency counts from the attempt, what a user waits
 *                             │              from, and from t1, what troupe's presence path adds)
 *                             └──fail/timeout──► failed (no action: the server never saw it)
 *   close(m) ──► action Close at the close ──► socket closed
 *   server closes an open one ──► action Dropped (its offline is owed, not measured)
 */
import {
  ActionKind,
  memberName,
  type PresenceTarget,
  type PresenceWorkerCounters,
} from './presence-messages';
import type { Keepalive } from './keepalive';
import { CONNECT_TIMEOUT_MS } from './subscriber-base';
import { epochNow, settleOnce, tallyCloseReason } from './worker-stats';
import { RawWsClient } from './ws-client';

/** What a presence worker's members and watchers share. */
export interface PresenceWorkerEnv {
  readonly target: PresenceTarget;
  /** Member names are prefix + index. */
  readonly prefix: string;
  readonly counters: PresenceWorkerCounters;
  /** Pings every open connection: they send nothing else, and troupe drops silent ones. */
  readonly keepalive: Keepalive;
}

export class PresenceMembers {
  /** Open or opening connection of each member this worker holds. */
  private readonly conns = new Map<number, RawWsClient>();
  /** Flat [member, kind, at, openedAt] not reported yet. */
  private actions: number[] = [];
  stopping = false;

  private readonly counters: PresenceWorkerCounters;

  constructor(private readonly env: PresenceWorkerEnv) {
    this.counters = env.counters;
  }

  /** Opens every member of `members`, `concurrency` attempts at a time; resolves once all settled. */
  async openAll(members: readonly number[], concurrency: number): Promise<void> {
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < members.length && !this.stopping) await this.open(members[next++] as number);
    };
    await Promise.all(Array.from({ length: Math.max(1, concurrency) }, lane));
  }

  /** Opens member `m`'s connection; resolves once it opened, failed or timed out. */
  open(m: number): Promise<void> {
    if (this.conns.has(m) || this.stopping) {
      this.counters.errors++; // the coordinator thinks it offline: the schedule and we disagree
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const settle = settleOnce(resolve, CONNECT_TIMEOUT_MS);
      const startedAt = epochNow();
      let opened = false;
      const client: RawWsClient = new RawWsClient(
        {
          ...this.env.target,
          path: `/v1/ws?member=${encodeURIComponent(memberName(this.env.prefix, m))}`,
          protocol: 'troupe.v1.msgpack',
        },
        {
          onOpen: () => {
            opened = true;
            this.counters.open++;
            this.env.keepalive.track(client);
            this.actions.push(m, ActionKind.Connect, startedAt, epochNow());
            settle();
          },
          onMessage: () => {}, // hello, pings' pongs, a drain's bye: nothing to measure
          onClose: (reason) => {
            if (opened) this.counters.open--;
            this.env.keepalive.untrack(client);
            // Closed by us: close() forgot it first and recorded the action.
            if (this.conns.get(m) === client) {
              this.conns.delete(m);
              if (!this.stopping) {
                if (opened) {
                  this.counters.dropped++;
                  const at = epochNow();
                  this.actions.push(m, ActionKind.Dropped, at, at);
                } else this.counters.failed++;
                tallyCloseReason(this.counters.closeReasons, reason);
              }
            }
            settle();
          },
        },
      );
      this.conns.set(m, client);
    });
  }

  /** Closes member `m`'s connection (an error when it has none open). */
  close(m: number): void {
    const client = this.conns.get(m);
    if (client === undefined || !client.isOpen) {
      this.counters.errors++;
      return;
    }
    this.conns.delete(m);
    const at = epochNow();
    this.actions.push(m, ActionKind.Close, at, at);
    client.close();
  }

  closeAll(): void {
    this.stopping = true;
    for (const c of [...this.conns.values()]) c.close();
    this.conns.clear();
  }

  /** The actions since the last call. */
  takeActions(): number[] {
    const a = this.actions;
    this.actions = [];
    return a;
  }
}
