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
 * - A TopicLog is made on a topic's first publish, never by `sub` or a history read. Until then a
 *   history read answers seq 0 with an epoch kept in `pending` (one short string per topic), and
 *   the first publish adopts that epoch, so the first event carries the epoch its subscribers
 *   were given in their `ack` (an epoch change would look like a gap to a resuming client).
 *   A dispatcher-wide epoch for unpublished topics would be cheaper but unsound: a topic
 *   forgotten and published again would restart its seq under the same epoch, and a client
 *   resuming from its old life could be told `recovered: true` over events it never saw.
 * - A topic is forgotten (log and pending epoch) as soon as nobody can resume it: no gateway
 *   has interest and it holds no event. That is checked when its last interest leaves, when its
 *   last held event goes (age, the byte cap), and, for epochs read without interest, at the
 *   next sweep. Its next life starts with a new epoch, so an old position answers
 *   `recovered: false`.
 * - Every held event counts against one node-wide byte cap (`historyMaxBytes`), evicting the
 *   node's oldest events first (HistoryBudget).
 */
import type { ActorContext, Behavior } from '../actors';
import type { Since } from '../protocol';
import { eventBytes, HistoryBudget, newHistoryStats, type HistoryStats } from './history-budget';
import { membersOf, SetMap } from './one-or-many';
import { newEpoch, TopicLog, type TopicLogLimits } from './topic-log';
import { nowMs, type HistoryAnswer, type PublishResult, type TopicEvent } from './types';

export type GatewaySink = (events: readonly TopicEvent[]) => void;

export interface PublishItem {
  readonly topic: string;
  readonly data: unknown;
}

export type DispatcherMsg =
  | {
      type: 'publish';
      items: readonly PublishItem[];
      /** Called once with one result per item, in order. */
      reply?: (results: readonly PublishResult[]) => void;
    }
  | { type: 'attach'; gateway: string; sink: GatewaySink }
  | { type: 'detach'; gateway: string }
  | { type: 'interest'; gateway: string; topic: string; on: boolean }
  | { type: 'history'; topic: string; since: Since | undefined; reply: (a: HistoryAnswer) => void }
  | { type: 'sweep' }
  /** Ownership moved: forget the logs of topics this dispatcher no longer owns, so a topic
   *  that comes back later starts a new epoch instead of resuming a stale seq space. */
  | { type: 'retain'; owns: (topic: string) => boolean };

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
  /** How often expired events and epochs read without interest are let go (default 1 s). */
  readonly sweepMs?: number;
  /** Shared counters the node exports through /metrics and the admin socket. */
  readonly stats?: DispatcherStats;
}

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

export function dispatcherBehavior(opts: DispatcherOptions): Behavior<DispatcherMsg> {
  const logs = new Map<string, TopicLog>();
  /** Epochs answered for topics with no log yet; the first publish adopts its topic's. */
  const pending = new Map<string, string>();
  /** Topics given a pending epoch while nobody had interest: the sweep checks them again. */
  let orphans: string[] = [];
  const interest = new SetMap<string, string>();
  const sinks = new Map<string, GatewaySink>();
  const stats = opts.stats ?? newDispatcherStats();

  /** Forgets `topic` when nobody can resume it: no interest and no held event. */
  const forgetIfIdle = (topic: string): void => {
    if (interest.has(topic)) return;
    pending.delete(topic);
    const log = logs.get(topic);
    if (log === undefined || log.held > 0) return;
    forget(log);
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
      if (logs.get(log.topic) === log) forgetIfIdle(log.topic);
    },
  });

  const logFor = (topic: string, now: number): TopicLog => {
    let log = logs.get(topic);
    if (log === undefined) {
      const epoch = pending.get(topic) ?? newEpoch();
      pending.delete(topic);
      log = new TopicLog(topic, opts, now, epoch, budget);
      logs.set(topic, log);
      stats.topics = logs.size;
    }
    return log;
  };

  const read = (topic: string, since: Since | undefined, now: number): HistoryAnswer => {
    const log = logs.get(topic);
    if (log !== undefined) {
      const answer = log.read(since, now);
      if (log.held === 0) forgetIfIdle(topic);
      return answer;
    }
    let epoch = pending.get(topic);
    if (epoch === undefined) {
      pending.set(topic, (epoch = newEpoch()));
      if (!interest.has(topic)) orphans.push(topic);
    }
    const recovered = since !== undefined && since.epoch === epoch && since.seq === 0;
    return { epoch, seq: 0, recovered, events: [] };
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
      const ev = log.append(item.data, now, sized ? eventBytes(item.data) : 0);
      results[i] = { seq: ev.seq, epoch: ev.epoch };
      const gws = interest.get(item.topic);
      if (gws === undefined) {
        // Nobody can resume a topic that holds nothing and has no interest.
        if (log.held === 0 && logs.get(item.topic) === log) forget(log);
        continue;
      }
      if (gws instanceof Set) for (const gw of gws) route(gw, ev);
      else route(gws, ev);
    }
    budget.expire(now);
    stats.eventsIn += items.length;
    if (firstList !== undefined) {
      deliver(firstGw!, firstList);
      if (others !== undefined) for (const [gw, events] of others) deliver(gw, events);
    }
    return results;
  };

  const setInterest = (gateway: string, topic: string, on: boolean): void => {
    if (on) interest.add(topic, gateway);
    else if (interest.remove(topic, gateway)) forgetIfIdle(topic);
  };

  const detach = (gateway: string): void => {
    sinks.delete(gateway);
    for (const topic of [...interest.keys()]) {
      if (interest.remove(topic, gateway)) forgetIfIdle(topic);
    }
    stats.gateways = sinks.size;
  };

  const sweep = (): void => {
    budget.expire(nowMs());
    const check = orphans;
    orphans = [];
    for (const topic of check) forgetIfIdle(topic);
  };

  const retain = (owns: (topic: string) => boolean): void => {
    for (const log of [...logs.values()]) if (!owns(log.topic)) forget(log);
    for (const topic of [...pending.keys()]) if (!owns(topic)) pending.delete(topic);
  };

  return {
    preStart(ctx: ActorContext<DispatcherMsg>) {
      ctx.timers.startPeriodic('sweep', { type: 'sweep' }, opts.sweepMs ?? 1_000);
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
          msg.reply(read(msg.topic, msg.since, nowMs()));
          return;
        case 'sweep':
          sweep();
          return;
        case 'retain':
          retain(msg.owns);
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
        pendingEpochs: pending.size,
        eventsIn: stats.eventsIn,
        eventsRouted: stats.eventsRouted,
        historyBytes: stats.historyBytes,
        historyEvents: stats.historyEvents,
        historyEvictions: stats.historyEvictions,
      };
    },
  };
}
