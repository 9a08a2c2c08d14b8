import { CountTable } from './count-table';

const gwItems = (t: CountTable, refresh = false) =>
  Object.fromEntries(t.flush(refresh).toGateways.entries());

describe('CountTable', () => {
  describe('#flush', () => {
    it('sends each gateway with subscribers the total once, with the latest n, when many reports came', () => {
      const t = new CountTable(10);
      t.report('g1', 'live', 1);
      t.report('g1', 'live', 5);
      t.report('g2', 'live', 2);
      t.report('g1', 'live', 3);
      expect(gwItems(t)).toEqual({ g1: [['live', 5]], g2: [['live', 5]] });
    });

    it('sends nothing when nothing changed since the last flush', () => {
      const t = new CountTable(10);
      t.report('g1', 'live', 2);
      t.flush(false);
      t.report('g1', 'live', 2);
      expect(t.flush(false).toGateways.size).toBe(0);
    });

    it('sends nothing when the changes of one interval cancel out', () => {
      const t = new CountTable(10);
      t.report('g1', 'live', 2);
      t.flush(false);
      t.report('g1', 'live', 3);
      t.report('g1', 'live', 2);
      expect(t.flush(false)).toEqual({ toGateways: new Map(), toDcs: [] });
    });

    it('sends only the topics that changed', () => {
      const t = new CountTable(10);
      t.report('g1', 'a', 1);
      t.report('g1', 'b', 1);
      t.flush(false);
      t.report('g1', 'b', 4);
      expect(gwItems(t)).toEqual({ g1: [['b', 4]] });
    });

    it('adds the sums of other datacenters to the total, but sends them only its own', () => {
      const t = new CountTable(10);
      t.report('g1', 'live', 2);
      t.dcSum('west', 'live', 7, 0);
      expect(t.flush(false)).toEqual({
        toGateways: new Map([['g1', [['live', 9]]]]),
        toDcs: [['live', 2]],
      });
    });

    it('sends every non-zero sum of its own datacenter on a refresh, changed or not', () => {
      const t = new CountTable(10);
      t.report('g1', 'a', 2);
      t.report('g1', 'b', 3);
      t.flush(false);
      t.report('g1', 'b', 4);
      expect(t.flush(true).toDcs).toEqual([
        ['b', 4],
        ['a', 2],
      ]);
    });

    it('tells the other datacenters once when its own sum drops to 0, then forgets the topic', () => {
      const t = new CountTable(10);
      t.report('g1', 'live', 2);
      t.flush(false);
      t.report('g1', 'live', 0);
      expect(t.flush(false).toDcs).toEqual([['live', 0]]);
      expect(t.size).toBe(0);
      expect(t.flush(true).toDcs).toEqual([]);
    });
  });

  describe('watchers', () => {
    it('sends a changed total only to the gateways that watch the topic', () => {
      const t = new CountTable(10);
      t.report('g1', 'a', 2, true);
      t.report('g2', 'a', 3, false);
      t.report('g3', 'b', 1, false);
      expect(gwItems(t)).toEqual({ g1: [['a', 5]] });
    });

    it('takes a report without the flag as watching (a gateway from before it)', () => {
      const t = new CountTable(10);
      t.report('g1', 'a', 2);
      expect(gwItems(t)).toEqual({ g1: [['a', 2]] });
    });

    it('stops sending to a gateway that no longer watches, keeping its count in the sums', () => {
      const t = new CountTable(10);
      t.report('g1', 'a', 2, true);
      t.report('g2', 'a', 1, true);
      t.flush(false);
      t.report('g2', 'a', 1, false);
      t.report('g1', 'a', 3, true);
      expect(gwItems(t)).toEqual({ g1: [['a', 4]] });
      expect(t.othersOf('a', 'g1')).toBe(1);
      expect(t.detail('a', 10)).toEqual({ total: 4, gateways: { g1: 3, g2: 1 }, dcs: {} });
    });

    it('sends the next change to a gateway that started watching, its count unchanged', () => {
      const t = new CountTable(10);
      t.report('g1', 'a', 2, false);
      t.report('g2', 'a', 1, false);
      expect(gwItems(t)).toEqual({});
      t.report('g1', 'a', 2, true);
      t.report('g2', 'a', 2, false);
      expect(gwItems(t)).toEqual({ g1: [['a', 4]] });
    });
  });

  describe('#dropGateway', () => {
    it('takes the gateway out of every sum at the next flush', () => {
      const t = new CountTable(10);
      t.report('g1', 'a', 2);
      t.report('g2', 'a', 3);
      t.report('g1', 'b', 1);
      t.flush(false);
      t.dropGateway('g1');
      expect(gwItems(t)).toEqual({ g2: [['a', 3]] });
      expect(t.othersOf('a', 'g3')).toBe(3);
      expect(t.size).toBe(1);
      expect(t.sources).toBe(1);
    });
  });

  describe('#othersOf', () => {
    it('answers every subscriber but those of the asking gateway', () => {
      const t = new CountTable(10);
      t.report('g1', 'a', 2);
      t.report('g2', 'a', 3);
      t.dcSum('west', 'a', 4, 0);
      expect(t.othersOf('a', 'g1')).toBe(7);
      expect(t.othersOf('a', 'g9')).toBe(9);
      expect(t.othersOf('unknown', 'g1')).toBe(0);
    });
  });

  describe('#report', () => {
    it('drops the topics a source reports past maxTopicsPerSource, counting them', () => {
      const t = new CountTable(3);
      for (let i = 0; i < 10; i++) t.report('evil', `t${i}`, 1_000_000);
      t.report('good', 't9', 1);
      expect(t.size).toBe(4);
      expect(t.stats.dropped).toBe(7);
      expect(t.othersOf('t9', 'x')).toBe(1);
    });

    it('gives a source its share back when one of its topics drops to 0', () => {
      const t = new CountTable(1);
      t.report('g', 'a', 1);
      t.report('g', 'b', 1);
      t.report('g', 'a', 0);
      t.report('g', 'b', 1);
      expect(t.othersOf('b', 'x')).toBe(1);
      expect(t.stats.dropped).toBe(1);
    });
  });

  describe('#expireDcs', () => {
    it('lets go of the sums of a datacenter not refreshed since the given flush', () => {
      const t = new CountTable(10);
      t.report('g1', 'a', 1);
      t.dcSum('west', 'a', 5, 1);
      t.dcSum('north', 'a', 2, 1);
      t.flush(false);
      t.dcSum('north', 'a', 2, 9);
      t.expireDcs(5);
      expect(gwItems(t)).toEqual({ g1: [['a', 3]] });
    });
  });

  describe('#retain', () => {
    it('forgets the topics no longer owned, and their sources share', () => {
      const t = new CountTable(1);
      t.report('g1', 'mine', 1);
      t.dcSum('west', 'theirs', 1, 0);
      t.retain((topic) => topic === 'mine');
      expect(t.size).toBe(1);
      t.dcSum('west', 'other', 3, 0);
      expect(t.othersOf('other', 'g1')).toBe(3);
    });

    it('sends a topic forgotten and reported again before the flush once, with its new count', () => {
      const t = new CountTable(10);
      t.report('g1', 'a', 2);
      t.retain(() => false);
      t.report('g1', 'a', 5);
      const out = t.flush(false);
      expect(Object.fromEntries(out.toGateways)).toEqual({ g1: [['a', 5]] });
      expect(out.toDcs).toEqual([['a', 5]]);
      expect(gwItems(t)).toEqual({});
    });

    it('forgets a topic changed and then dropped before the flush', () => {
      const t = new CountTable(10);
      t.report('g1', 'a', 2);
      t.report('g1', 'b', 1);
      t.retain((topic) => topic === 'b');
      expect(gwItems(t)).toEqual({ g1: [['b', 1]] });
      expect(t.size).toBe(1);
    });
  });
});
