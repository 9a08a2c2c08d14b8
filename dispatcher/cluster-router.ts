/**
 * The cluster router: a dispatcher node's actor in front of its dispatcher actor.
 *
 *   publisher / gateway `pub` ──► owner(topic) == self ? dispatcher actor (stamp, route)
 *                                                      : `fwd` to the owner peer over its link
 *                             └─► once per other datacenter: `xdc` (only for publishes that
 *                                  entered here, so nothing is ever forwarded back)
 *
 * Ownership is rendezvous hashing over the live dispatchers of this datacenter (self and every
 * peer whose link is up). When that set changes, the dispatcher actor forgets the topics it no
 * longer owns: a topic that moves starts a new epoch on its new owner.
 *
 * Gateways register interest with every dispatcher, so whichever dispatcher owns a topic after
 * a failure already knows who wants it; a gateway's links coming up re-announce its whole
 * interest set (`reset`), so a restarted dispatcher rebuilds its tables from the gateways.
 *
 * Who a link is: the node, role and dc its handshake announced, bound by the handshake's mac
 * (link/handshake.ts) when a secret is set. The secret is shared cluster-wide, so a secret
 * holder's claims are trusted as they are: a gateway that holds the secret and claims to be a
 * dispatcher is one. Without a secret (--insecure-loopback-links) any local process can link,
 * and the rules below are what still protects the tables:
 * - A node id is bound to its first live link (node-claims.ts): a link claiming an id that has
 *   a live link is closed as `duplicate-node` (counted in `refusedLinks`), so a link reusing a
 *   live gateway's id never takes over its event stream, nor a peer dispatcher's forwards.
 * - Ownership (the rendezvous members) counts a same-dc dispatcher when this node dialed it
 *   (it is in --peers) or, with `trustClaims` (a secret), when it dialed in: an accepted link's
 *   `role: 'dispatcher'` without a secret is a claim any local process could make.
 */
import {
  resumeOnFailure,
  type ActorContext,
  type ActorRef,
  type Behavior,
  type SpawnOptions,
} from '../actors';
import { ErrorCode, presenceTopicOf } from '../protocol';
import type { PresenceMsg } from '../presence/presence-supervisor';
import type { CountMsg } from './count-owner';
import type { DispatcherMsg } from './dispatcher-actor';
import type { LinkMsg } from './link-messages';
import type { LinkEndpoint } from './link';
import { historyReply } from './history-reply';
import { NodeClaims } from './node-claims';
import { linkItem, type PublishItem, type PublishRequest } from './publish-request';
import { ownerOf } from './rendezvous';
import { isFailure, type PublishOutcome, type TopicEvent } from './types';
import { countMsgOf, countSinkOf, countViewOf } from './count-link';

export type ClusterMsg =
  | PublishRequest
  | { type: 'link-up'; ep: LinkEndpoint }
  | { type: 'link-down'; ep: LinkEndpoint }
  | { type: 'link-msg'; ep: LinkEndpoint; msg: LinkMsg }
  | { type: 'expire' };

export interface ClusterStats {
  forwarded: number;
  xdcOut: number;
  xdcIn: number;
  ownershipChanges: number;
  /** Links refused for claiming a node id that has a live link (`duplicate-node`). */
  refusedLinks: number;
}

export function newClusterStats(): ClusterStats {
  return { forwarded: 0, xdcOut: 0, xdcIn: 0, ownershipChanges: 0, refusedLinks: 0 };
}

