import { VerifiedCache } from './verified-cache';

const entry = (expMs: number) => ({ expMs });

describe('VerifiedCache', () => {
  describe('#get', () => {
    it('answers what was set while it is before its expiry', () => {
      const c = new VerifiedCache<{ expMs: number }>();
      const e = entry(1000);
      c.set('t', e, 0);
      expect(c.get('t', 999)).toBe(e);
    });

    it('never answers an entry at or after its expiry, and drops it', () => {
      const c = new VerifiedCache<{ expMs: number }>();
      c.set('t', entry(1000), 0);
      expect(c.get('t', 1000)).toBeUndefined();
      expect(c.size).toBe(0);
      expect(c.get('t', 0)).toBeUndefined();
    });
  });

  describe('#set', () => {
    it('does not keep an entry that has already expired', () => {
      const c = new VerifiedCache<{ expMs: number }>();
      c.set('t', entry(1000), 1000);
      expect(c.size).toBe(0);
    });

    it('evicts the least recently used entry past its entry bound', () => {
      const c = new VerifiedCache<{ expMs: number }>(2);
      c.set('a', entry(9e9), 0);
      c.set('b', entry(9e9), 0);
      c.get('a', 0);
      c.set('c', entry(9e9), 0);
      expect(c.size).toBe(2);
      expect(c.get('b', 0)).toBeUndefined();
      expect(c.get('a', 0)).toBeDefined();
      expect(c.get('c', 0)).toBeDefined();
    });

    it('evicts the oldest entries past its character bound', () => {
      const c = new VerifiedCache<{ expMs: number }>(100, 10);
      c.set('aaaa', entry(9e9), 0);
      c.set('bbbb', entry(9e9), 0);
      c.set('cccc', entry(9e9), 0);
      expect(c.size).toBe(2);
      expect(c.get('aaaa', 0)).toBeUndefined();
    });

    it('keeps nothing when its entry bound is 0', () => {
      const c = new VerifiedCache<{ expMs: number }>(0);
      c.set('a', entry(9e9), 0);
      expect(c.size).toBe(0);
    });

    it('counts a token set twice once', () => {
      const c = new VerifiedCache<{ expMs: number }>(100, 8);
      c.set('aaaa', entry(9e9), 0);
      c.set('aaaa', entry(9e9), 0);
      c.set('bbbb', entry(9e9), 0);
      expect(c.size).toBe(2);
    });
  });

  describe('#clear', () => {
    it('drops every entry', () => {
      const c = new VerifiedCache<{ expMs: number }>();
      c.set('a', entry(9e9), 0);
      c.clear();
      expect(c.get('a', 0)).toBeUndefined();
    });
  });
});
