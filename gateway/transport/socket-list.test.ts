import { SocketList, type Listed } from './socket-list';

class Sock implements Listed {
  listIndex = -1;
  constructor(readonly name: string) {}
}

const names = (l: SocketList<Sock>): string[] => [...l].map((s) => s.name).sort();

describe('SocketList', () => {
  describe('#add', () => {
    it('lists a socket once and counts it', () => {
      const l = new SocketList<Sock>();
      const a = new Sock('a');
      l.add(a);
      l.add(a);
      l.add(new Sock('b'));
      expect(l.size).toBe(2);
      expect(names(l)).toEqual(['a', 'b']);
    });
  });

  describe('#delete', () => {
    it('removes from the start, middle and end, keeping every other socket findable', () => {
      const l = new SocketList<Sock>();
      const s = ['a', 'b', 'c', 'd', 'e'].map((n) => new Sock(n));
      for (const x of s) l.add(x);
      expect(l.delete(s[1]!)).toBe(true);
      expect(l.delete(s[4]!)).toBe(true);
      expect(l.delete(s[0]!)).toBe(true);
      expect(names(l)).toEqual(['c', 'd']);
      expect(s[1]!.listIndex).toBe(-1);
      for (const x of [s[2]!, s[3]!]) expect(l.delete(x)).toBe(true);
      expect(l.size).toBe(0);
    });

    it('is false for a socket it does not list, also one listed in another list', () => {
      const l = new SocketList<Sock>();
      const other = new SocketList<Sock>();
      const a = new Sock('a');
      const b = new Sock('b');
      l.add(a);
      other.add(b);
      expect(l.delete(b)).toBe(false);
      expect(l.delete(new Sock('c'))).toBe(false);
      expect(l.size).toBe(1);
      expect(other.size).toBe(1);
    });
  });

  describe('iteration', () => {
    it('visits every socket once while the loop removes the one at hand', () => {
      const l = new SocketList<Sock>();
      for (let i = 0; i < 10; i++) l.add(new Sock(`s${i}`));
      const seen: string[] = [];
      for (const s of l) {
        seen.push(s.name);
        if (Number(s.name.slice(1)) % 3 === 0) l.delete(s);
      }
      expect(seen.sort()).toEqual(Array.from({ length: 10 }, (_, i) => `s${i}`).sort());
      expect(l.size).toBe(6);
    });
  });
});
