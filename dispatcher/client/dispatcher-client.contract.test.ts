/**
 * The dispatcher client contract: every DispatcherClient implementation must pass this whole
 * suite unchanged (Phoenix PubSub style), so the gateway can hold either without knowing which.
 *
 * - in-process: InProcessDispatcherClient on the dispatcher actor of the same actor system.
 * - remote: RemoteDispatcherClient over a real link (cluster secret, loopback) to a dispatcher
 *   node stood up in-process: LinkServer -> cluster router -> dispatcher actor, as the node's
 *   dispatcher role composes them.
 *
 * Each implementation's own behaviours (link retries, owner choice, attach bookkeeping) stay in
 * its unit tests beside it.
 */
import { ActorSystem, type ActorRef } from '../../actors';
import {
  CLUSTER_ROUTER_SPAWN,
  clusterRouterBehavior,
  newClusterStats,
  type ClusterMsg,
} from '../cluster-router';
import {
  DISPATCHER_SPAWN,
  dispatcherBehavior,
  newDispatcherStats,
  type DispatcherMsg,
} from '../dispatcher-actor';
import { COUNT_OWNER_SPAWN, countOwnerBehavior, type CountMsg } from '../count-owner';
import { LinkServer, type LinkHandlers } from '../link';
import { linkOptions } from '../../testing/link-peers';
import type { CountItem, TopicEvent } from '../types';
import { InProcessDispatcherClient } from './in-process-client';
import { RemoteDispatcherClient } from './remote-client';
import type { DispatcherClient } from './types';
import { eventually } from '../../testing/eventually';

/** Generous bound for a link to come up over loopback. */
const LINK_WAIT_MS = 10_000;

/** A dispatcher tier and a way to give gateways clients of it. */
interface Harness {
  /** A client for gateway `node`, ready to carry interest (its link is up, when it has one). */
  connect(node: string): Promise<DispatcherClient>;
  stop(): Promise<void>;
}

/** Count interval of the tier under test: short, so a change goes out within a test's wait. */
const COUNT_MS = 20;

function spawnCounts(system: ActorSystem, node: string): ActorRef<CountMsg> {
  return system.spawn<CountMsg>(
    'counts',
    () => countOwnerBehavior({ self: node, dc: 'local', intervalMs: COUNT_MS }),
    COUNT_OWNER_SPAWN,
  );
}

function spawnDispatcher(system: ActorSystem): ActorRef<DispatcherMsg> {
  return system.spawn<DispatcherMsg>(
    'dispatcher',
    () => dispatcherBehavior({ capacity: 100, ttlMs: 60_000, stats: newDispatcherStats() }),
    DISPATCHER_SPAWN,
  );
}

async function inProcess(): Promise<Harness> {
  const system = ActorSystem.create('in-process-contract', { log: () => undefined });
  const dispatcher = spawnDispatcher(system);
  const counts = spawnCounts(system, 'in-process');
  const clients: DispatcherClient[] = [];
  return {
    connect: async (node) => {
      const c = new InProcessDispatcherClient(dispatcher, node, counts);
      clients.push(c);
      return c;
    },
    stop: async () => {
      for (const c of clients) c.close();
      await system.terminate();
    },
  };
}

async function remote(): Promise<Harness> {
  const node = 'd-1';
  const dSystem = ActorSystem.create(node, { log: () => undefined });
  const dispatcher = spawnDispatcher(dSystem);
  const router = dSystem.spawn<ClusterMsg>(
    'cluster',
    () =>
      clusterRouterBehavior({
        self: node,
        dc: 'local',
        dispatcher,
        counts: spawnCounts(dSystem, node),
        stats: newClusterStats(),
        trustClaims: true,
      }),
    CLUSTER_ROUTER_SPAWN,
  );
  const handlers: LinkHandlers = {
    onUp: (ep) => router.tell({ type: 'link-up', ep }),
    onDown: (ep) => router.tell({ type: 'link-down', ep }),
    onMessage: (ep, msg) => router.tell({ type: 'link-msg', ep, msg }),
  };
  const server = new LinkServer(dSystem, linkOptions(node), handlers);
  const port = await server.listen('127.0.0.1', 0);
  const gSystems: ActorSystem[] = [];
  const clients: DispatcherClient[] = [];
  return {
    connect: async (gw) => {
      const system = ActorSystem.create(gw, { log: () => undefined });
      gSystems.push(system);
      const c = new RemoteDispatcherClient({
        system,
        dispatchers: [{ host: '127.0.0.1', port }],
        link: linkOptions(gw, { self: { node: gw, role: 'gateway', dc: 'local' } }),
        requestTimeoutMs: 2000,
      });
      clients.push(c);
      await eventually(() => c.live.length === 1, LINK_WAIT_MS);
      return c;
    },
    stop: async () => {
      for (const c of clients) c.close();
      await Promise.all(gSystems.map((s) => s.terminate()));
      await server.close();
      await dSystem.terminate();
    },
  };
}

