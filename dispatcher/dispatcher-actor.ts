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
 */
import { resumeOnFailure, type ActorContext, type Behavior, type SpawnOptions } from '../actors';
import type { Since } from '../protocol';
import { TopicLog, type TopicLogLimits } from './topic-log';
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

export interface DispatcherStats {
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
  /** How often idle topics without interest are evicted. */
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
  return { topics: 0, eventsIn: 0, eventsRouted: 0, gateways: 0, publishers: 0, badInput: {} };
}

export function dispatcherBehavior(opts: DispatcherOptions): Behavior<DispatcherMsg> {
  const logs = new Map<string, TopicLog>();
  const interest = new Map<string, Set<string>>();
  const sinks = new Map<string, GatewaySink>();
  const stats = opts.stats ?? newDispatcherStats();

  const logFor = (topic: string, now: number): TopicLog => {
    let log = logs.get(topic);
    if (log === undefined) {
      log = new TopicLog(topic, opts, now);
      logs.set(topic, log);
      stats.topics = logs.size;
    }
    return log;
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
    for (let i = 0; i < items.length; i++) {
      const item = items[i]!;
      const ev = logFor(item.topic, now).append(item.data, now);
      results[i] = { seq: ev.seq, epoch: ev.epoch };
      const gws = interest.get(item.topic);
      if (gws === undefined) continue;
      for (const gw of gws) {
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
      }
    }
    stats.eventsIn += items.length;
    if (firstList !== undefined) {
      deliver(firstGw!, firstList);
      if (others !== undefined) for (const [gw, events] of others) deliver(gw, events);
    }
    return results;
  };

  const setInterest = (gateway: string, topic: string, on: boolean): void => {
    let gws = interest.get(topic);
    if (on) {
      if (gws === undefined) interest.set(topic, (gws = new Set()));
      gws.add(gateway);
    } else if (gws !== undefined) {
      gws.delete(gateway);
      if (gws.size === 0) interest.delete(topic);
    }
  };

  const detach = (gateway: string): void => {
    sinks.delete(gateway);
    for (const [topic, gws] of interest) {
      gws.delete(gateway);
      if (gws.size === 0) interest.delete(topic);
    }
    stats.gateways = sinks.size;
  };

  const sweep = (): void => {
    const oldest = nowMs() - opts.ttlMs;
    for (const [topic, log] of logs) {
      if (log.lastActive < oldest && !interest.has(topic)) logs.delete(topic);
    }
    stats.topics = logs.size;
  };

  return {
    preStart(ctx: ActorContext<DispatcherMsg>) {
      ctx.timers.startPeriodic('sweep', { type: 'sweep' }, opts.sweepMs ?? 60_000);
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
          msg.reply(logFor(msg.topic, nowMs()).read(msg.since, nowMs()));
          return;
        case 'sweep':
          sweep();
          return;
        case 'retain':
          for (const topic of logs.keys()) if (!msg.owns(topic)) logs.delete(topic);
          stats.topics = logs.size;
          return;
      }
    },
    inspect() {
      return {
        topics: logs.size,
        gateways: [...sinks.keys()],
        interest: Object.fromEntries([...interest].slice(0, 100).map(([t, g]) => [t, [...g]])),
        eventsIn: stats.eventsIn,
        eventsRouted: stats.eventsRouted,
      };
    },
  };
}
