import { ActorSystem, type ActorRef } from '../actors';
import type { ActorCell } from '../actors/actor-cell';
import { msgpackCodec } from '../protocol';
import { packMsgpack } from '../protocol/msgpack';
import type { TopicEvent } from '../dispatcher/types';
import { ConnSlot } from './conn-slot';
import { MAX_HELD, type ConnectionLimits } from './connection-actor';
import { EventBatch } from './event-batch';
import { newGatewayStats } from './gateway-stats';
import { GatewayCounts } from './gateway-counts';
import { InterestTable } from './interest-table';
import { LiveTable } from './live-channels';
import { TopicTable } from './topic-table';
import type { ConnMsg, RouterMsg } from './messages';
import { routerBehavior } from './topic-router';
import { NullConn, stubDispatcher } from '../testing/doubles';
import type { SendResult } from './transport';

const limits: ConnectionLimits = {
  heartbeatMs: 60_000,
  idleTimeoutMs: 120_000,
  outboundLimit: 1 << 20,
  maxSubscriptions: 100,
  ratePerSec: 1000,
  rateBurst: 1000,
  rateStrikes: 10,
  requestTimeoutMs: 1000,
  allowPublish: false,
};

/** Records every frame with the cork it was written in (0: not corked). */
class FakeConn extends NullConn {
  readonly sent: { msg: unknown; cork: number }[] = [];
  private corks = 0;
  private corked = 0;

  override send(data: Uint8Array | string): SendResult {
    this.sent.push({ msg: msgpackCodec.decode(data), cork: this.corked });
    return 'ok';
  }
  override cork(fn: () => void): void {
    this.corked = ++this.corks;
    try {
      fn();
    } finally {
      this.corked = 0;
    }
  }
  events(): unknown[] {
    return this.sent.map((s) => s.msg).filter((m) => (m as { op: string }).op !== 'hello');
  }
}

const settle = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 2));
};

function ev(topic: string, seq: number): TopicEvent {
  return { topic, seq, epoch: 'e', data: seq, t0: 0 };
}

