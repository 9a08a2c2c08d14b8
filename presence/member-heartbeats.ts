/**
 * The gateway's member table (`/user/members`): which members have connections here, and one
 * presence heartbeat per member per `d`, never one per connection (PROTOCOL.md §7).
 *
 *   connection opens (member m) ──join──► count[m]++ ; a new m is heartbeated at the end of
 *                                          the turn (with every other new member of that turn)
 *   connection closes          ──leave─► count[m]-- ; at 0 m is forgotten: no more heartbeats,
 *                                          so its owner announces offline at d + 2ε
 *   every d                    ──beat──► one heartbeat for every member here, in chunks
 *
 * A member who reconnects within d is heartbeated again at once and its owner still holds its
 * entry: it never flaps offline. The table is bounded by the gateway's connections (one entry
 * per distinct member of an open connection).
 */
import type { ActorContext, Behavior, SpawnOptions } from '../actors';
import { resumeOnFailure } from '../actors';

export type MembersMsg =
  | { type: 'join'; member: string }
  | { type: 'leave'; member: string }
  | { type: 'beat' }
  | { type: 'flush' };

export interface MemberHeartbeatOptions {
  /** d */
  readonly intervalMs: number;
  /** Sends one heartbeat for each of `members` to their owners (the dispatcher client). */
  readonly heartbeat: (members: readonly string[]) => void;
}

export const MEMBERS_SPAWN: SpawnOptions = {
  kind: 'member-table',
  priority: 'high',
  // The table is the only copy of who is connected here: keep it through a failed message.
  onFailure: resumeOnFailure,
};

const BEAT: MembersMsg = { type: 'beat' };
const FLUSH: MembersMsg = { type: 'flush' };

export class MemberHeartbeats implements Behavior<MembersMsg> {
  /** Open connections per member. */
  private readonly count = new Map<string, number>();
  /** Members new this turn, heartbeated together by the `flush` queued behind them. */
  private fresh: string[] = [];
  /** Heartbeats sent, one per member per message (for `inspect` and tests). */
  sent = 0;

  constructor(private readonly o: MemberHeartbeatOptions) {}

  preStart(ctx: ActorContext<MembersMsg>): void {
    ctx.timers.startPeriodic('beat', BEAT, this.o.intervalMs);
  }

  receive(msg: MembersMsg, ctx: ActorContext<MembersMsg>): void {
    switch (msg.type) {
      case 'join': {
        const n = this.count.get(msg.member) ?? 0;
        this.count.set(msg.member, n + 1);
        if (n > 0) return;
        if (this.fresh.length === 0) ctx.self.tell(FLUSH);
        this.fresh.push(msg.member);
        return;
      }
      case 'leave': {
        const n = this.count.get(msg.member);
        if (n === undefined) return;
        if (n > 1) this.count.set(msg.member, n - 1);
        else this.count.delete(msg.member);
        return;
      }
      case 'flush': {
        // Only those still here: a connection that came and went within the turn made no one online.
        const members = this.fresh.filter((m) => this.count.has(m));
        this.fresh = [];
        return this.send(members);
      }
      case 'beat':
        return this.send([...this.count.keys()]);
    }
  }

  get members(): number {
    return this.count.size;
  }

  inspect(): Record<string, unknown> {
    return { members: this.count.size, heartbeatsSent: this.sent, intervalMs: this.o.intervalMs };
  }

  private send(members: string[]): void {
    if (members.length === 0) return;
    this.sent += members.length;
    this.o.heartbeat(members);
  }
}
