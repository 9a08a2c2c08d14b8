/**
 * The dispatcher routing actor: owner of topic seq, epoch and history, and the interest table
 * of the gateways attached to it.
 *
 *   publish batch ──► stamp seq per topic ──► append to history ──► one call per interested
 *                                                                     gateway sink, per batch
 *
 * Interest is per gateway node, never per connection: a gateway with 50k subscribers of a topic
 * costs one entry here and one forwarded copy of each event.
 *
 * Seq stamping is serialized by the actor's mailbox, which is what makes one order per topic.
 *
 * Memory follows interest and held events, not every topic ever named:
 * - A TopicLog is made on a topic's first publish, never by `sub` or a history read. A topic
 *   without a log has a `Position` (its epoch and last seq, about 150 bytes): a history read
 *   answers from it, and the next publish makes the log from it, so the first event carries the
 *   epoch its subscribers were given in their `ack` (an epoch change would look like a gap to a
 *   resuming client). A dispatcher-wide epoch for unpublished topics would be cheaper but
 *   unsound: a topic forgotten and published again would restart its seq under the same epoch,
 *   and a client resuming from its old life could be told `recovered: true` over events it
 *   never saw.
 * - A log is let go (its ring, history and bookkeeping) as soon as nobody needs it: no gateway
 *   has interest and it holds no event (checked when its last interest leaves and when its last
 *   held event goes, by age or the byte cap). Its position stays for the history TTL, so a
 *   client that lost its connection for a moment (a gateway restart withdraws every interest of
 *   that gateway at once) resumes in the same epoch and seq space and is replayed what was
 *   published meanwhile; past the TTL nothing it missed would still be held anyway. Positions
 *   without interest are bounded in count too (`MAX_IDLE_POSITIONS`, oldest first).
 * - Every held event counts against one node-wide byte cap (`historyMaxBytes`), evicting the
 *   node's oldest events first (HistoryBudget).
 */
import { RingQueue } from '../actors/ring-queue';
import { Limits } from '../server/limits';
import { resumeOnFailure, type ActorContext, type Behavior, type SpawnOptions } from '../actors';
import { nowMs } from '../actors/clock';
import type { Since } from '../protocol';
import { eventBytes, HistoryBudget, newHistoryStats, type HistoryStats } from './history-budget';
import { membersOf, SetMap } from './one-or-many';
import type { PublishItem, PublishRequest } from './publish-request';
import { lastRecovered, newEpoch, TopicLog, type TopicLogLimits } from './topic-log';
import type { HistoryAnswer, PublishResult, TopicEvent } from './types';
import {
  topicDetail,
  topTopics,
  type DispatcherTopicDetail,
  type DispatcherTopicRow,
} from './topic-report';

export type GatewaySink = (events: readonly TopicEvent[]) => void;

export type DispatcherMsg =
  | PublishRequest<PublishResult>
  | { type: 'attach'; gateway: string; sink: GatewaySink }
  | { type: 'detach'; gateway: string }
  | { type: 'interest'; gateway: string; topic: string; on: boolean }
  | {
      type: 'history';
      topic: string;
      since: Since | undefined;
      /** Without `since`: the latest `last` held events (PROTOCOL.md §12). */
      last?: number;
      reply: (a: HistoryAnswer) => void;
    }
  | { type: 'sweep' }
  /** Ownership moved: forget the logs of topics this dispatcher no longer owns, so a topic
   *  that comes back later starts a new epoch instead of resuming a stale seq space. */
  | { type: 'retain'; owns: (topic: string) => boolean }
  /** Admin socket reads (`troupe admin topics`, `topic NAME`); see topic-report.ts. */
  | {
      type: 'admin-topics';
      top: number;
      /** The `top` rows, and how many topics have a log. */
      reply: (rows: DispatcherTopicRow[], total: number) => void;
    }
  | {
      type: 'admin-topic';
      topic: string;
      reply: (detail: DispatcherTopicDetail | undefined) => void;
    };

export interface DispatcherStats extends HistoryStats {
  /** Topics with a log (published at least once in this life of the topic). */
  topics: number;
  eventsIn: number;
  eventsRouted: number;
  gateways: number;
  /** Publisher connections open now. */
  publishers: number;
  /** Bad publisher input, by kind. */
  badInput: Record<string, number>;
}

export interface DispatcherOptions extends TopicLogLimits {
  /** All history of the dispatcher together, in estimated heap bytes (default: unbounded). */
  readonly historyMaxBytes?: number;
  /** Positions of topics without interest kept at most (default `MAX_IDLE_POSITIONS`). */
  readonly maxIdlePositions?: number;
  /** How often expired events and idle positions are let go (default 1 s). */
  readonly sweepMs?: number;
  /** Shared counters the node exports through /metrics and the admin socket. */
  readonly stats?: DispatcherStats;
}

/**
 * How the node spawns it (tests too). Its tables (attachments, interest, every topic's seq and
 * history) are the node's only copy: a message that throws is dropped and the actor resumes; a
 * restart would wipe them and, past the restart budget, stop the node's publishing for good.
 */
