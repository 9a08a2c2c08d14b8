import { ActorSystem, type ActorRef } from '../actors';

import { ErrorCode } from '../protocol';
import {
  CLUSTER_ROUTER_SPAWN,
  clusterRouterBehavior,
  newClusterStats,
  type ClusterMsg,
  type ClusterStats,
} from './cluster-router';
import {
  DISPATCHER_SPAWN,
  dispatcherBehavior,
  newDispatcherStats,
  type DispatcherMsg,
  type DispatcherStats,
} from './dispatcher-actor';
import { EVENT_OVERHEAD_BYTES } from './history-budget';
import type { PublishItem } from './publish-request';
import type { LinkEndpoint, LinkSide } from './link';
import type { LinkMsg, LinkPeerInfo, LinkRole } from './link-messages';
import { ownerOf } from './rendezvous';
import { isFailure, type PublishOutcome, type PublishResult, type TopicEvent } from './types';
import { eventually } from '../testing/eventually';

const SELF = 'd1';
const PEER = 'd2';
const DC = 'dc1';

/** An in-memory link that records every frame it is asked to send. */
class FakeEndpoint implements LinkEndpoint {
  readonly peer: LinkPeerInfo;
  readonly sent: LinkMsg[] = [];
  /** What `send` answers: false plays a full or down link. */
  accepts = true;
  closedWith: string | undefined;

  constructor(
    node: string,
    role: LinkRole,
    dc: string = DC,
    readonly remote = `127.0.0.1:${node}`,
    readonly side: LinkSide = 'accepted',
  ) {
    this.peer = { node, role, dc };
  }

  send(msg: LinkMsg): boolean {
    this.sent.push(msg);
    return this.accepts;
  }

  close(reason: string): void {
    this.closedWith ??= reason;
  }

  of<Op extends LinkMsg['op']>(op: Op): Extract<LinkMsg, { op: Op }>[] {
    return this.sent.filter((m): m is Extract<LinkMsg, { op: Op }> => m.op === op);
  }
}

interface Harness {
  system: ActorSystem;
  router: ActorRef<ClusterMsg>;
  dispatcher: ActorRef<DispatcherMsg>;
  stats: ClusterStats;
  /** The local dispatcher's. */
  dstats: DispatcherStats;
}

const systems: ActorSystem[] = [];

afterEach(async () => {
  await Promise.all(systems.splice(0).map((s) => s.terminate()));
});

/** `trustClaims`: as with --cluster-secret (the default here); false as with insecure links. */
function start(self = SELF, dc = DC, trustClaims = true): Harness {
  const system = ActorSystem.create('cluster-test', { log: () => undefined });
  systems.push(system);
  const dstats = newDispatcherStats();
  const dispatcher = system.spawn<DispatcherMsg>(
    'dispatcher',
    () => dispatcherBehavior({ capacity: 100, ttlMs: 60_000, stats: dstats }),
    DISPATCHER_SPAWN,
  );
  const stats: ClusterStats = newClusterStats();
  const router = system.spawn<ClusterMsg>(
    'cluster',
    () => clusterRouterBehavior({ self, dc, dispatcher, stats, trustClaims }),
    CLUSTER_ROUTER_SPAWN,
  );
  return { system, router, dispatcher, stats, dstats };
}

function up(h: Harness, ep: FakeEndpoint): FakeEndpoint {
  h.router.tell({ type: 'link-up', ep });
  return ep;
}

function down(h: Harness, ep: FakeEndpoint): void {
  h.router.tell({ type: 'link-down', ep });
}

function recv(h: Harness, ep: FakeEndpoint, msg: LinkMsg): void {
  h.router.tell({ type: 'link-msg', ep, msg });
}

/** Publishes through the router; `settled` tells whether the reply came yet. */
function publish(
  h: Harness,
  items: PublishItem[],
): { result: Promise<readonly PublishOutcome[]>; settled: () => boolean } {
  let done = false;
  const result = new Promise<readonly PublishOutcome[]>((resolve, reject) => {
    const sent = h.router.tell({
      type: 'publish',
      items,
      reply: (rs) => {
        done = true;
        resolve(rs);
      },
    });
    if (!sent) reject(new Error('tell refused'));
  });
  return { result, settled: () => done };
}

function ok(o: PublishOutcome | undefined): PublishResult {
  if (o === undefined || isFailure(o))
    throw new Error(`expected a result, got ${JSON.stringify(o)}`);
  return o;
}

