/**
 * The presence supervisor (`/user/presence`): LinkedIn's presence platform in the dispatcher
 * tier, one child actor per online member (`member-presence.ts`).
 *
 *   heartbeat(members) ──► store.touch(members, d + ε) ──► per member:
 *       no child, no unexpired entry ──► publish `online`, spawn its child (trigger at d + 2ε)
 *       otherwise                     ──► the child's trigger starts again
 *   a child's trigger fires ──► `due` ──► store.read ──► expired ──► publish `offline`, stop it
 *                                                     └─► still held ──► re-arm at lastSeen + d + 2ε
 *
 * Every store call is made from this actor's mailbox, one message at a time, so a heartbeat and
 * an offline check of the same member never interleave: `offline` is never published after the
 * `online` of a member who just came back. Dues that fire together are checked in one store
 * call (`check`, within CHECK_WINDOW_MS), so 10,000 members leaving at once cost one read.
 *
 * `online` is published only when the member has no child here *and* the store held no
 * unexpired entry: a member whose entry lapsed between d + ε and d + 2ε (a reconnect with
 * jitter) and came back before its check was never announced offline, so it is not announced
 * online again either. With the Redis store, a dispatcher that takes over a member (its owner
 * died) finds the entry and announces nothing: no flap.
 *
 * Ownership moves (`retain`): members owned elsewhere now are let go silently; with a shared
 * store, live entries of members now owned here are adopted (see `adopt`).
 *
 * Store down ("presence unknown"): heartbeats still reset the children's triggers (a gateway
 * just said the member is connected), checks re-arm instead of deciding, nothing is published,
 * queries fail with StoreUnavailableError; `stats.storeUp` says so and one log line per outage.
 */
import type { ActorContext, ActorRef, Behavior, SpawnOptions } from '../actors';
import { resumeOnFailure } from '../actors';
import { presenceTopicOf } from '../protocol';
import { Limits } from '../server/limits';
import { actorNameOf, MemberPresence, type DueMsg, type MemberMsg } from './member-presence';
import { StoreUnavailableError, type PresenceState, type PresenceStore } from './store';

export type PresenceMsg =
  | { type: 'heartbeat'; members: readonly string[] }
  | {
      type: 'query';
      members: readonly string[];
      reply: (r: PresenceState[] | StoreUnavailableError) => void;
    }
  /** Ownership moved: let go (silently) of the members whose presence topic is owned elsewhere. */
  | { type: 'retain'; owns: (topic: string) => boolean }
  | DueMsg
  | { type: 'check' };

/** What a presence change publishes on `presence:<member>` (the gateway sends it as `presence`). */
export interface PresenceChange {
  readonly user: string;
  readonly online: boolean;
  readonly lastSeen: number | null;
}

export interface PresenceStats {
  /** Members with a presence actor here. */
  online: number;
  /** Member heartbeats processed (one per member per message). */
  heartbeats: number;
  announcedOnline: number;
  announcedOffline: number;
  /** Store calls that failed. */
  storeErrors: number;
  /** 1 while the store answers, 0 during an outage. */
  storeUp: number;
  /** Heartbeats of new members refused past `maxMembers`. */
  refused: number;
}

export function newPresenceStats(): PresenceStats {
  return {
    online: 0,
    heartbeats: 0,
    announcedOnline: 0,
    announcedOffline: 0,
    storeErrors: 0,
    storeUp: 1,
    refused: 0,
  };
}

export interface PresenceOptions {
  readonly store: PresenceStore;
  /** d */
  readonly intervalMs: number;
  /** ε */
  readonly graceMs: number;
  /** Publishes one change on the member's presence topic (through the cluster router). */
  readonly publish: (topic: string, change: PresenceChange) => void;
  readonly stats: PresenceStats;
  readonly maxMembers?: number;
  /** ms since the epoch; tests pass a fake. */
  readonly now?: () => number;
  readonly log?: (level: 'warn' | 'info', msg: string, meta?: Record<string, unknown>) => void;
}

