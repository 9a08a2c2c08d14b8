import { countOf, membersOf, SetMap } from './one-or-many';

describe(SetMap, () => {
  describe('#add', () => {
    it('holds a lone member as itself and makes a Set for the second', () => {
      const m = new SetMap<string, string>();
      expect(m.add('t', 'a')).toBe(true);
      expect(m.get('t')).toBe('a');
      expect(m.add('t', 'a')).toBe(false);
      expect(m.get('t')).toBe('a');
      expect(m.add('t', 'b')).toBe(false);
      expect(m.get('t')).toEqual(new Set(['a', 'b']));
      expect(m.size).toBe(1);
    });
  });

  describe('#remove', () => {
    it('answers true only when the key lost its last member, and forgets the key then', () => {
      const m = new SetMap<string, number>();
      m.add('t', 1);
      m.add('t', 2);
      expect(m.remove('t', 3)).toBe(false);
      expect(m.remove('t', 1)).toBe(false);
      expect(countOf(m.get('t')!)).toBe(1);
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
      expect([...m.entries()].map(([k, v]) => [k, membersOf(v), countOf(v)])).toEqual([
        ['a', [1], 1],
        ['b', [1, 2], 2],
      ]);
      expect([...m.keys()]).toEqual(['a', 'b']);
    });
  });
});
