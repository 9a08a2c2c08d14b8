import { LIVE, SMALL_MORE, Subscriptions, type SubPosition } from './subscriptions';

const at = (seq: number) => ({ epoch: 'e', seq });

describe('Subscriptions', () => {
  describe('#set', () => {
    it('keeps a lone topic inline and more topics beside it', () => {
      const s = new Subscriptions();
      s.set('a', at(1));
      s.set('b', at(2));
      s.set('c', at(3));
      expect(s.size).toBe(3);
      expect([s.get('a')?.seq, s.get('b')?.seq, s.get('c')?.seq]).toEqual([1, 2, 3]);
      expect(s.topics().sort()).toEqual(['a', 'b', 'c']);
    });

    it('answers the same below, at and past SMALL_MORE topics beside the inline one', () => {
      const s = new Subscriptions();
      const n = SMALL_MORE + 3;
      for (let i = 0; i <= n; i++) {
        s.set(`t${i}`, at(i));
        expect(s.size).toBe(i + 1);
        for (let k = 0; k <= i; k++) expect(s.get(`t${k}`)?.seq).toBe(k);
        expect(s.has(`t${i + 1}`)).toBe(false);
      }
      expect(s.topics()).toEqual(Array.from({ length: n + 1 }, (_, i) => `t${i}`));
      s.set('t5', at(50));
      expect(s.get('t5')?.seq).toBe(50);
      expect(s.size).toBe(n + 1);
    });

    it('adds, updates and deletes among a few topics beside the inline one', () => {
      const s = new Subscriptions();
      for (const t of ['a', 'b', 'c', 'd']) s.set(t, at(1));
      expect(s.delete('c')).toBe(true);
      expect(s.delete('c')).toBe(false);
      s.set('b', at(9));
      expect(s.toObject()).toEqual({ a: at(1), b: at(9), d: at(1) });
      expect(s.delete('b')).toBe(true);
      expect(s.delete('d')).toBe(true);
      expect(s.topics()).toEqual(['a']);
      s.set('e', at(2));
      expect(s.toObject()).toEqual({ a: at(1), e: at(2) });
    });

    it('updates a topic in place wherever it lives', () => {
      const s = new Subscriptions();
      s.set('a', at(1));
      s.set('b', at(2));
      s.delete('a');
      s.set('b', at(5));
      expect(s.size).toBe(1);
      expect(s.get('b')?.seq).toBe(5);
      s.set('a', at(7));
      expect(s.toObject()).toEqual({ a: at(7), b: at(5) });
    });
  });

  describe('#get', () => {
    it('returns a live position: writing it moves the topic, inline or not', () => {
      const s = new Subscriptions();
      s.set('a', at(Number.MAX_SAFE_INTEGER));
      s.set('b', at(2));
      s.get('a')!.seq = 10;
      s.get('b')!.epoch = 'f';
      expect(s.toObject()).toEqual({ a: at(10), b: { epoch: 'f', seq: 2 } });
    });
  });

  describe('#toObject', () => {
    it('returns copies', () => {
      const s = new Subscriptions();
      s.set('a', at(1));
      (s.toObject()['a'] as SubPosition).seq = 5;
      expect(s.get('a')?.seq).toBe(1);
    });

    it('shows a live subscription as live, without a position', () => {
      const s = new Subscriptions();
      s.set('a', at(1));
      s.set('b', at(2));
      s.get('a')!.seq = LIVE;
      expect(s.toObject()).toEqual({ a: { live: true }, b: at(2) });
    });
  });

  describe('#delete', () => {
    it('returns false for a topic it does not hold', () => {
      const s = new Subscriptions();
      expect(s.delete('x')).toBe(false);
      s.set('x', at(1));
      expect(s.delete('x')).toBe(true);
      expect(s.has('x')).toBe(false);
      expect(s.size).toBe(0);
    });
  });

  describe('#clear', () => {
    it('forgets every topic', () => {
      const s = new Subscriptions();
      s.set('a', at(1));
      s.set('b', at(1));
      s.clear();
      expect(s.size).toBe(0);
      expect(s.topics()).toEqual([]);
    });
  });
});