export const PRESENCE_SPAWN: SpawnOptions = {
  kind: 'presence',
  priority: 'high',
  // Its children are its table: a failed message must not restart it (that would stop them all).
  onFailure: resumeOnFailure,
};

const MEMBER_SPAWN: SpawnOptions = { kind: 'member-presence' };
const CHECK: PresenceMsg = { type: 'check' };
/** How long dues wait for others to share their store read. */
const CHECK_WINDOW_MS = 10;

export function presenceBehavior(o: PresenceOptions): Behavior<PresenceMsg> {
  const now = o.now ?? Date.now;
  const ttlMs = o.intervalMs + o.graceMs;
  const triggerMs = o.intervalMs + 2 * o.graceMs;
  const maxMembers = o.maxMembers ?? Limits.maxPresenceMembers;
  const { stats, store } = o;
  /** Members whose trigger fired since the last `check`. */
  let due = new Set<string>();
  /** The live presence actor of each online member (the children, by member id). */
  const live = new Map<string, ActorRef<MemberMsg>>();
  let generation = 0;

  const childOf = (member: string): ActorRef<MemberMsg> | undefined => {
    const ref = live.get(member);
    if (ref === undefined || ref.isAlive()) return ref;
    live.delete(member); // stopped from outside (admin `stop`)
    stats.online = live.size;
    return undefined;
  };

  const storeFailed = (err: unknown): void => {
    stats.storeErrors++;
    if (stats.storeUp === 0) return;
    stats.storeUp = 0;
    o.log?.('warn', 'presence store unavailable: presence is unknown until it answers', {
      store: store.kind,
      err: err instanceof Error ? err.message : String(err),
    });
  };
  const storeAnswered = (): void => {
    if (stats.storeUp === 1) return;
    stats.storeUp = 1;
    o.log?.('info', 'presence store answers again', { store: store.kind });
  };

  const announce = (member: string, online: boolean, lastSeen: number | null): void => {
    const topic = presenceTopicOf(member);
    if (topic === undefined) return;
    if (online) stats.announcedOnline++;
    else stats.announcedOffline++;
    o.publish(topic, { user: member, online, lastSeen });
  };

  const spawnMember = (ctx: ActorContext<PresenceMsg>, member: string, at: number): void => {
    const self = ctx.self;
    // The member's previous actor may still be stopping under its name: `~` never occurs in a
    // member id (it is not a topic character), so a suffixed name cannot clash with another's.
    let name = actorNameOf(member);
    if (ctx.child(name) !== undefined) name = `${name}~${++generation}`;
    const ref = ctx.spawn<MemberMsg>(
      name,
      () => new MemberPresence(member, at, triggerMs, (m) => self.tell(m)),
      MEMBER_SPAWN,
    );
    live.set(member, ref);
    stats.online = live.size;
  };

  const stopMember = (ctx: ActorContext<PresenceMsg>, member: string): void => {
    const ref = live.get(member);
    if (ref === undefined) return;
    live.delete(member);
    stats.online = live.size;
    ctx.stop(ref);
  };

  const heartbeat = async (
    members: readonly string[],
    ctx: ActorContext<PresenceMsg>,
  ): Promise<void> => {
    // A member refused for the bound is not written either: no entry without a trigger.
    const admitted: string[] = [];
    let room = maxMembers - stats.online;
    for (const m of members) {
      if (presenceTopicOf(m) === undefined) continue;
      if (childOf(m) === undefined) {
        if (room <= 0) {
          stats.refused++;
          continue;
        }
        room--;
      }
      admitted.push(m);
    }
    if (admitted.length === 0) return;
    stats.heartbeats += admitted.length;
    const at = now();
    let was: boolean[] | undefined;
    try {
      was = await store.touch(admitted, ttlMs, at);
      storeAnswered();
    } catch (err) {
      storeFailed(err);
    }
    for (let i = 0; i < admitted.length; i++) {
      const m = admitted[i]!;
      const child = childOf(m);
      if (child !== undefined) {
        child.tell({ type: 'beat', at });
        continue;
      }
      if (was === undefined) continue; // unknown: nothing announced, no trigger started
      // A duplicate member in one message: its child exists from the first occurrence.
      spawnMember(ctx, m, at);
      if (!was[i]) announce(m, true, at);
    }
  };

  const check = async (ctx: ActorContext<PresenceMsg>): Promise<void> => {
    const members: string[] = [];
    for (const m of due) if (childOf(m) !== undefined) members.push(m);
    due = new Set();
    if (members.length === 0) return;
    const at = now();
    let states: PresenceState[];
    try {
      states = await store.read(members, at);
      storeAnswered();
    } catch (err) {
      storeFailed(err);
      for (const m of members) childOf(m)?.tell({ type: 'rearm', delayMs: triggerMs });
      return;
    }
    for (let i = 0; i < members.length; i++) {
      const m = members[i]!;
      const child = childOf(m);
      if (child === undefined) continue;
      const s = states[i]!;
      if (s.online) {
        // Another dispatcher refreshed it (shared store): check again after its entry's life.
        const left = (s.lastSeen ?? at) + triggerMs - at;
        child.tell({ type: 'rearm', delayMs: Math.max(o.graceMs, left) });
        continue;
      }
      stopMember(ctx, m);
      announce(m, false, s.lastSeen);
    }
  };

  /**
   * After an ownership change, a shared store's live entries of members now owned here get a
   * presence actor armed from their lastSeen: a member who left while its old owner was dying
   * (no heartbeat will ever reach us) still goes offline at lastSeen + d + 2ε. Nothing is
   * announced: they were online and still are, as far as anyone knows.
   */
  const adopt = async (
    owns: (topic: string) => boolean,
    ctx: ActorContext<PresenceMsg>,
  ): Promise<void> => {
    if (store.liveEntries === undefined) return;
    let entries: { member: string; lastSeen: number }[];
    try {
      entries = await store.liveEntries(maxMembers);
      storeAnswered();
    } catch (err) {
      return storeFailed(err);
    }
    const at = now();
    for (const { member, lastSeen } of entries) {
      const topic = presenceTopicOf(member);
      if (topic === undefined || !owns(topic) || childOf(member) !== undefined) continue;
      if (live.size >= maxMembers) {
        stats.refused++;
        continue;
      }
      spawnMember(ctx, member, lastSeen);
      const left = lastSeen + triggerMs - at;
      if (left < triggerMs) live.get(member)!.tell({ type: 'rearm', delayMs: Math.max(0, left) });
    }
  };

  return {
    async receive(msg, ctx) {
      switch (msg.type) {
        case 'heartbeat':
          return heartbeat(msg.members, ctx);
        case 'due':
          // Triggers that fire within a few ms of each other share one store read.
          if (due.size === 0) ctx.timers.startSingle('check', CHECK, CHECK_WINDOW_MS);
          due.add(msg.member);
          return;
        case 'check':
          return check(ctx);
        case 'query': {
          try {
            const states = await store.read(msg.members, now());
            storeAnswered();
            msg.reply(states);
          } catch (err) {
            storeFailed(err);
            msg.reply(
              err instanceof StoreUnavailableError
                ? err
                : new StoreUnavailableError(err instanceof Error ? err.message : String(err)),
            );
          }
          return;
        }
        case 'retain':
          for (const member of [...live.keys()]) {
            const topic = presenceTopicOf(member);
            if (topic !== undefined && !msg.owns(topic)) stopMember(ctx, member);
          }
          return adopt(msg.owns, ctx);
      }
    },
    inspect() {
      return {
        store: store.kind,
        storeAvailable: store.available,
        intervalMs: o.intervalMs,
        graceMs: o.graceMs,
        ...stats,
      };
    },
  };
}