describe('routerBehavior', () => {
  let system: ActorSystem;
  let router: ActorRef<RouterMsg>;
  let counts: GatewayCounts;

  beforeEach(() => {
    system = ActorSystem.create('test', { log: () => undefined });
    counts = new GatewayCounts(stubDispatcher, 10);
    router = system.spawn<RouterMsg>('router-0', () =>
      routerBehavior({
        index: 0,
        node: 'n1',
        interest: new InterestTable(stubDispatcher),
        counts,
        dispatcher: stubDispatcher,
        limits,
        stats: newGatewayStats(),
        mailboxCapacity: 100,
        log: () => undefined,
      }),
    );
  });

  afterEach(() => system.terminate());

  async function connect(
    id: string,
    topics: string[],
    slot = new ConnSlot(id, msgpackCodec, false),
  ): Promise<FakeConn> {
    const conn = new FakeConn();
    slot.conn = conn;
    router.tell({ type: 'open', slot });
    topics.forEach((topic, i) => {
      slot.tell({ type: 'frame', data: packMsgpack({ op: 'sub', id: i + 1, topic }) });
    });
    await settle();
    conn.sent.length = 0;
    return conn;
  }

  describe('#open', () => {
    it('spawns a connection actor whose cell keeps no factory once it started', async () => {
      const slot = new ConnSlot('c1', msgpackCodec, false);
      await connect('c1', ['a'], slot);
      // The ref is the cell (actor-ref.ts); its factory closes over the socket and the codec.
      const cell = slot.ref as unknown as ActorCell<unknown>;
      expect(cell.path).toBe('/user/router-0/conn-c1');
      expect(cell.factory).toBeNull();
    });
  });

  describe('#events', () => {
    it('writes all of one turn’s batches of a connection together, in order, one frame each', async () => {
      const both = await connect('c1', ['a', 'b']);
      const onlyB = await connect('c2', ['b']);
      const a = new EventBatch('a', 'e', [ev('a', 1), ev('a', 2)]);
      const b = new EventBatch('b', 'e', [ev('b', 1)]);
      router.tell({ type: 'events', batches: [a, b] });
      await settle();
      expect(both.events()).toEqual([
        [
          { op: 'ev', topic: 'a', seq: 1, epoch: 'e', data: 1 },
          { op: 'ev', topic: 'a', seq: 2, epoch: 'e', data: 2 },
        ],
        { op: 'ev', topic: 'b', seq: 1, epoch: 'e', data: 1 },
      ]);
      expect(new Set(both.sent.map((s) => s.cork)).size).toBe(1);
      expect(both.sent[0]!.cork).toBeGreaterThan(0);
      expect(onlyB.events()).toEqual([{ op: 'ev', topic: 'b', seq: 1, epoch: 'e', data: 1 }]);
    });

    it('folds batches already queued in its mailbox into one corked write, before a later reply', async () => {
      const slot = new ConnSlot('c1', msgpackCodec, false);
      const conn = await connect('c1', ['a'], slot);
      // Queued before the connection actor runs: two router turns, then a client ping.
      const pinger = system.spawn<string>('pinger', () => ({
        receive: () => void slot.tell({ type: 'frame', data: packMsgpack({ op: 'ping', id: 9 }) }),
      }));
      await settle();
      router.tell({ type: 'events', batches: [new EventBatch('a', 'e', [ev('a', 1)])] });
      router.tell({ type: 'events', batches: [new EventBatch('a', 'e', [ev('a', 2)])] });
      pinger.tell('go');
      await settle();
      expect(conn.events()).toEqual([
        { op: 'ev', topic: 'a', seq: 1, epoch: 'e', data: 1 },
        { op: 'ev', topic: 'a', seq: 2, epoch: 'e', data: 2 },
        { op: 'pong', id: 9 },
      ]);
      const [first, second, pong] = conn.sent.map((s) => s.cork);
      expect(first).toBeGreaterThan(0);
      expect(second).toBe(first);
      expect(pong).not.toBe(first);
    });

    it(`writes after ${MAX_HELD} held batches even while more are queued`, async () => {
      const slot = new ConnSlot('c1', msgpackCodec, false);
      const conn = await connect('c1', ['a'], slot);
      const n = MAX_HELD + 5; // under the test mailbox bound (100)
      // Straight into the connection's mailbox, all queued before it runs (as under overload).
      for (let i = 1; i <= n; i++) {
        const batch = new EventBatch('a', 'e', [ev('a', i)]);
        batch.expect(1);
        slot.ref!.tell({ type: 'event', batch });
      }
      await settle();
      expect(conn.events().map((m) => (m as { seq: number }).seq)).toEqual(
        Array.from({ length: n }, (_, i) => i + 1),
      );
      const corks = conn.sent.map((s) => s.cork);
      const sizes = [...new Set(corks)].map((c) => corks.filter((x) => x === c).length);
      expect(sizes).toEqual([MAX_HELD, 5]);
    });

    it('shares one encoding of a batch between its subscribers', async () => {
      const c1 = await connect('c1', ['a']);
      const c2 = await connect('c2', ['a']);
      const batch = new EventBatch('a', 'e', [ev('a', 1)]);
      const frame = jest.spyOn(batch, 'frame');
      router.tell({ type: 'events', batches: [batch] });
      await settle();
      expect(c1.events()).toHaveLength(1);
      expect(c2.events()).toHaveLength(1);
      expect(new Set(frame.mock.results.map((r) => r.value)).size).toBe(1);
    });

    it('skips batches of topics the shard has no subscriber for', async () => {
      const c1 = await connect('c1', ['a']);
      router.tell({
        type: 'events',
        batches: [new EventBatch('x', 'e', [ev('x', 1)]), new EventBatch('a', 'e', [ev('a', 1)])],
      });
      await settle();
      expect(c1.events()).toEqual([{ op: 'ev', topic: 'a', seq: 1, epoch: 'e', data: 1 }]);
    });
  });

  describe('#counts', () => {
    const sub = (slot: ConnSlot, id: number, topic: string, count?: boolean): void =>
      void slot.tell({ type: 'frame', data: packMsgpack({ op: 'sub', id, topic, count }) });

    it('tells a count only to the connections whose subscription asked for it', async () => {
      const watching = new ConnSlot('w', msgpackCodec, false);
      const w = await connect('w', [], watching);
      const plain = await connect('p', ['a']);
      sub(watching, 1, 'a', true);
      await settle();
      expect(w.events()).toEqual([expect.objectContaining({ op: 'ack', id: 1, count: 2 })]);
      router.tell({
        type: 'counts',
        items: [
          ['a', 7],
          ['b', 1],
        ],
      });
      await settle();
      expect(w.events()[1]).toEqual({ op: 'count', topic: 'a', n: 7 });
      expect(plain.events()).toEqual([]);
    });

    it('tells a count to each of its watchers, one, a few or many', async () => {
      for (const watchers of [1, 3, 20]) {
        const topic = `w${watchers}`;
        const conns: FakeConn[] = [];
        for (let i = 0; i < watchers; i++) {
          const slot = new ConnSlot(`${topic}-${i}`, msgpackCodec, false);
          conns.push(await connect(`${topic}-${i}`, [], slot));
          sub(slot, 1, topic, true);
        }
        await settle();
        for (const c of conns) c.sent.length = 0;
        router.tell({ type: 'counts', items: [[topic, 9]] });
        await settle();
        for (const c of conns) expect(c.events()).toEqual([{ op: 'count', topic, n: 9 }]);
      }
    });

    it('turns the count on with a re-sub carrying count: true, and off with count: false', async () => {
      const slot = new ConnSlot('c', msgpackCodec, false);
      const c = await connect('c', ['a'], slot);
      sub(slot, 2, 'a', true);
      await settle();
      router.tell({ type: 'counts', items: [['a', 3]] });
      sub(slot, 3, 'a', false);
      await settle();
      router.tell({ type: 'counts', items: [['a', 4]] });
      await settle();
      expect(c.events().filter((m) => (m as { op: string }).op === 'count')).toEqual([
        { op: 'count', topic: 'a', n: 3 },
      ]);
    });

    it('marks a topic watched in the counts while some connection asks for its count', async () => {
      const slot = new ConnSlot('c', msgpackCodec, false);
      await connect('c', ['a'], slot);
      await connect('d', ['a']);
      const flag = (): number | undefined => [...counts.counts()].find(([t]) => t === 'a')?.[2];
      expect(flag()).toBe(0);
      sub(slot, 2, 'a', true);
      await settle();
      expect(flag()).toBe(1);
      sub(slot, 3, 'a', false);
      await settle();
      expect(flag()).toBe(0);
      sub(slot, 4, 'a', true);
      await settle();
      expect(flag()).toBe(1);
      slot.tell({ type: 'closed', code: 1000 });
      await settle();
      expect(flag()).toBe(0);
    });

    it("keeps the node's local count of each topic as connections come and go", async () => {
      const slot = new ConnSlot('c1', msgpackCodec, false);
      await connect('c1', ['a', 'b'], slot);
      await connect('c2', ['a']);
      expect([counts.of('a'), counts.of('b')]).toEqual([2, 1]);
      slot.tell({ type: 'frame', data: packMsgpack({ op: 'unsub', id: 9, topic: 'b' }) });
      slot.tell({ type: 'closed', code: 1000 });
      await settle();
      expect([counts.of('a'), counts.of('b')]).toEqual([1, 0]);
    });
  });

  describe('#live', () => {
    let live: LiveTable;
    let r: ActorRef<RouterMsg>;
    const noop = (): ActorRef<never> =>
      system.spawn(`x-${Math.random()}`, () => ({ receive() {} }));
    const sub = (topic: string, conn: ActorRef<ConnMsg>): void => {
      r.tell({ type: 'sub', topic, conn, replyTo: noop() });
    };

    beforeEach(() => {
      // One entry per topic for both tables, as the gateway has them.
      const entries = new TopicTable();
      live = new LiveTable(2, entries);
      r = system.spawn<RouterMsg>('router-live', () =>
        routerBehavior({
          index: 1,
          node: 'n1',
          interest: new InterestTable(stubDispatcher, entries),
          dispatcher: stubDispatcher,
          limits,
          stats: newGatewayStats(),
          mailboxCapacity: 100,
          live,
          log: () => undefined,
        }),
      );
    });

    it('is quiet on a topic once all its subscribers there are live, and not once a told one comes', async () => {
      const [a, b] = [noop(), noop()];
      sub('t', a);
      r.tell({ type: 'live', topic: 't', conn: a, binary: true });
      await settle();
      expect(live.get('t')).toEqual(
        expect.objectContaining({ routers: 0b10, bin: 1, text: 0, quiet: 0b10 }),
      );
      sub('t', b);
      await settle();
      expect(live.get('t')?.quiet).toBe(0);
      r.tell({ type: 'live', topic: 't', conn: b, binary: false });
      await settle();
      expect(live.get('t')).toEqual(
        expect.objectContaining({ routers: 0b10, bin: 1, text: 1, quiet: 0b10 }),
      );
      r.tell({ type: 'unsub', topic: 't', conn: b });
      await settle();
      expect(live.get('t')).toEqual(
        expect.objectContaining({ routers: 0b10, bin: 1, text: 0, quiet: 0b10 }),
      );
    });

    it('stops being quiet when it loses the topic while another router keeps it live', async () => {
      live.join('t', true); // router 0's member
      live.quiet('t', 0, true);
      const [a, b] = [noop(), noop()];
      sub('t', a);
      r.tell({ type: 'live', topic: 't', conn: a, binary: true });
      await settle();
      expect(live.get('t')?.quiet).toBe(0b11);
      r.tell({ type: 'unsub', topic: 't', conn: a });
      await settle();
      expect(live.get('t')).toEqual(
        expect.objectContaining({ routers: 0, bin: 1, text: 0, quiet: 0b01 }),
      );
      // A newcomer here is told the topic's batches again.
      sub('t', b);
      await settle();
      expect(live.get('t')?.quiet).toBe(0b01);
    });
  });

  describe("over the gateway's one table", () => {
    it("reports a topic's last unsubscribe as 0 and forgets the topic only after that flush", async () => {
      const entries = new TopicTable();
      const reports: unknown[] = [];
      const owner = {
        ...stubDispatcher,
        reportCounts: (items: unknown) => void reports.push(items),
      };
      const shared = new GatewayCounts(owner, 100, entries);
      const r = system.spawn<RouterMsg>('router-one-table', () =>
        routerBehavior({
          index: 2,
          node: 'n1',
          interest: new InterestTable(owner, entries),
          counts: shared,
          dispatcher: owner,
          limits,
          stats: newGatewayStats(),
          mailboxCapacity: 100,
          live: new LiveTable(3, entries),
          topics: entries,
          log: () => undefined,
        }),
      );
      const conn = system.spawn<ConnMsg>('c-one', () => ({ receive() {} }));
      const replyTo = system.spawn<string>('reply-one', () => ({ receive() {} }));
      r.tell({ type: 'sub', topic: 't', conn, replyTo });
      await settle();
      expect(entries.get('t')).toEqual(expect.objectContaining({ routers: 0b100, n: 1 }));
      shared.flush();
      expect(reports).toEqual([[['t', 1, 0]]]);
      r.tell({ type: 'live', topic: 't', conn, binary: true });
      r.tell({ type: 'unsub', topic: 't', conn });
      await settle();
      // Nobody routes to it any more, but its count has not reached the owner yet.
      expect(entries.get('t')).toEqual(
        expect.objectContaining({ routers: 0, bin: 0, shards: undefined, n: 0, listed: true }),
      );
      shared.flush();
      expect(reports).toEqual([[['t', 1, 0]], [['t', 0, 0]]]);
      expect(entries.get('t')).toBeUndefined();
      expect(entries.size).toBe(0);
    });
  });
});