export interface ClusterRouterOptions {
  readonly self: string;
  readonly dc: string;
  readonly dispatcher: ActorRef<DispatcherMsg>;
  readonly stats: ClusterStats;
  /**
   * True when links authenticate with a cluster secret: a dispatcher that dialed in is then a
   * member like one this node dialed. False (insecure loopback links): dialed peers only.
   */
  readonly trustClaims: boolean;
  /** The node's presence supervisor (PROTOCOL.md §7); heartbeats and queries go to it. */
  readonly presence?: ActorRef<PresenceMsg>;
  /** The node's count owner (viewer counts, count-owner.ts), told of links and count ops. */
  readonly counts?: ActorRef<CountMsg>;
  readonly log?: (level: 'warn', msg: string, meta: Record<string, unknown>) => void;
  /** The links' frame limit: a history answer is trimmed to fit it (history-reply.ts). */
  readonly maxFrame?: number;
}

/** Why a link claiming a node id that has a live link is closed. */
export const DUPLICATE_NODE = 'duplicate-node';

/**
 * How the node spawns it (tests too). Its link tables and pending forwards are its only copy,
 * and a restart budget spent by a peer's messages would stop every publish: it resumes.
 */
export const CLUSTER_ROUTER_SPAWN: SpawnOptions = {
  kind: 'cluster-router',
  priority: 'high',
  onFailure: resumeOnFailure,
};

/** A forwarded publish not answered by its owner within this fails with 503. */
const FORWARD_TIMEOUT_MS = 5_000;

const UNREACHABLE: PublishOutcome = {
  code: ErrorCode.Unavailable,
  error: 'topic owner unreachable',
};

