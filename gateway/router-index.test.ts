import { RouterIndex, SMALL_GROUP, sizeOf } from './router-index';
import { TopicTable } from './topic-table';

describe('RouterIndex', () => {
  describe('#add', () => {
    it('is true only for a topic new to the index, and counts each member once', () => {
      const ix = new RouterIndex<string>();
      expect(ix.add('t', 'a')).toBe(true);
      expect(ix.add('t', 'b')).toBe(false);
      expect(ix.add('t', 'a')).toBe(false);
      expect(ix.count('t')).toBe(2);
      expect(ix.get('t')?.told).toEqual(['a', 'b']);
    });

    it('keeps up to SMALL_GROUP members in an array and more in a Set, which it keeps', () => {
      const ix = new RouterIndex<string>();
      const members = Array.from({ length: SMALL_GROUP + 1 }, (_, i) => `m${i}`);
      for (const m of members.slice(0, SMALL_GROUP)) ix.add('t', m);
      expect(ix.get('t')?.told).toEqual(members.slice(0, SMALL_GROUP));
      ix.add('t', members[SMALL_GROUP]!);
      expect(ix.get('t')?.told).toEqual(new Set(members));
      for (const m of members.slice(2)) ix.remove('t', m);
      expect(ix.get('t')?.told).toEqual(new Set(['m0', 'm1']));
      expect(ix.count('t')).toBe(2);
    });

    it('leaves a live member live when it is added again', () => {
      const ix = new RouterIndex<string>();
      ix.add('t', 'a');
      ix.goLive('t', 'a', true);
      ix.add('t', 'a');
      expect(ix.get('t')?.bin).toBe('a');
      expect(ix.get('t')?.told).toBeUndefined();
      expect(ix.count('t')).toBe(1);
    });
  });

  describe('#key', () => {
    it('is the string the topic was first added with while it has members, else the argument', () => {
      const ix = new RouterIndex<string>();
      const first = ['t', 'x'].join('.');
      ix.add(first, 'a');
      expect(ix.key('t.x')).toBe('t.x');
      expect(ix.key('other')).toBe('other');
      ix.remove('t.x', 'a');
      expect(ix.get('t.x')).toBeUndefined();
    });
  });

  describe('#goLive', () => {
    it('moves a told member to the group of its format', () => {
      const ix = new RouterIndex<string>();
      ix.add('t', 'a');
      ix.add('t', 'b');
      expect(ix.goLive('t', 'a', true)).toBe(true);
      expect(ix.goLive('t', 'b', false)).toBe(true);
      expect(ix.get('t')?.bin).toBe('a');
      expect(ix.get('t')?.text).toBe('b');
      expect(ix.get('t')?.told).toBeUndefined();
      expect(ix.count('t')).toBe(2);
      expect(ix.totals()).toEqual({ subscriptions: 2, live: 2 });
    });

    it('is false for a member that is not told (unsubscribed meanwhile, or live already)', () => {
      const ix = new RouterIndex<string>();
      expect(ix.goLive('t', 'a', true)).toBe(false);
      ix.add('t', 'a');
      ix.goLive('t', 'a', true);
      expect(ix.goLive('t', 'a', true)).toBe(false);
      expect(ix.count('t')).toBe(1);
    });
  });

  describe('#remove', () => {
    it('takes a member out of an array group, down to a lone member and to none', () => {
      const ix = new RouterIndex<string>();
      for (const m of ['a', 'b', 'c']) ix.add('t', m);
      expect(ix.remove('t', 'b')).toBe('told');
      expect(ix.get('t')?.told).toEqual(['a', 'c']);
      expect(ix.remove('t', 'x')).toBeUndefined();
      ix.remove('t', 'a');
      expect(ix.get('t')?.told).toBe('c');
      expect(sizeOf(ix.get('t')?.told)).toBe(1);
      ix.remove('t', 'c');
      expect(ix.has('t')).toBe(false);
    });

    it('removes from whichever group holds the member, says which, and drops an empty topic', () => {
      const ix = new RouterIndex<string>();
      ix.add('t', 'a');
      ix.add('t', 'b');
      ix.goLive('t', 'a', true);
      expect(ix.remove('t', 'a')).toBe('bin');
      expect(ix.remove('t', 'x')).toBeUndefined();
      expect(ix.has('t')).toBe(true);
      expect(ix.remove('t', 'b')).toBe('told');
      expect(ix.has('t')).toBe(false);
      expect(ix.topics).toBe(0);
      expect(ix.remove('t', 'b')).toBeUndefined();
    });
  });

  describe('over a shared table', () => {
    it("keeps each router its own record of a topic, in the topic's one entry", () => {
      const table = new TopicTable();
      const ixs = [2, 0, 1].map((r) => new RouterIndex<string>(table, r));
      const [two, zero, one] = ixs as [
        RouterIndex<string>,
        RouterIndex<string>,
        RouterIndex<string>,
      ];
      expect(two.add('t', 'c')).toBe(true);
      expect(zero.add('t', 'a')).toBe(true);
      expect(one.add('t', 'b')).toBe(true);
      expect(one.add('t', 'b2')).toBe(false);
      expect(table.size).toBe(1);
      expect(zero.get('t')?.told).toBe('a');
      expect(one.get('t')?.told).toEqual(['b', 'b2']);
      expect(two.get('t')?.told).toBe('c');
      // Linked in router order, whatever order they came in.
      const routers: number[] = [];
      for (let r = table.get('t')?.shards; r !== undefined; r = r.next) routers.push(r.router);
      expect(routers).toEqual([0, 1, 2]);
      // Another router's member is not this router's.
      expect(zero.remove('t', 'b')).toBeUndefined();
      expect(zero.goLive('t', 'c', true)).toBe(false);
      expect(one.count('t')).toBe(2);
    });

    it("drops a router's record with its last member and the entry with the last record", () => {
      const table = new TopicTable();
      const zero = new RouterIndex<string>(table, 0);
      const one = new RouterIndex<string>(table, 1);
      zero.add('t', 'a');
      one.add('t', 'b');
      one.goLive('t', 'b', false);
      expect(one.remove('t', 'b')).toBe('text');
      expect(one.has('t')).toBe(false);
      expect(one.topics).toBe(0);
      expect(zero.get('t')?.told).toBe('a');
      expect(table.get('t')?.shards?.next).toBeUndefined();
      expect(zero.totals()).toEqual({ subscriptions: 1, live: 0 });
      expect(one.totals()).toEqual({ subscriptions: 0, live: 0 });
      zero.remove('t', 'a');
      expect(table.get('t')).toBeUndefined();
      expect(table.size).toBe(0);
    });

    it('keeps the entry while another table still has something in it', () => {
      const table = new TopicTable();
      const zero = new RouterIndex<string>(table, 0);
      zero.add('t', 'a');
      table.entryFor('t').n = 1;
      zero.remove('t', 'a');
      expect(table.get('t')?.shards).toBeUndefined();
      expect(table.get('t')?.n).toBe(1);
    });
  });
});