const IMPLEMENTATIONS = { 'in-process': inProcess, remote } as const;

let harness: Harness | undefined;

afterEach(async () => {
  await harness?.stop();
  harness = undefined;
});

/** A client whose sink records every event it is handed. */
async function client(node: string): Promise<{ c: DispatcherClient; got: TopicEvent[] }> {
  const c = await harness!.connect(node);
  const got: TopicEvent[] = [];
  c.onEvents((events) => got.push(...events));
  return { c, got };
}

describe.each(Object.entries(IMPLEMENTATIONS))('DispatcherClient (%s)', (_name, start) => {
  beforeEach(async () => {
    harness = await start();
  });

  describe('#setInterest', () => {
    it('keeps its calls in order: interest, then history, then publish', async () => {
      const { c, got } = await client('g1');
      c.setInterest('t', true);
      const answer = c.history('t', undefined);
      const published = c.publish('t', 'hello');
      const h = await answer;
      expect(h.seq).toBe(0);
      await expect(published).resolves.toEqual({ seq: 1, epoch: h.epoch });
      await eventually(() => got.length === 1);
      expect(got.map((e) => e.data)).toEqual(['hello']);
    });

    it('has the interest in force once a history requested after it is answered', async () => {
      const sub = await client('g-sub');
      const pub = await client('g-pub');
      sub.c.setInterest('t', true);
      const h = await sub.c.history('t', undefined);
      const r = await pub.c.publish('t', 'hello');
      expect(r).toEqual({ seq: h.seq + 1, epoch: h.epoch });
      await eventually(() => sub.got.length === 1);
      expect(sub.got.map((e) => e.data)).toEqual(['hello']);
    });

    it('stops the events of a topic once the interest is withdrawn', async () => {
      const sub = await client('g-sub');
      const pub = await client('g-pub');
      sub.c.setInterest('t', true);
      await sub.c.history('t', undefined);
      await pub.c.publish('t', 1);
      await eventually(() => sub.got.length === 1);
      sub.c.setInterest('t', false);
      sub.c.setInterest('barrier', true);
      await sub.c.history('barrier', undefined);
      await pub.c.publish('t', 2);
      await pub.c.publish('barrier', 'b');
      // The barrier's event was published after the second one: it cannot arrive before it.
      await eventually(() => sub.got.some((e) => e.topic === 'barrier'));
      expect(sub.got.map((e) => [e.topic, e.seq])).toEqual([
        ['t', 1],
        ['barrier', 1],
      ]);
    });
  });

  describe('#publish', () => {
    it('resolves with the seq and epoch stamped, and the event reaches onEvents with them', async () => {
      const { c, got } = await client('g1');
      c.setInterest('t', true);
      await c.history('t', undefined);
      const a = await c.publish('t', { n: 1 });
      const b = await c.publish('t', { n: 2 });
      expect(a.seq).toBe(1);
      expect(b).toEqual({ seq: 2, epoch: a.epoch });
      await eventually(() => got.length === 2);
      expect(got).toEqual([
        expect.objectContaining({ topic: 't', seq: 1, epoch: a.epoch, data: { n: 1 } }),
        expect.objectContaining({ topic: 't', seq: 2, epoch: a.epoch, data: { n: 2 } }),
      ]);
    });
  });

  describe('#history', () => {
    it('resolves with the latest seq and no events without since', async () => {
      const { c } = await client('g1');
      const r = await c.publish('t', 'a');
      await expect(c.history('t', undefined)).resolves.toEqual({
        epoch: r.epoch,
        seq: 1,
        recovered: false,
        events: [],
      });
    });

    it('resolves with the missed events when given since', async () => {
      const { c } = await client('g1');
      const first = await c.publish('t', 'a');
      await c.publish('t', 'b');
      await c.publish('t', 'c');
      const h = await c.history('t', { epoch: first.epoch, seq: first.seq });
      expect(h).toMatchObject({ epoch: first.epoch, seq: 3, recovered: true });
      expect(h.events.map((e) => [e.seq, e.data])).toEqual([
        [2, 'b'],
        [3, 'c'],
      ]);
    });

    it('resolves with the latest N held events, oldest first, when given last', async () => {
      const { c } = await client('g1');
      let r = await c.publish('t', 1);
      for (let n = 2; n <= 20; n++) r = await c.publish('t', n);
      const h = await c.history('t', undefined, 5);
      expect(h).toMatchObject({ epoch: r.epoch, seq: 20, recovered: true });
      expect(h.events.map((e) => [e.seq, e.data])).toEqual([16, 17, 18, 19, 20].map((n) => [n, n]));
      const all = await c.history('t', undefined, 1000);
      expect(all.events.map((e) => e.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    });

    it('lets since win over last', async () => {
      const { c } = await client('g1');
      const first = await c.publish('t', 'a');
      await c.publish('t', 'b');
      await c.publish('t', 'c');
      const h = await c.history('t', { epoch: first.epoch, seq: 2 }, 3);
      expect(h.events.map((e) => e.data)).toEqual(['c']);
    });

    it('resolves with no events and recovered true for last on a topic never published', async () => {
      const { c } = await client('g1');
      await expect(c.history('quiet', undefined, 5)).resolves.toMatchObject({
        seq: 0,
        recovered: true,
        events: [],
      });
    });
  });

  describe('#close', () => {
    it('hands no more events to the sink', async () => {
      const sub = await client('g-sub');
      const pub = await client('g-pub');
      sub.c.setInterest('t', true);
      pub.c.setInterest('t', true);
      await sub.c.history('t', undefined);
      await pub.c.history('t', undefined);
      sub.c.close();
      await pub.c.publish('t', 1);
      // The other gateway's copy is the barrier: the closed one had as long to arrive.
      await eventually(() => pub.got.length === 1);
      expect(sub.got).toEqual([]);
    });
  });

  describe('counts', () => {
    /** A client whose count sink records the last count of each topic. */
    async function counter(
      node: string,
    ): Promise<{ c: DispatcherClient; seen: Map<string, number> }> {
      const c = await harness!.connect(node);
      const seen = new Map<string, number>();
      c.onCounts((items: readonly CountItem[]) => {
        for (const [t, n] of items) seen.set(t, n);
      });
      return { c, seen };
    }

    it('answers countOthers with the sum of every other gateway, taking the asker as a report', async () => {
      const g1 = await counter('g1');
      const g2 = await counter('g2');
      g1.c.reportCounts([['t', 2]]);
      await eventually(async () => (await g2.c.countOthers('t', 1)) === 2);
      // g2's own count now counts for g1.
      await eventually(async () => (await g1.c.countOthers('t', 2)) === 1);
    });

    it('hands every gateway with subscribers the total once it changed', async () => {
      const g1 = await counter('g1');
      const g2 = await counter('g2');
      g1.c.reportCounts([['t', 2]]);
      g2.c.reportCounts([
        ['t', 3],
        ['u', 1],
      ]);
      await eventually(() => g1.seen.get('t') === 5 && g2.seen.get('t') === 5);
      expect(g1.seen.has('u')).toBe(false);
      g2.c.reportCounts([['t', 0]]);
      await eventually(() => g1.seen.get('t') === 2);
    });

    it("takes a closed client's counts out of the sums", async () => {
      const g1 = await counter('g1');
      const g2 = await counter('g2');
      g1.c.reportCounts([['t', 2]]);
      g2.c.reportCounts([['t', 3]]);
      await eventually(() => g2.seen.get('t') === 5);
      g1.c.close();
      await eventually(() => g2.seen.get('t') === 3);
    });
  });
});
