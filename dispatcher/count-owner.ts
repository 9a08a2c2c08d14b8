/**
 * The count owner: a dispatcher node's actor (`/user/counts`, beside `/user/dispatcher`) that
 * sums the viewer counts of the topics this node owns (PROTOCOL.md §8) and sends the totals
 * that changed, once per `--count-interval-ms`, to the gateways with watchers of them (a
 * subscriber that asked for the count; each report says whether its gateway has one).
 *
 *   gateway: count-report (changed local counts) ─┐
 *   gateway: count-q (its local n; answer: the others' sum) ─┼─► CountTable ──flush──► `counts` to gateways
 *   other dc: xcount (that dc's sums) ─────────────┘                      └──► `xcount` to one dispatcher per other dc
 *
 * - Gateways report to the owner they see (rendezvous over their live links); a report for a
 *   topic this node does not own is kept too, and dropped when ownership moves (`view`): the
 *   gateways re-report on their links' changes and every `countRefreshIntervals`, so the owner
 *   converges within one refresh.
 * - A gateway's link dropping (`detach`) takes it out of every sum; the change goes out at the
 *   next flush, so within one interval.
 * - Another datacenter's sums arrive at whichever dispatcher its `--peer-dcs` names: that one
 *   hands each topic to this datacenter's owner (over the peer link when it is not itself; a
 *   relayed `xcount` is never relayed again). Those sums expire after `countDcExpiryIntervals`
 *   flushes without a refresh, so a datacenter that went away stops counting within that.
 *
 * Its tables are soft state rebuilt from the gateways: it resumes on failure like the
 * dispatcher actor, and a restart only costs counts until the next refresh.
 */
import { resumeOnFailure, type Behavior, type SpawnOptions } from '../actors';
import { Limits } from '../server/limits';
import { CountTable, type TopicCountDetail } from './count-table';
import type { LinkEndpoint } from './link';
import type { CountItem, LinkMsg, ReportItem } from './link-messages';
import { ownerOf } from './rendezvous';

export type CountSink = (items: CountItem[]) => void;

/** Where this node's peers are, as its cluster router sees them. */
export interface CountView {
  /** Live dispatchers of this datacenter (rendezvous members), self included. */
  readonly members: readonly string[];
  /** The link to each other member. */
  readonly peers: ReadonlyMap<string, LinkEndpoint>;
  /** One link per other datacenter. */
  readonly dcs: ReadonlyMap<string, LinkEndpoint>;
}

export type CountMsg =
  | { type: 'attach'; gateway: string; sink: CountSink }
  | { type: 'detach'; gateway: string }
  | { type: 'report'; gateway: string; items: readonly ReportItem[] }
  | { type: 'query'; gateway: string; topic: string; n: number; reply: (others: number) => void }
  /** Sums of datacenter `origin`; `relay`: arrived from that dc, may go on to the owner peer. */
  | { type: 'xcount'; origin: string; items: readonly CountItem[]; relay: boolean }
  | { type: 'view'; view: CountView }
  | { type: 'flush' }
  /** Admin socket read: each topic's counts (undefined: nobody reports it), in order. */
  | {
      type: 'admin-counts';
      topics: readonly string[];
      reply: (counts: (TopicCountDetail | undefined)[]) => void;
    }
  /** Admin socket read: the `top` topics with the most subscribers, and how many are counted. */
  | { type: 'admin-top'; top: number; reply: (top: CountItem[], total: number) => void };

export interface CountOwnerOptions {
  readonly self: string;
  readonly dc: string;
  readonly intervalMs: number;
  readonly refreshIntervals?: number;
  readonly dcExpiryIntervals?: number;
  readonly maxTopicsPerSource?: number;
  readonly chunk?: number;
}

export const COUNT_OWNER_SPAWN: SpawnOptions = {
  kind: 'count-owner',
  priority: 'high',
  onFailure: resumeOnFailure,
};

/** Calls `send` with `items` in chunks of at most `size`. */
export function inChunks<T>(items: T[], size: number, send: (c: T[]) => void): void {
  if (items.length <= size) return send(items);
  for (let i = 0; i < items.length; i += size) send(items.slice(i, i + size));
}

