/**
 * One online member's presence actor (`/user/presence/<member>`): LinkedIn's offline trigger.
 *
 *   spawned on the first heartbeat ──► timer at d + 2ε ──beat──► timer reset to d + 2ε
 *                                          │
 *                                          ▼ fires
 *                                 tells its supervisor `due`: the supervisor reads the store
 *                                 (in its own mailbox, in order with every heartbeat) and either
 *                                 publishes `offline` and stops this actor, or re-arms it
 *
 * The decision is the supervisor's, never this actor's: a store read made here could race a
 * heartbeat the supervisor is processing at the same moment and announce `offline` after the
 * `online` of a member who just came back. The timer dies with the actor, so a member whose
 * actor stops (ownership moved, operator stop) never fires.
 */
import type { ActorContext, Behavior } from '../actors';

export type MemberMsg =
  /** A heartbeat was processed at `at` (ms since the epoch): the trigger starts again. */
  | { type: 'beat'; at: number }
  /** The store still holds the member: check again in `delayMs`. */
  | { type: 'rearm'; delayMs: number }
  | { type: 'due' };

/** What the member actor tells its supervisor when its trigger fires. */
export type DueMsg = { type: 'due'; member: string };

const TRIGGER = 'offline-trigger';
const DUE: MemberMsg = { type: 'due' };

/** Actor names cannot hold `/`; a member id can (it is a topic's suffix), `%` it cannot. */
export function actorNameOf(member: string): string {
  return member.replace(/\//g, '%2F');
}

export class MemberPresence implements Behavior<MemberMsg> {
  /** When the trigger is due, in ms since the epoch (for `inspect`). */
  private dueAt: number;

  constructor(
    private readonly member: string,
    private lastSeen: number,
    /** d + 2ε */
    private readonly triggerMs: number,
    private readonly notify: (m: DueMsg) => void,
  ) {
    this.dueAt = lastSeen + triggerMs;
  }

  preStart(ctx: ActorContext<MemberMsg>): void {
    ctx.timers.startSingle(TRIGGER, DUE, this.triggerMs);
  }

  receive(msg: MemberMsg, ctx: ActorContext<MemberMsg>): void {
    switch (msg.type) {
      case 'beat':
        this.lastSeen = msg.at;
        this.dueAt = msg.at + this.triggerMs;
        return ctx.timers.startSingle(TRIGGER, DUE, this.triggerMs);
      case 'rearm':
        this.dueAt = Date.now() + msg.delayMs;
        return ctx.timers.startSingle(TRIGGER, DUE, msg.delayMs);
      case 'due':
        return this.notify({ type: 'due', member: this.member });
    }
  }

  inspect(): Record<string, unknown> {
    return { member: this.member, lastSeen: this.lastSeen, offlineCheckAt: this.dueAt };
  }
}