/** A topic that `owner` owns among `members` (deterministic: the first match of `prefix-N`). */
function topicOwnedBy(owner: string, members: string[], prefix = 't'): string {
  for (let i = 0; i < 10_000; i++) {
    const t = `${prefix}-${i}`;
    if (ownerOf(t, members) === owner) return t;
  }
  throw new Error(`no topic owned by ${owner}`);
}

function briefEvents(events: readonly TopicEvent[]): string[] {
  return events.map((e) => `${e.topic}#${e.seq}=${String(e.data)}`);
}

/** Every event the endpoint was sent, one string per event. */
function evs(ep: FakeEndpoint): string[] {
  return ep.of('ev').flatMap((m) => briefEvents(m.events));
}

/** Waits until everything told so far has been processed by router and dispatcher. */
async function settle(h: Harness): Promise<void> {
  // An empty publish marked as from another dc: a no-op turn of the router, never forwarded.
  await new Promise<void>((resolve) =>
    h.router.tell({ type: 'publish', items: [], fromDc: 'marker', reply: () => resolve() }),
  );
  await new Promise<void>((resolve) =>
    h.dispatcher.tell({ type: 'publish', items: [], reply: () => resolve() }),
  );
}

const both = [SELF, PEER];

describe('clusterRouterBehavior', () => {
  describe('#publish', () => {
    it('stamps a topic owned by self on the local dispatcher and sends nothing to the peer', async () => {
      const h = start();
      const peer = up(h, new FakeEndpoint(PEER, 'dispatcher'));
      const mine = topicOwnedBy(SELF, both);
      const first = await publish(h, [{ topic: mine, data: 1 }]).result;
      const second = await publish(h, [{ topic: mine, data: 2 }]).result;
      expect(ok(first[0]).seq).toBe(1);
      expect(ok(second[0]).seq).toBe(2);
      expect(ok(second[0]).epoch).toBe(ok(first[0]).epoch);
      expect(peer.sent).toEqual([]);
      expect(h.stats.forwarded).toBe(0);
    });

    it('sends items of a topic owned by an up peer as one `fwd` with rids and replies when `fwd-r` answers', async () => {
      const h = start();
      const peer = up(h, new FakeEndpoint(PEER, 'dispatcher'));
      const theirs = topicOwnedBy(PEER, both);
      const mine = topicOwnedBy(SELF, both);
      const p = publish(h, [
        { topic: theirs, data: 'a' },
        { topic: mine, data: 'b' },
        { topic: theirs, data: 'c' },
      ]);
      await eventually(() => peer.of('fwd').length === 1);
      const fwd = peer.of('fwd')[0]!;
      expect(fwd.items).toEqual([
        { topic: theirs, data: 'a' },
        { topic: theirs, data: 'c' },
      ]);
      expect(fwd.rids).toHaveLength(2);
      expect(new Set(fwd.rids).size).toBe(2);
      await settle(h);
      expect(p.settled()).toBe(false);
      expect(h.stats.forwarded).toBe(2);

      const [r1, r2] = fwd.rids as number[];
      recv(h, peer, {
        op: 'fwd-r',
        results: [
          { rid: r2!, seq: 8, epoch: 'E-peer' },
          { rid: r1!, seq: 7, epoch: 'E-peer' },
        ],
      });
      const results = await p.result;
      expect(results[0]).toEqual({ seq: 7, epoch: 'E-peer' });
      expect(ok(results[1]).seq).toBe(1);
      expect(results[2]).toEqual({ seq: 8, epoch: 'E-peer' });
    });

    it('sends `fwd` without rids when no reply is wanted', async () => {
      const h = start();
      const peer = up(h, new FakeEndpoint(PEER, 'dispatcher'));
      h.router.tell({ type: 'publish', items: [{ topic: topicOwnedBy(PEER, both), data: 1 }] });
      await eventually(() => peer.of('fwd').length === 1);
      expect(peer.of('fwd')[0]!.rids).toBeUndefined();
    });

    it('fails pending forwards with 503 when the owner peer link goes down', async () => {
      const h = start();
      const peer = up(h, new FakeEndpoint(PEER, 'dispatcher'));
      const p = publish(h, [{ topic: topicOwnedBy(PEER, both), data: 1 }]);
      await eventually(() => peer.of('fwd').length === 1);
      expect(h.system.inspect('/user/cluster')?.state.pendingForwards).toBe(1);
      down(h, peer);
      const [r] = await p.result;
      expect(r).toEqual({ code: ErrorCode.Unavailable, error: expect.any(String) });
      expect(h.system.inspect('/user/cluster')?.state.pendingForwards).toBe(0);
    });

    // Regression: two dispatchers that list each other hold two links; a forward's answer can
    // only come back on the link that carried it.
    it('fails forwards pending on a link that went down while a second link to the peer is up', async () => {
      const h = start();
      const l1 = up(h, new FakeEndpoint(PEER, 'dispatcher', DC, 'r1', 'accepted'));
      const l2 = up(h, new FakeEndpoint(PEER, 'dispatcher', DC, 'r2', 'dialed'));
      const p = publish(h, [{ topic: topicOwnedBy(PEER, both), data: 1 }]);
      await eventually(() => l1.of('fwd').length + l2.of('fwd').length === 1);
      down(h, l1.of('fwd').length === 1 ? l1 : l2);
      await settle(h);
      await eventually(() => p.settled(), 500);
      const [r] = await p.result;
      expect(r).toEqual({ code: ErrorCode.Unavailable, error: expect.any(String) });
    });

    it('answers 503 at once when the link to the owner refuses the send', async () => {
      const h = start();
      const peer = up(h, new FakeEndpoint(PEER, 'dispatcher'));
      peer.accepts = false;
      const mine = topicOwnedBy(SELF, both);
      const [theirs, local] = await publish(h, [
        { topic: topicOwnedBy(PEER, both), data: 1 },
        { topic: mine, data: 2 },
      ]).result;
      expect(theirs).toEqual({ code: 503, error: expect.any(String) });
      expect(ok(local).seq).toBe(1);
      expect(h.system.inspect('/user/cluster')?.state.pendingForwards).toBe(0);
    });

    it('sends `xdc` once per other datacenter, to one of its dispatchers', async () => {
      const h = start();
      const a = up(h, new FakeEndpoint('x1', 'dispatcher', 'dc2'));
      const b = up(h, new FakeEndpoint('x2', 'dispatcher', 'dc2'));
      const c = up(h, new FakeEndpoint('y1', 'dispatcher', 'dc3'));
      const items = [
        { topic: 'news', data: 1 },
        { topic: 'sport', data: 2 },
      ];
      await publish(h, items).result;
      const dc2 = [...a.of('xdc'), ...b.of('xdc')];
      expect(dc2).toEqual([{ op: 'xdc', origin: DC, items }]);
      expect(c.of('xdc')).toEqual([{ op: 'xdc', origin: DC, items }]);
      expect(h.stats.xdcOut).toBe(4);
    });

    it("leaves the items' `bytes` behind on `fwd` and `xdc` (a receiver sizes what it checks)", async () => {
      const h = start();
      const peer = up(h, new FakeEndpoint(PEER, 'dispatcher'));
      const other = up(h, new FakeEndpoint('x1', 'dispatcher', 'dc2'));
      const theirs = topicOwnedBy(PEER, both);
      void publish(h, [{ topic: theirs, data: 'a', bytes: 17 }]);
      await eventually(() => peer.of('fwd').length === 1 && other.of('xdc').length === 1);
      expect(peer.of('fwd')[0]!.items).toStrictEqual([{ topic: theirs, data: 'a' }]);
      expect(other.of('xdc')[0]!.items).toStrictEqual([{ topic: theirs, data: 'a' }]);
    });

    it('does not count an `xdc` the link refused', async () => {
      const h = start();
      const a = up(h, new FakeEndpoint('x1', 'dispatcher', 'dc2'));
      a.accepts = false;
      await publish(h, [{ topic: 'news', data: 1 }]).result;
      expect(a.of('xdc')).toHaveLength(1);
      expect(h.stats.xdcOut).toBe(0);
    });

    it('does not forward to other datacenters a publish that came from one', async () => {
      const h = start();
      const other = up(h, new FakeEndpoint('x1', 'dispatcher', 'dc2'));
      await new Promise<void>((resolve) =>
        h.router.tell({
          type: 'publish',
          items: [{ topic: 'news', data: 1 }],
          fromDc: 'dc3',
          reply: () => resolve(),
        }),
      );
      expect(other.sent).toEqual([]);
    });

    it('keeps other datacenters out of ownership', async () => {
      const h = start();
      const other = up(h, new FakeEndpoint(PEER, 'dispatcher', 'dc2'));
      // Owned by d2 if d2 counted as a member: here it must be stamped locally.
      const [r] = await publish(h, [{ topic: topicOwnedBy(PEER, both), data: 1 }]).result;
      expect(ok(r).seq).toBe(1);
      expect(other.of('fwd')).toEqual([]);
      expect(h.stats.ownershipChanges).toBe(0);
    });
  });

  describe('#xdc', () => {
    it('publishes an incoming `xdc` here and forwards it to no other datacenter', async () => {
      const h = start();
      const from = up(h, new FakeEndpoint('x1', 'dispatcher', 'dc2'));
      const third = up(h, new FakeEndpoint('y1', 'dispatcher', 'dc3'));
      const gw = up(h, new FakeEndpoint('g1', 'gateway'));
      recv(h, gw, { op: 'interest', topics: ['news'], on: true });
      recv(h, from, { op: 'xdc', origin: 'dc2', items: [{ topic: 'news', data: 'hi' }] });
      await eventually(() => evs(gw).length === 1);
      expect(evs(gw)).toEqual(['news#1=hi']);
      await settle(h);
      expect(third.sent).toEqual([]);
      expect(from.sent).toEqual([]);
      expect(h.stats.xdcIn).toBe(1);
      expect(h.stats.xdcOut).toBe(0);
    });

    it('forwards an incoming `xdc` for a topic owned by a peer of this datacenter to that peer', async () => {
      const h = start();
      const peer = up(h, new FakeEndpoint(PEER, 'dispatcher'));
      const from = up(h, new FakeEndpoint('x1', 'dispatcher', 'dc2'));
      const theirs = topicOwnedBy(PEER, both);
      recv(h, from, { op: 'xdc', origin: 'dc2', items: [{ topic: theirs, data: 1 }] });
      await eventually(() => peer.of('fwd').length === 1);
      expect(peer.of('fwd')[0]).toEqual({ op: 'fwd', items: [{ topic: theirs, data: 1 }] });
    });
  });

  describe('#interest', () => {
    it('sends `ev` only to gateways with interest, once per event', async () => {
      const h = start();
      const g1 = up(h, new FakeEndpoint('g1', 'gateway'));
      const g2 = up(h, new FakeEndpoint('g2', 'gateway'));
      const g3 = up(h, new FakeEndpoint('g3', 'gateway'));
      recv(h, g1, { op: 'interest', topics: ['a', 'b'], on: true });
      recv(h, g2, { op: 'interest', topics: ['b'], on: true });
      await publish(h, [
        { topic: 'a', data: 1 },
        { topic: 'b', data: 2 },
        { topic: 'c', data: 3 },
      ]).result;
      expect(evs(g1)).toEqual(['a#1=1', 'b#1=2']);
      expect(g1.of('ev')).toHaveLength(1);
      expect(evs(g2)).toEqual(['b#1=2']);
      expect(g3.sent).toEqual([]);
    });

    it('stops sending a topic whose interest was withdrawn', async () => {
      const h = start();
      const g = up(h, new FakeEndpoint('g1', 'gateway'));
      recv(h, g, { op: 'interest', topics: ['a', 'b'], on: true });
      recv(h, g, { op: 'interest', topics: ['a'], on: false });
      await publish(h, [
        { topic: 'a', data: 1 },
        { topic: 'b', data: 2 },
      ]).result;
      expect(evs(g)).toEqual(['b#1=2']);
    });

    it('replaces the whole interest set of the gateway on `reset`', async () => {
      const h = start();
      const g = up(h, new FakeEndpoint('g1', 'gateway'));
      const other = up(h, new FakeEndpoint('g2', 'gateway'));
      recv(h, g, { op: 'interest', topics: ['a', 'b'], on: true });
      recv(h, other, { op: 'interest', topics: ['a'], on: true });
      recv(h, g, { op: 'interest', topics: ['c'], on: true, reset: true });
      await publish(h, [
        { topic: 'a', data: 1 },
        { topic: 'b', data: 2 },
        { topic: 'c', data: 3 },
      ]).result;
      expect(evs(g)).toEqual(['c#1=3']);
      expect(evs(other)).toEqual(['a#1=1']);
    });

    it('clears the interest of the gateway on an empty `reset`', async () => {
      const h = start();
      const g = up(h, new FakeEndpoint('g1', 'gateway'));
      recv(h, g, { op: 'interest', topics: ['a'], on: true });
      recv(h, g, { op: 'interest', topics: [], on: true, reset: true });
      await publish(h, [{ topic: 'a', data: 1 }]).result;
      expect(g.sent).toEqual([]);
    });

    it('forgets the interest of a gateway whose last link went down', async () => {
      const h = start();
      const g = up(h, new FakeEndpoint('g1', 'gateway'));
      recv(h, g, { op: 'interest', topics: ['a'], on: true });
      down(h, g);
      const again = up(h, new FakeEndpoint('g1', 'gateway'));
      await publish(h, [{ topic: 'a', data: 1 }]).result;
      expect(g.sent).toEqual([]);
      expect(again.sent).toEqual([]);
    });
  });

  describe('#history', () => {
    it('answers `history-r` from the local dispatcher for a topic owned by self', async () => {
      const h = start();
      up(h, new FakeEndpoint(PEER, 'dispatcher'));
      const g = up(h, new FakeEndpoint('g1', 'gateway'));
      const mine = topicOwnedBy(SELF, both);
      const [r1] = await publish(h, [
        { topic: mine, data: 'x' },
        { topic: mine, data: 'y' },
        { topic: mine, data: 'z' },
      ]).result;
      const epoch = ok(r1).epoch;
      recv(h, g, { op: 'history', rid: 41, topic: mine, since: { seq: 1, epoch } });
      await eventually(() => g.of('history-r').length === 1);
      const answer = g.of('history-r')[0]!;
      expect(answer).toMatchObject({ op: 'history-r', rid: 41, epoch, seq: 3, recovered: true });
      expect(briefEvents(answer.events)).toEqual([`${mine}#2=y`, `${mine}#3=z`]);
    });

    it('answers a read with last from the local dispatcher, the latest N events', async () => {
      const h = start();
      const g = up(h, new FakeEndpoint('g1', 'gateway'));
      const mine = topicOwnedBy(SELF, [SELF]);
      await publish(
        h,
        [1, 2, 3, 4].map((n) => ({ topic: mine, data: n })),
      ).result;
      recv(h, g, { op: 'history', rid: 42, topic: mine, last: 2 });
      await eventually(() => g.of('history-r').length === 1);
      const answer = g.of('history-r')[0]!;
      expect(answer).toMatchObject({ rid: 42, seq: 4, recovered: true });
      expect(briefEvents(answer.events)).toEqual([`${mine}#3=3`, `${mine}#4=4`]);
    });

    it("relays last with a read of another owner's topic", async () => {
      const h = start();
      const peer = up(h, new FakeEndpoint(PEER, 'dispatcher'));
      const g = up(h, new FakeEndpoint('g1', 'gateway'));
      recv(h, g, { op: 'history', rid: 5, topic: topicOwnedBy(PEER, both), last: 7 });
      await eventually(() => peer.of('history').length === 1);
      expect(peer.of('history')[0]).toMatchObject({ topic: topicOwnedBy(PEER, both), last: 7 });
    });

    it("relays a gateway's read of another owner's topic to that owner and relays the answer back", async () => {
      const h = start();
      const peer = up(h, new FakeEndpoint(PEER, 'dispatcher'));
      const g = up(h, new FakeEndpoint('g1', 'gateway'));
      recv(h, g, { op: 'history', rid: 5, topic: topicOwnedBy(PEER, both) });
      await eventually(() => peer.of('history').length === 1);
      const relayed = peer.of('history')[0]!;
      expect(relayed.topic).toBe(topicOwnedBy(PEER, both));
      const answer: LinkMsg = {
        op: 'history-r',
        rid: relayed.rid,
        epoch: 'e',
        seq: 3,
        recovered: false,
        events: [],
      };
      recv(h, peer, answer);
      await eventually(() => g.sent.length === 1);
      expect(g.sent[0]).toEqual({ ...answer, rid: 5 });
      expect(h.system.inspect('/user/cluster')?.state.relayedReads).toBe(0);
    });

    it('fails a relayed read when the link to the owner goes down', async () => {
      const h = start();
      const peer = up(h, new FakeEndpoint(PEER, 'dispatcher'));
      const g = up(h, new FakeEndpoint('g1', 'gateway'));
      recv(h, g, { op: 'history', rid: 6, topic: topicOwnedBy(PEER, both) });
      await eventually(() => peer.of('history').length === 1);
      down(h, peer);
      await eventually(() => g.sent.length === 1);
      expect(g.sent[0]).toMatchObject({ op: 'fail', rid: 6, code: ErrorCode.Unavailable });
    });

    it('answers `fail` with 503 when the owner cannot be reached, or the read came from a peer', async () => {
      const h = start();
      const peer = up(h, new FakeEndpoint(PEER, 'dispatcher'));
      peer.accepts = false;
      const g = up(h, new FakeEndpoint('g1', 'gateway'));
      recv(h, g, { op: 'history', rid: 5, topic: topicOwnedBy(PEER, both) });
      await eventually(() => g.sent.length === 1);
      expect(g.sent[0]).toEqual({
        op: 'fail',
        rid: 5,
        code: ErrorCode.Unavailable,
        msg: expect.stringContaining(PEER),
      });
      // A read a peer relayed to us is never relayed again (no loops between two views).
      const other = up(h, new FakeEndpoint('d-other', 'dispatcher'));
      recv(h, other, { op: 'history', rid: 9, topic: topicOwnedBy(PEER, [SELF, PEER, 'd-other']) });
      await eventually(() => other.of('fail').length === 1);
      expect(other.of('fail')[0]).toMatchObject({ rid: 9, code: ErrorCode.Unavailable });
    });
  });

  describe('#pub', () => {
    it('answers a gateway `pub` with `pub-r` carrying the stamped seq and epoch', async () => {
      const h = start();
      const g = up(h, new FakeEndpoint('g1', 'gateway'));
      recv(h, g, { op: 'pub', rid: 1, topic: 'a', data: 'x' });
      recv(h, g, { op: 'pub', rid: 2, topic: 'a', data: 'y' });
      await eventually(() => g.of('pub-r').length === 2);
      const [p1, p2] = g.of('pub-r');
      expect(p1).toEqual({ op: 'pub-r', rid: 1, seq: 1, epoch: expect.any(String) });
      expect(p2).toEqual({ op: 'pub-r', rid: 2, seq: 2, epoch: p1!.epoch });
    });

    it('hands the dispatcher the size the link validator found for a `pub` and `fwd` items', async () => {
      const h = start();
      const g = up(h, new FakeEndpoint('g1', 'gateway'));
      const peer = up(h, new FakeEndpoint(PEER, 'dispatcher'));
      // 5 and 7: not what a walk of 'x' finds, so the charge can only come from the message.
      recv(h, g, { op: 'pub', rid: 1, topic: topicOwnedBy(SELF, both), data: 'x', bytes: 5 });
      recv(h, peer, { op: 'fwd', items: [{ topic: 'b', data: 'x', bytes: 7 }] });
      await eventually(() => g.of('pub-r').length === 1);
      await settle(h);
      expect(h.dstats.historyBytes).toBe(5 + 7 + 2 * EVENT_OVERHEAD_BYTES);
    });

    it('forwards a gateway `pub` for a peer-owned topic and answers `pub-r` once the peer stamped it', async () => {
      const h = start();
      const peer = up(h, new FakeEndpoint(PEER, 'dispatcher'));
      const g = up(h, new FakeEndpoint('g1', 'gateway'));
      recv(h, g, { op: 'pub', rid: 9, topic: topicOwnedBy(PEER, both), data: 'x' });
      await eventually(() => peer.of('fwd').length === 1);
      const rid = peer.of('fwd')[0]!.rids![0] as number;
      recv(h, peer, { op: 'fwd-r', results: [{ rid, seq: 12, epoch: 'E' }] });
      await eventually(() => g.sent.length === 1);
      expect(g.sent[0]).toEqual({ op: 'pub-r', rid: 9, seq: 12, epoch: 'E' });
    });

    it('answers `fail` with 503 when the owner of the topic is unreachable', async () => {
      const h = start();
      const peer = up(h, new FakeEndpoint(PEER, 'dispatcher'));
      peer.accepts = false;
      const g = up(h, new FakeEndpoint('g1', 'gateway'));
      recv(h, g, { op: 'pub', rid: 3, topic: topicOwnedBy(PEER, both), data: 'x' });
      await eventually(() => g.sent.length === 1);
      expect(g.sent[0]).toEqual({ op: 'fail', rid: 3, code: 503, msg: expect.any(String) });
    });
  });

  describe('#fwd', () => {
    it('stamps an incoming `fwd` locally and answers `fwd-r` for the non-null rids only', async () => {
      const h = start();
      const peer = up(h, new FakeEndpoint(PEER, 'dispatcher'));
      const g = up(h, new FakeEndpoint('g1', 'gateway'));
      // Owned by the peer in our view: the sender's view wins, nothing bounces back.
      const topic = topicOwnedBy(PEER, both);
      recv(h, g, { op: 'interest', topics: [topic], on: true });
      recv(h, peer, {
        op: 'fwd',
        items: [
          { topic, data: 'a' },
          { topic, data: 'b' },
          { topic, data: 'c' },
        ],
        rids: [7, null, 9],
      });
      await eventually(() => peer.of('fwd-r').length === 1);
      const [answer] = peer.of('fwd-r');
      expect(answer!.results).toEqual([
        { rid: 7, seq: 1, epoch: expect.any(String) },
        { rid: 9, seq: 3, epoch: answer!.results[0]!.epoch },
      ]);
      expect(peer.of('fwd')).toEqual([]);
      expect(evs(g)).toEqual([`${topic}#1=a`, `${topic}#2=b`, `${topic}#3=c`]);
    });

    it('answers nothing for a `fwd` without rids or with only null rids', async () => {
      const h = start();
      const peer = up(h, new FakeEndpoint(PEER, 'dispatcher'));
      recv(h, peer, { op: 'fwd', items: [{ topic: 'a', data: 1 }] });
      recv(h, peer, { op: 'fwd', items: [{ topic: 'a', data: 2 }], rids: [null] });
      await settle(h);
      expect(peer.sent).toEqual([]);
      const [r] = await publish(h, [{ topic: topicOwnedBy(SELF, both), data: 0 }]).result;
      expect(ok(r).seq).toBe(1);
    });

    it('does not forward an incoming `fwd` to other datacenters', async () => {
      const h = start();
      const peer = up(h, new FakeEndpoint(PEER, 'dispatcher'));
      const other = up(h, new FakeEndpoint('x1', 'dispatcher', 'dc2'));
      recv(h, peer, { op: 'fwd', items: [{ topic: 'a', data: 1 }], rids: [1] });
      await eventually(() => peer.of('fwd-r').length === 1);
      expect(other.sent).toEqual([]);
    });
  });

  describe('#link-up', () => {
    it('makes the dispatcher forget topics it no longer owns, so they start a new epoch later', async () => {
      const h = start();
      // Owned by self while alone, by the peer while it is up.
      const moving = topicOwnedBy(PEER, both, 'moving');
      const staying = topicOwnedBy(SELF, both, 'staying');
      const [m1, s1] = await publish(h, [
        { topic: moving, data: 1 },
        { topic: staying, data: 1 },
      ]).result;

      const peer = up(h, new FakeEndpoint(PEER, 'dispatcher'));
      await settle(h);
      expect(h.stats.ownershipChanges).toBe(1);
      down(h, peer);
      await settle(h);
      expect(h.stats.ownershipChanges).toBe(2);

      const [m2, s2] = await publish(h, [
        { topic: moving, data: 2 },
        { topic: staying, data: 2 },
      ]).result;
      expect(ok(m2).seq).toBe(1);
      expect(ok(m2).epoch).not.toBe(ok(m1).epoch);
      expect(ok(s2).seq).toBe(2);
      expect(ok(s2).epoch).toBe(ok(s1).epoch);
    });

    it('keeps a peer a member while a second link to it is up', async () => {
      const h = start();
      const l1 = up(h, new FakeEndpoint(PEER, 'dispatcher', DC, 'r1', 'accepted'));
      const l2 = up(h, new FakeEndpoint(PEER, 'dispatcher', DC, 'r2', 'dialed'));
      down(h, l1);
      await settle(h);
      expect(h.system.inspect('/user/cluster')?.state.members).toEqual([SELF, PEER]);
      expect(h.stats.ownershipChanges).toBe(1);
      publish(h, [{ topic: topicOwnedBy(PEER, both), data: 1 }]);
      await eventually(() => l2.of('fwd').length === 1);
      expect(l1.sent).toEqual([]);
    });
  });

  describe('#link-up (identity)', () => {
    it("keeps a gateway's event stream on its live link when a second link claims its node id", async () => {
      const h = start();
      const real = up(h, new FakeEndpoint('g1', 'gateway', DC, 'r1'));
      recv(h, real, { op: 'interest', topics: ['a'], on: true });
      const impostor = up(h, new FakeEndpoint('g1', 'gateway', DC, 'r2'));
      recv(h, impostor, { op: 'interest', topics: ['b'], on: true, reset: true });
      await publish(h, [
        { topic: 'a', data: 1 },
        { topic: 'b', data: 2 },
      ]).result;
      expect(evs(real)).toEqual(['a#1=1']);
      expect(impostor.sent).toEqual([]);
      expect(impostor.closedWith).toBe('duplicate-node');
      expect(h.stats.refusedLinks).toBe(1);
    });

    it('takes the node id again once its link went down (a gateway relinking)', async () => {
      const h = start();
      const first = up(h, new FakeEndpoint('g1', 'gateway', DC, 'r1'));
      down(h, first);
      const again = up(h, new FakeEndpoint('g1', 'gateway', DC, 'r2'));
      recv(h, again, { op: 'interest', topics: ['a'], on: true, reset: true });
      await publish(h, [{ topic: 'a', data: 1 }]).result;
      expect(evs(again)).toEqual(['a#1=1']);
      expect(again.closedWith).toBeUndefined();
    });

    it('refuses a link that claims a live node id with another role or dc', async () => {
      const h = start();
      up(h, new FakeEndpoint('g1', 'gateway'));
      const asDispatcher = up(h, new FakeEndpoint('g1', 'dispatcher'));
      const peer = up(h, new FakeEndpoint(PEER, 'dispatcher'));
      const otherDc = up(h, new FakeEndpoint(PEER, 'dispatcher', 'dc2', 'r2', 'dialed'));
      await settle(h);
      expect(asDispatcher.closedWith).toBe('duplicate-node');
      expect(otherDc.closedWith).toBe('duplicate-node');
      expect(peer.closedWith).toBeUndefined();
      expect(h.system.inspect('/user/cluster')?.state).toMatchObject({
        members: [SELF, PEER],
        peerDcs: [],
      });
    });

    it('holds one accepted and one dialed link of a peer dispatcher, and refuses a third', async () => {
      const h = start();
      const accepted = up(h, new FakeEndpoint(PEER, 'dispatcher', DC, 'r1', 'accepted'));
      const dialed = up(h, new FakeEndpoint(PEER, 'dispatcher', DC, 'r2', 'dialed'));
      const third = up(h, new FakeEndpoint(PEER, 'dispatcher', DC, 'r3', 'accepted'));
      await settle(h);
      expect([accepted, dialed, third].map((l) => l.closedWith)).toEqual([
        undefined,
        undefined,
        'duplicate-node',
      ]);
    });

    it('makes an accepted dispatcher an owner only when claims are trusted (a secret)', async () => {
      const h = start(SELF, DC, false);
      const topic = topicOwnedBy(PEER, both);
      const claimed = up(h, new FakeEndpoint(PEER, 'dispatcher', DC, 'r1', 'accepted'));
      const [r] = await publish(h, [{ topic, data: 1 }]).result;
      expect(ok(r).seq).toBe(1);
      expect(claimed.of('fwd')).toEqual([]);
      expect(h.system.inspect('/user/cluster')?.state.members).toEqual([SELF]);
      // A peer this node dialed (--peers) is one it was configured to trust.
      const dialed = up(h, new FakeEndpoint(PEER, 'dispatcher', DC, 'r2', 'dialed'));
      publish(h, [{ topic, data: 2 }]);
      await eventually(() => dialed.of('fwd').length + claimed.of('fwd').length === 1);
      expect(h.system.inspect('/user/cluster')?.state.members).toEqual([SELF, PEER]);
    });
  });

  describe('supervision', () => {
    it('keeps links, interest and ownership through many messages that throw', async () => {
      const h = start();
      const gw = up(h, new FakeEndpoint('g1', 'gateway'));
      recv(h, gw, { op: 'interest', topics: ['t'], on: true });
      // What an unvalidated `{op: 'interest', topics: 5}` did: a TypeError inside the router.
      const bad = { op: 'interest', topics: 5, on: true } as unknown as LinkMsg;
      for (let i = 0; i < 20; i++) recv(h, gw, bad);
      const r = ok((await publish(h, [{ topic: 't', data: 1 }]).result)[0]);
      expect(r.seq).toBe(1);
      await eventually(() => gw.of('ev').length === 1);
      expect(h.router.isAlive()).toBe(true);
      expect(h.system.stats().restarts).toBe(0);
    });
  });

  describe('#inspect', () => {
    it('shows members, gateways, peer datacenters and the counters', async () => {
      const h = start();
      up(h, new FakeEndpoint('d3', 'dispatcher'));
      up(h, new FakeEndpoint(PEER, 'dispatcher'));
      up(h, new FakeEndpoint('g1', 'gateway'));
      up(h, new FakeEndpoint('x1', 'dispatcher', 'dc2'));
      await settle(h);
      expect(h.system.inspect('/user/cluster')?.state).toEqual({
        self: SELF,
        dc: DC,
        members: [SELF, PEER, 'd3'],
        gateways: ['g1'],
        peerDcs: ['dc2'],
        pendingForwards: 0,
        relayedReads: 0,
        forwarded: 0,
        xdcOut: 0,
        xdcIn: 0,
        ownershipChanges: 2,
        refusedLinks: 0,
      });
    });
  });
});