export function countOwnerBehavior(o: CountOwnerOptions): Behavior<CountMsg> {
  const table = new CountTable(o.maxTopicsPerSource ?? Limits.countTopicsPerSource);
  const sinks = new Map<string, CountSink>();
  const chunk = o.chunk ?? Limits.countChunk;
  const refreshEvery = o.refreshIntervals ?? Limits.countRefreshIntervals;
  const expiry = o.dcExpiryIntervals ?? Limits.countDcExpiryIntervals;
  let view: CountView = { members: [o.self], peers: new Map(), dcs: new Map() };
  let flushes = 0;
  const stats = { reports: 0, queries: 0, published: 0, xcountIn: 0, xcountOut: 0 };

  const send = (
    ep: LinkEndpoint | undefined,
    items: CountItem[],
    make: (c: CountItem[]) => LinkMsg,
  ) => inChunks(items, chunk, (c) => void ep?.send(make(c)));

  const xcount = (origin: string, items: readonly CountItem[], relay: boolean): void => {
    stats.xcountIn += items.length;
    if (origin === o.dc) return;
    const onward = new Map<string, CountItem[]>();
    for (const item of items) {
      const owner = relay ? ownerOf(item[0], view.members)! : o.self;
      if (owner === o.self) table.dcSum(origin, item[0], item[1], flushes);
      else {
        const list = onward.get(owner);
        if (list === undefined) onward.set(owner, [item]);
        else list.push(item);
      }
    }
    for (const [owner, list] of onward)
      send(view.peers.get(owner), list, (c) => ({ op: 'xcount', origin, items: c }));
  };

  const flush = (): void => {
    flushes++;
    const refresh = flushes % refreshEvery === 0;
    if (refresh) table.expireDcs(flushes - expiry);
    const out = table.flush(refresh);
    for (const [gw, items] of out.toGateways) {
      const sink = sinks.get(gw);
      if (sink === undefined) continue;
      stats.published += items.length;
      inChunks(items, chunk, sink);
    }
    if (out.toDcs.length === 0) return;
    for (const ep of view.dcs.values()) {
      stats.xcountOut += out.toDcs.length;
      send(ep, out.toDcs, (c) => ({ op: 'xcount', origin: o.dc, items: c }));
    }
  };

  const setView = (next: CountView): void => {
    const moved = next.members.join() !== view.members.join();
    view = next;
    if (moved) table.retain((t) => ownerOf(t, next.members) === o.self);
  };

  return {
    preStart(ctx) {
      ctx.timers.startPeriodic('flush', { type: 'flush' }, o.intervalMs);
    },
    receive(msg) {
      switch (msg.type) {
        case 'attach':
          sinks.set(msg.gateway, msg.sink);
          return;
        case 'detach':
          sinks.delete(msg.gateway);
          return table.dropGateway(msg.gateway);
        case 'report':
          stats.reports += msg.items.length;
          for (const [topic, n, watched] of msg.items) {
            table.report(msg.gateway, topic, n, watched !== 0);
          }
          return;
        case 'query':
          stats.queries++;
          // The asker's own count is a report, and a watching one: a `sub` asks for the count
          // once its router holds the watcher, so the totals after its answer reach it.
          table.report(msg.gateway, msg.topic, msg.n, true);
          return msg.reply(table.othersOf(msg.topic, msg.gateway));
        case 'xcount':
          return xcount(msg.origin, msg.items, msg.relay);
        case 'view':
          return setView(msg.view);
        case 'flush':
          return flush();
        case 'admin-counts':
          return msg.reply(msg.topics.map((t) => table.detail(t, Limits.maxAdminReportGateways)));
        case 'admin-top':
          return msg.reply(table.top(msg.top), table.size);
      }
    },
    inspect() {
      return {
        topics: table.size,
        sources: table.sources,
        gateways: [...sinks.keys()],
        members: view.members,
        peerDcs: [...view.dcs.keys()],
        dropped: table.stats.dropped,
        ...stats,
        counts: table.snapshot(100),
      };
    },
  };
}
