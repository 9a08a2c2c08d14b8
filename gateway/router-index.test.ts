import { RouterIndex, SMALL_GROUP, sizeOf } from './router-index';

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
      expect(ix.get('t.x')?.topic).toBe(first);
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
});