export function clusterRouterBehavior(o: ClusterRouterOptions): Behavior<ClusterMsg> {
  /** Up links by peer node, by role: two dispatchers that list each other hold two links. */
  const peers = new Map<string, Set<LinkEndpoint>>();
  const gateways = new Map<string, Set<LinkEndpoint>>();
  const dcs = new Map<string, Set<LinkEndpoint>>();
  /** Forwarded publishes awaiting the owner's seq, by rid, with the peer they went to. */
  const pending = new Map<
    number,
    { ep: LinkEndpoint; at: number; done: (r: PublishOutcome) => void }
  >();
  /** History reads relayed to the owner for a gateway: our rid -> the link and rid to answer. */
  const relayed = new Map<
    number,
    { via: LinkEndpoint; at: number; to: LinkEndpoint; rid: number }
  >();
  const failRelayed = (pred: (r: { via: LinkEndpoint; at: number }) => boolean): void => {
    for (const [rid, r] of relayed) {
      if (!pred(r)) continue;
      relayed.delete(rid);
      r.to.send({
        op: 'fail',
        rid: r.rid,
        code: ErrorCode.Unavailable,
        msg: 'topic owner unreachable',
      });
    }
  };
  /** Fails the pending forwards that went over `ep` (or, with no ep, those past their deadline). */
  const failPending = (pred: (p: { ep: LinkEndpoint; at: number }) => boolean): void => {
    for (const [rid, p] of pending) {
      if (!pred(p)) continue;
      pending.delete(rid);
      p.done(UNREACHABLE);
    }
  };
  let nextRid = 1;
  let members: string[] = [o.self];

  const claims = new NodeClaims();

  const any = (set: Set<LinkEndpoint> | undefined): LinkEndpoint | undefined =>
    set === undefined ? undefined : set.values().next().value;

  /**
   * The link to send an owner its forwards on: the one this node dialed when it has it, so
   * without a secret a local process holding the accepted half of a pair never receives them.
   */
  const toOwner = (owner: string): LinkEndpoint | undefined => {
    const set = peers.get(owner);
    if (set === undefined) return undefined;
    for (const ep of set) if (ep.side === 'dialed') return ep;
    return o.trustClaims ? any(set) : undefined;
  };

  /** The count owner's copy of who owns what and how to reach them (dispatcher links changed). */
  const tellCountView = (): void =>
    void o.counts?.tell({ type: 'view', view: countViewOf(o.self, members, toOwner, dcs) });

  const membershipChanged = (): void => {
    const owners: string[] = [];
    for (const node of peers.keys()) if (toOwner(node) !== undefined) owners.push(node);
    const next = [o.self, ...owners].sort();
    if (next.join() !== members.join()) {
      members = next;
      o.stats.ownershipChanges++;
      const snapshot = members;
      const owns = (t: string): boolean => ownerOf(t, snapshot) === o.self;
      o.dispatcher.tell({ type: 'retain', owns });
      o.presence?.tell({ type: 'retain', owns });
    }
    tellCountView();
  };

  /**
   * Heartbeats of members this node owns go to its presence supervisor. A gateway that sees
   * another owner (a dispatcher just joined or left) has the others relayed once to theirs, so
   * a member is never tracked by two dispatchers (the second would announce a false offline);
   * a peer's relay is never relayed again, and without a link to the owner it is kept here.
   */
  const heartbeat = (ep: LinkEndpoint, ids: readonly string[]): void => {
    const mine: string[] = [];
    const relay = new Map<LinkEndpoint, string[]>();
    for (const m of ids) {
      const owner = ownerOf(presenceTopicOf(m)!, members);
      const via = owner === o.self || ep.peer.role !== 'gateway' ? undefined : toOwner(owner!);
      if (via === undefined) {
        mine.push(m);
        continue;
      }
      let list = relay.get(via);
      if (list === undefined) relay.set(via, (list = []));
      list.push(m);
    }
    for (const [via, list] of relay) {
      if (!via.send({ op: 'presence-hb', members: list })) mine.push(...list);
    }
    if (mine.length > 0) o.presence?.tell({ type: 'heartbeat', members: mine });
  };

  const tableFor = (ep: LinkEndpoint): Map<string, Set<LinkEndpoint>> =>
    ep.peer.role === 'gateway' ? gateways : ep.peer.dc === o.dc ? peers : dcs;
  /** Other datacenters are keyed by name: a publish goes to one dispatcher of each, once. */
  const keyFor = (ep: LinkEndpoint, table: Map<string, Set<LinkEndpoint>>): string =>
    table === dcs ? ep.peer.dc : ep.peer.node;

  const publish = (m: PublishRequest): void => {
    const { items, reply } = m;
    const results: PublishOutcome[] = new Array<PublishOutcome>(items.length);
    let waiting = 1;
    const finish = (): void => {
      if (--waiting === 0) reply?.(results);
    };
    const local: PublishItem[] = [];
    const localIdx: number[] = [];
    const remote = new Map<string, number[]>();
    for (let i = 0; i < items.length; i++) {
      const owner = ownerOf(items[i]!.topic, members)!;
      if (owner === o.self) {
        local.push(items[i]!);
        localIdx.push(i);
      } else {
        let list = remote.get(owner);
        if (list === undefined) remote.set(owner, (list = []));
        list.push(i);
      }
    }
    if (local.length > 0) {
      waiting++;
      const sent = o.dispatcher.tell({
        type: 'publish',
        items: local,
        reply: (rs) => {
          for (let j = 0; j < rs.length; j++) results[localIdx[j]!] = rs[j]!;
          finish();
        },
      });
      if (!sent) {
        for (const i of localIdx) results[i] = UNREACHABLE;
        finish();
      }
    }
    for (const [owner, idx] of remote) {
      const ep = toOwner(owner);
      const rids = reply === undefined ? undefined : idx.map(() => nextRid++);
      const ok =
        ep !== undefined &&
        ep.send({
          op: 'fwd',
          items: idx.map((i) => linkItem(items[i]!)),
          ...(rids ? { rids } : {}),
        });
      if (ok) o.stats.forwarded += idx.length;
      if (rids === undefined) continue;
      for (let j = 0; j < idx.length; j++) {
        const i = idx[j]!;
        if (!ok) {
          results[i] = UNREACHABLE;
          continue;
        }
        waiting++;
        pending.set(rids[j]!, {
          ep: ep!,
          at: Date.now(),
          done: (r) => {
            results[i] = r;
            finish();
          },
        });
      }
    }
    if (m.fromDc === undefined && dcs.size > 0) {
      for (const set of dcs.values()) {
        const ep = any(set);
        if (ep?.send({ op: 'xdc', origin: o.dc, items: items.map(linkItem) }))
          o.stats.xdcOut += items.length;
      }
    }
    finish();
  };

  const onMessage = (ep: LinkEndpoint, msg: LinkMsg, ctx: ActorContext<ClusterMsg>): void => {
    const gw = ep.peer.node;
    switch (msg.op) {
      case 'interest':
        if (msg.reset) {
          o.dispatcher.tell({ type: 'detach', gateway: gw });
          attachGateway(ep);
        }
        for (const topic of msg.topics) {
          o.dispatcher.tell({ type: 'interest', gateway: gw, topic, on: msg.on });
        }
        return;
      case 'history': {
        const owner = ownerOf(msg.topic, members)!;
        if (owner !== o.self) {
          // A gateway that sees another owner than we do (a dispatcher just joined or left):
          // relay the read to the owner once. A peer's relay is never relayed again.
          const via = ep.peer.role === 'gateway' ? toOwner(owner) : undefined;
          const rid = nextRid++;
          if (via?.send({ ...msg, rid })) {
            relayed.set(rid, { via, at: Date.now(), to: ep, rid: msg.rid });
            return;
          }
          ep.send({
            op: 'fail',
            rid: msg.rid,
            code: ErrorCode.Unavailable,
            msg: `not the owner of ${msg.topic}; ask ${owner}`,
          });
          return;
        }
        const rid = msg.rid;
        o.dispatcher.tell({
          type: 'history',
          topic: msg.topic,
          since: msg.since,
          last: msg.last,
          reply: (a) => ep.send(historyReply(rid, a, o.maxFrame)),
        });
        return;
      }
      case 'pub': {
        const rid = msg.rid;
        ctx.self.tell({
          type: 'publish',
          items: [{ topic: msg.topic, data: msg.data, bytes: msg.bytes }],
          reply: ([r]) =>
            ep.send(
              isFailure(r!)
                ? { op: 'fail', rid, code: r.code, msg: r.error }
                : { op: 'pub-r', rid, seq: r!.seq, epoch: r!.epoch },
            ),
        });
        return;
      }
      case 'fwd': {
        // The sender saw us as the owner: stamp here even if our view differs for a moment,
        // rather than bounce the publish between two views.
        const rids = msg.rids;
        o.dispatcher.tell({
          type: 'publish',
          items: msg.items,
          reply:
            rids === undefined
              ? undefined
              : (rs) => {
                  const results: { rid: number; seq: number; epoch: string }[] = [];
                  for (let i = 0; i < rs.length; i++) {
                    const rid = rids[i];
                    if (rid !== null && rid !== undefined)
                      results.push({ rid, seq: rs[i]!.seq, epoch: rs[i]!.epoch });
                  }
                  if (results.length > 0) ep.send({ op: 'fwd-r', results });
                },
        });
        return;
      }
      case 'history-r':
      case 'fail': {
        // The owner's answer to a read this dispatcher relayed for a gateway.
        const r = relayed.get(msg.rid);
        if (r === undefined || r.via !== ep) return;
        relayed.delete(msg.rid);
        r.to.send({ ...msg, rid: r.rid });
        return;
      }
      case 'fwd-r':
        for (const r of msg.results) {
          const p = pending.get(r.rid);
          if (p === undefined) continue;
          pending.delete(r.rid);
          p.done({ seq: r.seq, epoch: r.epoch });
        }
        return;
      case 'xdc':
        o.stats.xdcIn += msg.items.length;
        publish({ type: 'publish', items: msg.items, fromDc: msg.origin });
        return;
      case 'presence-hb':
        return heartbeat(ep, msg.members);
      case 'presence-q': {
        // Answered from this node's store: the asker chose us as the owner, and with the Redis
        // store any dispatcher reads the same entries.
        const rid = msg.rid;
        const ok = o.presence?.tell({
          type: 'query',
          members: msg.members,
          reply: (r) =>
            ep.send(
              r instanceof Error
                ? { op: 'fail', rid, code: ErrorCode.Unavailable, msg: r.message.slice(0, 200) }
                : { op: 'presence-r', rid, states: r.map((x) => ({ ...x })) },
            ),
        });
        if (ok !== true) {
          ep.send({ op: 'fail', rid, code: ErrorCode.Unavailable, msg: 'presence is not running' });
        }
        return;
      }
      case 'count-report':
      case 'count-q':
      case 'xcount':
        return void o.counts?.tell(countMsgOf(ep, msg, o.dc));
      default:
        return;
    }
  };

  const attachGateway = (ep: LinkEndpoint): void => {
    o.dispatcher.tell({
      type: 'attach',
      gateway: ep.peer.node,
      sink: (events: readonly TopicEvent[]) => ep.send({ op: 'ev', events: [...events] }),
    });
    o.counts?.tell({ type: 'attach', gateway: ep.peer.node, sink: countSinkOf(ep) });
  };

  return {
    preStart(ctx) {
      ctx.timers.startPeriodic('expire', { type: 'expire' }, FORWARD_TIMEOUT_MS / 2);
    },
    receive(msg, ctx) {
      switch (msg.type) {
        case 'expire': {
          // An owner that refused to answer (its send failed) must not leave a publisher waiting.
          const oldest = Date.now() - FORWARD_TIMEOUT_MS;
          failRelayed((r) => r.at < oldest);
          return failPending((p) => p.at < oldest);
        }
        case 'publish':
          return publish(msg);
        case 'link-up': {
          const held = claims.conflictOf(msg.ep);
          if (held !== undefined) {
            o.stats.refusedLinks++;
            o.log?.('warn', 'link refused: node id has a live link', {
              node: msg.ep.peer.node,
              role: msg.ep.peer.role,
              remote: msg.ep.remote,
              heldBy: held.remote,
            });
            return msg.ep.close(DUPLICATE_NODE);
          }
          claims.add(msg.ep);
          const table = tableFor(msg.ep);
          const key = keyFor(msg.ep, table);
          let set = table.get(key);
          if (set === undefined) table.set(key, (set = new Set()));
          set.add(msg.ep);
          if (msg.ep.peer.role === 'gateway') attachGateway(msg.ep);
          else if (table === peers) membershipChanged();
          else tellCountView();
          return;
        }
        case 'link-down': {
          const table = tableFor(msg.ep);
          const node = keyFor(msg.ep, table);
          const set = table.get(node);
          if (!claims.remove(msg.ep) || set === undefined || !set.delete(msg.ep)) return;
          // A forward's answer can only come back on the link that carried it.
          failPending((p) => p.ep === msg.ep);
          failRelayed((r) => r.via === msg.ep);
          if (set.size === 0) table.delete(node);
          if (msg.ep.peer.role === 'gateway') {
            if (set.size > 0) attachGateway(any(set)!);
            else {
              o.dispatcher.tell({ type: 'detach', gateway: node });
              o.counts?.tell({ type: 'detach', gateway: node });
            }
          } else if (table === peers) {
            // The dialed link of a pair may go first, leaving one that is not trusted alone.
            membershipChanged();
          } else tellCountView();
          return;
        }
        case 'link-msg':
          // A refused link's frames may still be queued behind its refusal: they are not news.
          if (!claims.holds(msg.ep)) return;
          return onMessage(msg.ep, msg.msg, ctx);
      }
    },
    inspect() {
      return {
        self: o.self,
        dc: o.dc,
        members,
        gateways: [...gateways.keys()],
        peerDcs: [...dcs.keys()],
        pendingForwards: pending.size,
        relayedReads: relayed.size,
        ...o.stats,
      };
    },
  };
}
