import { RingQueue } from './ring-queue';

describe('RingQueue', () => {
  describe('#push', () => {
    it('keeps FIFO order when it grows past its initial capacity', () => {
      const q = new RingQueue<number>();
      for (let i = 0; i < 100; i++) q.push(i);
      const out: number[] = [];
      while (q.size > 0) out.push(q.shift() as number);
      expect(out).toEqual(Array.from({ length: 100 }, (_, i) => i));
    });

    it('keeps FIFO order when it grows while the head has wrapped around', () => {
      const q = new RingQueue<number>();
      for (let i = 0; i < 6; i++) q.push(i);
      for (let i = 0; i < 5; i++) q.shift();
      for (let i = 6; i < 20; i++) q.push(i);
      const out: number[] = [];
      while (q.size > 0) out.push(q.shift() as number);
      expect(out).toEqual(Array.from({ length: 15 }, (_, i) => i + 5));
    });
  });

  describe('#shift', () => {
    it('returns undefined when empty', () => {
      expect(new RingQueue<number>().shift()).toBeUndefined();
    });

    it('gives back large storage when emptied so a burst does not pin memory', () => {
      const q = new RingQueue<number>();
      for (let i = 0; i < 1000; i++) q.push(i);
      while (q.size > 0) q.shift();
      expect((q as unknown as { buf: unknown }).buf).toBeNull();
      q.push(7);
      expect(q.shift()).toBe(7);
    });
  });

  describe('#push (lone item)', () => {
    it('holds a lone item without allocating storage', () => {
      const q = new RingQueue<number>();
      q.push(1);
      expect((q as unknown as { buf: unknown }).buf).toBeNull();
      expect(q.peek()).toBe(1);
      expect(q.shift()).toBe(1);
      expect(q.size).toBe(0);
      expect(q.shift()).toBeUndefined();
    });

    it('keeps FIFO order when a second item moves the lone one into storage', () => {
      const q = new RingQueue<number>();
      q.push(1);
      q.push(2);
      q.push(3);
      expect([q.shift(), q.shift(), q.shift(), q.shift()]).toEqual([1, 2, 3, undefined]);
    });
  });

  describe('#peek', () => {
    it('returns the oldest item without removing it', () => {
      const q = new RingQueue<string>();
      q.push('a');
      q.push('b');
      expect(q.peek()).toBe('a');
      expect(q.size).toBe(2);
    });
  });
});
