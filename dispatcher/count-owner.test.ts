import type { ActorRef } from '../actors';
import { flush as settle, testSystem, type TestSystem } from '../testing/actor-system';
import { COUNT_OWNER_SPAWN, countOwnerBehavior, inChunks, type CountMsg } from './count-owner';
import type { LinkEndpoint } from './link';
import type { CountItem, LinkMsg } from './link-messages';
import { ownerOf } from './rendezvous';

/** A link that records what it is sent. */
function fakeLink(node: string, dc = 'east'): LinkEndpoint & { sent: LinkMsg[] } {
  const sent: LinkMsg[] = [];
  return {
    peer: { node, role: 'dispatcher', dc },
    remote: `${node}:1`,
    side: 'dialed',
    sent,
    send: (m) => (sent.push(m), true),
    close: () => undefined,
  };
}

describe('countOwnerBehavior', () => {
  let ts: TestSystem;
  let owner: ActorRef<CountMsg>;
  const got: Record<string, CountItem[][]> = {};

  const attach = (gw: string): void => {
    got[gw] = [];
    owner.tell({ type: 'attach', gateway: gw, sink: (items) => got[gw]!.push(items) });
  };
  /** One count interval passes (the flush timer is the actor's; tests send its message). */
  const tick = async (): Promise<void> => {
    owner.tell({ type: 'flush' });
    await settle();
  };

  beforeEach(() => {
    ts = testSystem('counts');
    // An interval no test reaches: every flush below is one the test sends.
    owner = ts.system.spawn(
      'counts',
      () => countOwnerBehavior({ self: 'd1', dc: 'east', intervalMs: 3_600_000, chunk: 2 }),
      COUNT_OWNER_SPAWN,
    );
    for (const k of Object.keys(got)) delete got[k];
  });
  afterEach(() => ts.system.terminate());

  describe('flush', () => {
    it('sends each gateway one message per interval with the latest total, only on change', async () => {
      attach('g1');
      attach('g2');
      for (let n = 1; n <= 5; n++) owner.tell({ type: 'report', gateway: 'g1', items: [['t', n]] });
      owner.tell({ type: 'report', gateway: 'g2', items: [['t', 2]] });
      await tick();
      expect(got).toEqual({ g1: [[['t', 7]]], g2: [[['t', 7]]] });
      await tick();
      expect(got.g1).toHaveLength(1);
    });

    it('chunks a long list of changes (bounded frames)', async () => {
      attach('g1');
      owner.tell({
        type: 'report',
        gateway: 'g1',
        items: [
          ['a', 1],
          ['b', 1],
          ['c', 1],
        ],
      });
      await tick();
      expect(got.g1).toEqual([
        [
          ['a', 1],
          ['b', 1],
        ],
        [['c', 1]],
      ]);
    });
  });

  describe('detach', () => {
    it('takes a gateway whose link dropped out of the sums at the next interval', async () => {
      attach('g1');
      attach('g2');
      owner.tell({ type: 'report', gateway: 'g1', items: [['t', 3]] });
      owner.tell({ type: 'report', gateway: 'g2', items: [['t', 4]] });
      await tick();
      owner.tell({ type: 'detach', gateway: 'g1' });
      await tick();
      expect(got.g2).toEqual([[['t', 7]], [['t', 4]]]);
    });
  });

  describe('query', () => {
    it('answers the sum of the others and counts the asker from then on', async () => {
      attach('g1');
      attach('g2');
      owner.tell({ type: 'report', gateway: 'g1', items: [['t', 3]] });
      let others = -1;
      owner.tell({ type: 'query', gateway: 'g2', topic: 't', n: 1, reply: (n) => (others = n) });
      await tick();
      expect(others).toBe(3);
      expect(got.g2).toEqual([[['t', 4]]]);
    });
  });

  describe('xcount', () => {
    it("sends its datacenter's changed sums to one dispatcher per other datacenter", async () => {
      const west = fakeLink('w1', 'west');
      owner.tell({
        type: 'view',
        view: { members: ['d1'], peers: new Map(), dcs: new Map([['west', west]]) },
      });
      attach('g1');
      owner.tell({ type: 'report', gateway: 'g1', items: [['t', 2]] });
      await tick();
      expect(west.sent).toEqual([{ op: 'xcount', origin: 'east', items: [['t', 2]] }]);
    });

    it('adds the sums of another datacenter, handing those of topics a peer owns to that peer', async () => {
      const peer = fakeLink('d2');
      const members = ['d1', 'd2'];
      owner.tell({
        type: 'view',
        view: { members, peers: new Map([['d2', peer]]), dcs: new Map() },
      });
      // Topics owned by each member under rendezvous hashing.
      const names = Array.from({ length: 40 }, (_, i) => `t${i}`);
      const mine = names.find((t) => ownerOf(t, members) === 'd1')!;
      const theirs = names.find((t) => ownerOf(t, members) === 'd2')!;
      attach('g1');
      owner.tell({ type: 'report', gateway: 'g1', items: [[mine, 1]] });
      owner.tell({
        type: 'xcount',
        origin: 'west',
        items: [
          [mine, 5],
          [theirs, 6],
        ],
        relay: true,
      });
      await tick();
      expect(got.g1).toEqual([[[mine, 6]]]);
      expect(peer.sent).toEqual([{ op: 'xcount', origin: 'west', items: [[theirs, 6]] }]);
    });

    it('never relays again what a peer relayed, nor takes sums in its own name', async () => {
      const peer = fakeLink('d2');
      owner.tell({
        type: 'view',
        view: { members: ['d1', 'd2'], peers: new Map([['d2', peer]]), dcs: new Map() },
      });
      attach('g1');
      owner.tell({ type: 'report', gateway: 'g1', items: [['x', 1]] });
      owner.tell({ type: 'xcount', origin: 'west', items: [['x', 5]], relay: false });
      owner.tell({ type: 'xcount', origin: 'east', items: [['x', 50]], relay: false });
      await tick();
      expect(got.g1).toEqual([[['x', 6]]]);
      expect(peer.sent).toEqual([]);
    });
  });

  describe('view', () => {
    it('forgets the topics it no longer owns when a dispatcher joins', async () => {
      const members = ['d1', 'd2'];
      const theirs = Array.from({ length: 40 }, (_, i) => `t${i}`).find(
        (t) => ownerOf(t, members) === 'd2',
      )!;
      attach('g1');
      owner.tell({ type: 'report', gateway: 'g1', items: [[theirs, 2]] });
      await tick();
      owner.tell({ type: 'view', view: { members, peers: new Map(), dcs: new Map() } });
      let others = -1;
      owner.tell({ type: 'query', gateway: 'g2', topic: theirs, n: 0, reply: (n) => (others = n) });
      await settle();
      expect(others).toBe(0);
    });
  });
});

describe('inChunks', () => {
  it('sends a short list as it is and a long one in slices', () => {
    const out: CountItem[][] = [];
    const items: CountItem[] = [
      ['a', 1],
      ['b', 2],
      ['c', 3],
    ];
    inChunks(items, 5, (c) => out.push(c));
    inChunks(items, 2, (c) => out.push(c));
    expect(out).toEqual([items, items.slice(0, 2), items.slice(2)]);
  });
});
