import { membersOf, SetMap, SMALL_GROUP, sizeOf } from './one-or-many';

describe(SetMap, () => {
  describe('#add', () => {
    it('holds a lone member as itself, a few in an exact array, and more in a Set', () => {
      const m = new SetMap<string, string>();
      expect(m.add('t', 'a')).toBe(true);
      expect(m.get('t')).toBe('a');
      expect(m.add('t', 'a')).toBe(false);
      expect(m.get('t')).toBe('a');
      expect(m.add('t', 'b')).toBe(false);
      expect(m.get('t')).toEqual(['a', 'b']);
      const members = Array.from({ length: SMALL_GROUP + 1 }, (_, i) => `m${i}`);
      for (const x of members.slice(2, SMALL_GROUP)) m.add('t', x);
      expect(m.get('t')).toEqual(['a', 'b', ...members.slice(2, SMALL_GROUP)]);
      m.add('t', members[SMALL_GROUP]!);
      expect(m.get('t')).toEqual(new Set(['a', 'b', ...members.slice(2)]));
      // The Set stays as members leave, down to one.
      for (const x of members.slice(2)) m.remove('t', x);
      expect(m.get('t')).toEqual(new Set(['a', 'b']));
      expect(m.size).toBe(1);
    });

    it("gives a changed array group a new array (a reader's copy stays as it was)", () => {
      const m = new SetMap<string, string>();
      m.add('t', 'a');
      m.add('t', 'b');
      const before = m.get('t');
      m.add('t', 'c');
      expect(before).toEqual(['a', 'b']);
      m.remove('t', 'a');
      expect(m.get('t')).toEqual(['b', 'c']);
    });
  });

  describe('#remove', () => {
    it('answers true only when the key lost its last member, and forgets the key then', () => {
      const m = new SetMap<string, number>();
      m.add('t', 1);
      m.add('t', 2);
      expect(m.remove('t', 3)).toBe(false);
      expect(m.remove('t', 1)).toBe(false);
      expect(sizeOf(m.get('t'))).toBe(1);
      expect(m.remove('t', 2)).toBe(true);
      expect(m.has('t')).toBe(false);
      expect(m.remove('t', 2)).toBe(false);
    });

    it('answers false for a lone member that is not the one asked', () => {
      const m = new SetMap<string, number>();
      m.add('t', 1);
      expect(m.remove('t', 2)).toBe(false);
      expect(m.remove('u', 1)).toBe(false);
      expect(m.remove('t', 1)).toBe(true);
      expect(m.size).toBe(0);
    });
  });

  describe('#entries', () => {
    it('lists every key with its members', () => {
      const m = new SetMap<string, number>();
      m.add('a', 1);
      m.add('b', 1);
      m.add('b', 2);
      m.add('c', 1);
      for (let i = 2; i <= SMALL_GROUP + 1; i++) m.add('c', i);
      expect([...m.entries()].map(([k, v]) => [k, membersOf(v), sizeOf(v)])).toEqual([
        ['a', [1], 1],
        ['b', [1, 2], 2],
        ['c', Array.from({ length: SMALL_GROUP + 1 }, (_, i) => i + 1), SMALL_GROUP + 1],
      ]);
      expect([...m.keys()]).toEqual(['a', 'b', 'c']);
    });
  });
});