export const DISPATCHER_SPAWN: SpawnOptions = {
  kind: 'dispatcher',
  priority: 'high',
  onFailure: resumeOnFailure,
};

export function newDispatcherStats(): DispatcherStats {
  return {
    topics: 0,
    eventsIn: 0,
    eventsRouted: 0,
    gateways: 0,
    publishers: 0,
    badInput: {},
    ...newHistoryStats(),
  };
}

export const MAX_IDLE_POSITIONS = Limits.maxIdlePositions;

/** Where a topic without a log stands. `idleSince` is set while no gateway has interest. */
interface Position {
  /**
   * The topic as the position was made with it (a local subscriber's string, or an old log's):
   * the log made from the position takes it, so the events it stamps carry the very string a
   * local gateway keys its entry with, and its lookup compares pointers, not characters.
   */
  readonly topic: string;
  readonly epoch: string;
  readonly seq: number;
  idleSince: number | undefined;
}

export function dispatcherBehavior(opts: DispatcherOptions): Behavior<DispatcherMsg> {
  const logs = new Map<string, TopicLog>();
  /** Topics without a log: before their first publish, or after their log was let go. */
  const positions = new Map<string, Position>();
  /** Positions that became idle, oldest first: the sweep lets them go after the TTL. */
  const idle = new RingQueue<{ readonly topic: string; readonly at: number }>();
  const maxIdle = opts.maxIdlePositions ?? MAX_IDLE_POSITIONS;
  const interest = new SetMap<string, string>();
  const sinks = new Map<string, GatewaySink>();
  const stats = opts.stats ?? newDispatcherStats();

  const markIdle = (topic: string, pos: Position, now: number): void => {
    pos.idleSince = now;
    idle.push({ topic, at: now });
    if (idle.size > maxIdle) dropIdle(idle.shift()!);
  };
  /** Lets go of a queued position that is still the idle one it was queued as. */
  const dropIdle = (entry: { topic: string; at: number }): void => {
    const pos = positions.get(entry.topic);
    if (pos !== undefined && pos.idleSince === entry.at) positions.delete(entry.topic);
  };

  /** Lets go of `topic`'s log when nobody needs it (no interest, no held event); keeps its position. */
  const forgetIfIdle = (topic: string, now: number): void => {
    if (interest.has(topic)) return;
    const log = logs.get(topic);
    if (log !== undefined) {
      if (log.held > 0) return;
      forget(log);
      positions.set(topic, {
        topic: log.topic,
        epoch: log.epoch,
        seq: log.lastSeq,
        idleSince: undefined,
      });
    }
    const pos = positions.get(topic);
    if (pos !== undefined && pos.idleSince === undefined) markIdle(topic, pos, now);
  };
  const forget = (log: TopicLog): void => {
    log.clear();
    logs.delete(log.topic);
    stats.topics = logs.size;
  };

  const budget = new HistoryBudget({
    maxBytes: opts.historyMaxBytes ?? Infinity,
    ttlMs: opts.ttlMs,
    stats,
    onEmptied: (log) => {
      if (logs.get(log.topic) === log) forgetIfIdle(log.topic, nowMs());
    },
  });

  const logFor = (topic: string, now: number): TopicLog => {
    let log = logs.get(topic);
    if (log === undefined) {
      const pos = positions.get(topic);
      positions.delete(topic);
      const name = pos?.topic ?? topic;
      log = new TopicLog(name, opts, now, pos?.epoch ?? newEpoch(), budget, pos?.seq ?? 0);
      log.interest = interest.get(topic);
      logs.set(name, log);
      stats.topics = logs.size;
    }
    return log;
  };

  const read = (
    topic: string,
    since: Since | undefined,
    last: number | undefined,
    now: number,
  ): HistoryAnswer => {
    const log = logs.get(topic);
    if (log !== undefined) {
      const answer = log.read(since, now, last);
      if (log.held === 0) forgetIfIdle(topic, now);
      return answer;
    }
    let pos = positions.get(topic);
    if (pos === undefined) {
      positions.set(topic, (pos = { topic, epoch: newEpoch(), seq: 0, idleSince: undefined }));
      if (!interest.has(topic)) markIdle(topic, pos, now);
    }
    // Nothing is held: only a client that saw the last seq has missed nothing, and a `last`
    // read only where nothing was stamped in this epoch.
    const recovered =
      since !== undefined
        ? since.epoch === pos.epoch && since.seq === pos.seq
        : last !== undefined && lastRecovered(0, last, pos.seq);
    return { epoch: pos.epoch, seq: pos.seq, recovered, events: [] };
  };

  const deliver = (gateway: string, events: TopicEvent[]): void => {
    const sink = sinks.get(gateway);
    if (sink === undefined) return;
    stats.eventsRouted += events.length;
    sink(events);
  };

  const publish = (items: readonly PublishItem[]): PublishResult[] => {
    const now = nowMs();
    const results: PublishResult[] = new Array<PublishResult>(items.length);
    // Group per gateway so each sink is called once per batch, events in stamp order. The first
    // gateway seen (standalone: the only one) gets a plain list; a Map only for the others.
    let firstGw: string | undefined;
    let firstList: TopicEvent[] | undefined;
    let others: Map<string, TopicEvent[]> | undefined;
    const sized = opts.capacity > 0;
    const route = (gw: string, ev: TopicEvent): void => {
      if (firstList === undefined) {
        firstGw = gw;
        firstList = [ev];
      } else if (gw === firstGw) {
        firstList.push(ev);
      } else {
        others ??= new Map();
        const list = others.get(gw);
        if (list === undefined) others.set(gw, [ev]);
        else list.push(ev);
      }
    };
    for (let i = 0; i < items.length; i++) {
      const item = items[i]!;
      const log = logFor(item.topic, now);
      const ev = log.append(item.data, now, sized ? eventBytes(item.data, item.bytes) : 0);
      // The stamped event is the result (it has the seq and epoch): no object per event for
      // the reply. Every reader takes those two fields by name, never the whole object.
      results[i] = ev;
      const gws = log.interest;
      if (gws === undefined) {
        // A topic that holds nothing and has no interest needs no log.
        if (log.held === 0 && logs.get(item.topic) === log) forgetIfIdle(item.topic, now);
        continue;
      }
      if (typeof gws === 'string') route(gws, ev);
      else if (Array.isArray(gws)) for (let k = 0; k < gws.length; k++) route(gws[k]!, ev);
      else for (const gw of gws) route(gw, ev);
    }
    budget.expire(now);
    stats.eventsIn += items.length;
    if (firstList !== undefined) {
      deliver(firstGw!, firstList);
      if (others !== undefined) for (const [gw, events] of others) deliver(gw, events);
    }
    return results;
  };

  /** The log's copy of the topic's interest, after every change of the table's entry. */
  const interestChanged = (topic: string): void => {
    const log = logs.get(topic);
    if (log !== undefined) log.interest = interest.get(topic);
  };

  const setInterest = (gateway: string, topic: string, on: boolean): void => {
    if (on) interest.add(topic, gateway);
    const emptied = !on && interest.remove(topic, gateway);
    interestChanged(topic);
    if (on) {
      const pos = positions.get(topic);
      if (pos !== undefined) pos.idleSince = undefined;
    } else if (emptied) forgetIfIdle(topic, nowMs());
  };

  const detach = (gateway: string): void => {
    sinks.delete(gateway);
    const now = nowMs();
    for (const topic of [...interest.keys()]) {
      const emptied = interest.remove(topic, gateway);
      interestChanged(topic);
      if (emptied) forgetIfIdle(topic, now);
    }
    stats.gateways = sinks.size;
  };

  const sweep = (): void => {
    const now = nowMs();
    budget.expire(now);
    const oldest = now - opts.ttlMs;
    while (idle.size > 0 && idle.peek()!.at <= oldest) dropIdle(idle.shift()!);
  };

  const retain = (owns: (topic: string) => boolean): void => {
    for (const log of [...logs.values()]) if (!owns(log.topic)) forget(log);
    for (const topic of [...positions.keys()]) if (!owns(topic)) positions.delete(topic);
  };

  return {
    preStart(ctx: ActorContext<DispatcherMsg>) {
      ctx.timers.startPeriodic(
        'sweep',
        { type: 'sweep' },
        opts.sweepMs ?? Limits.dispatcherSweepMs,
      );
    },
    receive(msg) {
      switch (msg.type) {
        case 'publish': {
          const results = publish(msg.items);
          msg.reply?.(results);
          return;
        }
        case 'attach':
          sinks.set(msg.gateway, msg.sink);
          stats.gateways = sinks.size;
          return;
        case 'detach':
          detach(msg.gateway);
          return;
        case 'interest':
          setInterest(msg.gateway, msg.topic, msg.on);
          return;
        case 'history':
          msg.reply(read(msg.topic, msg.since, msg.last, nowMs()));
          return;
        case 'sweep':
          sweep();
          return;
        case 'retain':
          retain(msg.owns);
          return;
        case 'admin-topics':
          msg.reply(topTopics({ logs, positions, interest }, msg.top), logs.size);
          return;
        case 'admin-topic':
          msg.reply(topicDetail({ logs, positions, interest }, msg.topic));
          return;
      }
    },
    inspect() {
      return {
        topics: logs.size,
        gateways: [...sinks.keys()],
        interest: Object.fromEntries(
          [...interest.entries()].slice(0, 100).map(([t, g]) => [t, membersOf(g)]),
        ),
        positions: positions.size,
        eventsIn: stats.eventsIn,
        eventsRouted: stats.eventsRouted,
        historyBytes: stats.historyBytes,
        historyEvents: stats.historyEvents,
        historyEvictions: stats.historyEvictions,
      };
    },
  };
}
