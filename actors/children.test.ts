import { Children } from './children';

class Kid {
  constructor(readonly name: string) {}
}

const namesOf = (c: Children<Kid>): string[] => Array.from(c.values(), (k) => k.name);

describe('Children', () => {
  describe('#add', () => {
    it('finds each child by name and keeps the spawn order, past many rebuilds', () => {
      const c = new Children<Kid>();
      const kids = Array.from({ length: 1000 }, (_, i) => new Kid(`conn-${i.toString(36)}`));
      for (const k of kids) c.add(k);
      expect(c.size).toBe(1000);
      for (const k of kids) expect(c.get(k.name)).toBe(k);
      expect(c.has('conn-zzz')).toBe(false);
      expect(c.get('')).toBeUndefined();
      expect(namesOf(c)).toEqual(kids.map((k) => k.name));
    });
  });

  describe('#delete', () => {
    it('forgets a child, keeps the others in order, and takes the name again', () => {
      const c = new Children<Kid>();
      const kids = ['a', 'b', 'c', 'd'].map((n) => new Kid(n));
      for (const k of kids) c.add(k);
      expect(c.delete(kids[1]!)).toBe(true);
      expect(c.delete(kids[1]!)).toBe(false);
      expect(c.has('b')).toBe(false);
      expect(namesOf(c)).toEqual(['a', 'c', 'd']);
      const again = new Kid('b');
      c.add(again);
      expect(c.get('b')).toBe(again);
      expect(namesOf(c)).toEqual(['a', 'c', 'd', 'b']);
    });

    it('is false for another child of the same name, which stays', () => {
      const c = new Children<Kid>();
      const a = new Kid('a');
      c.add(a);
      expect(c.delete(new Kid('a'))).toBe(false);
      expect(c.get('a')).toBe(a);
    });

    it('keeps finding the rest through many removals and additions (holes, gone slots)', () => {
      const c = new Children<Kid>();
      const live = new Map<string, Kid>();
      let n = 0;
      for (let round = 0; round < 20; round++) {
        for (let i = 0; i < 50; i++) {
          const k = new Kid(`k${n++}`);
          c.add(k);
          live.set(k.name, k);
        }
        let drop = 0;
        for (const k of live.values()) {
          if (drop++ % 3 === 0) continue;
          expect(c.delete(k)).toBe(true);
          live.delete(k.name);
        }
        expect(c.size).toBe(live.size);
        for (const k of live.values()) expect(c.get(k.name)).toBe(k);
        expect(namesOf(c)).toEqual([...live.keys()]);
      }
      for (const k of [...live.values()]) c.delete(k);
      expect(c.size).toBe(0);
      expect(namesOf(c)).toEqual([]);
    });
  });

  describe('#values', () => {
    it('visits each child that stays once, and none that left before the walk reached it', () => {
      const c = new Children<Kid>();
      const kids = Array.from({ length: 100 }, (_, i) => new Kid(`k${i}`));
      for (const k of kids) c.add(k);
      const seen: string[] = [];
      for (const k of c.values()) {
        seen.push(k.name);
        // Enough to rebuild `order` midway: the walk goes on over the one it started with.
        if (seen.length === 1) for (const x of kids.slice(50)) c.delete(x);
        if (seen.length === 2) for (const x of kids.slice(2, 40)) c.delete(x);
      }
      const stayed = [...kids.slice(0, 2), ...kids.slice(40, 50)].map((k) => k.name);
      expect(namesOf(c)).toEqual(stayed);
      for (const name of stayed) expect(seen.filter((n) => n === name)).toEqual([name]);
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen.filter((n) => Number(n.slice(1)) >= 50)).toEqual([]);
    });
  });
});
