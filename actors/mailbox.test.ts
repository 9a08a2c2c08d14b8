import { Mailbox, Offer, Overflow, type DeadLetterSink } from './mailbox';

function sink(): DeadLetterSink & { dropped: unknown[] } {
  const dropped: unknown[] = [];
  return { dropped, deadLetter: (msg) => dropped.push(msg) };
}

function drainUser<U>(mb: Mailbox<U, unknown>): U[] {
  const out: U[] = [];
  while (mb.hasUser()) out.push(mb.pollUser() as U);
  return out;
}

describe('Mailbox', () => {
  describe('#offer', () => {
    it('accepts everything when unbounded', () => {
      const mb = new Mailbox<number, string>();
      const dl = sink();
      for (let i = 0; i < 1000; i++) expect(mb.offer(i, dl)).toBe(Offer.Accepted);
      expect(mb.userSize).toBe(1000);
      expect(dl.dropped).toEqual([]);
    });

    it('rejects the new message and dead-letters it when full with drop-newest', () => {
      const mb = new Mailbox<number, string>(2, Overflow.DropNewest);
      const dl = sink();
      mb.offer(1, dl);
      mb.offer(2, dl);
      expect(mb.offer(3, dl)).toBe(Offer.Rejected);
      expect(drainUser(mb)).toEqual([1, 2]);
      expect(dl.dropped).toEqual([3]);
    });

    it('discards the oldest message and accepts the new one when full with drop-oldest', () => {
      const mb = new Mailbox<number, string>(2, Overflow.DropOldest);
      const dl = sink();
      mb.offer(1, dl);
      mb.offer(2, dl);
      expect(mb.offer(3, dl)).toBe(Offer.Accepted);
      expect(drainUser(mb)).toEqual([2, 3]);
      expect(dl.dropped).toEqual([1]);
    });

    it('rejects when capacity is 0 with drop-oldest (nothing older to discard)', () => {
      const mb = new Mailbox<number, string>(0, Overflow.DropOldest);
      const dl = sink();
      expect(mb.offer(1, dl)).toBe(Offer.Rejected);
      expect(dl.dropped).toEqual([1]);
    });

    it('reports OverflowStarted only for the first drop of an episode with fail', () => {
      const mb = new Mailbox<number, string>(1, Overflow.Fail);
      const dl = sink();
      mb.offer(1, dl);
      expect(mb.offer(2, dl)).toBe(Offer.OverflowStarted);
      expect(mb.offer(3, dl)).toBe(Offer.Rejected);
      expect(dl.dropped).toEqual([2, 3]);
    });
  });

  describe('#takeOverflow', () => {
    it('returns the episode drop count and opens a new episode', () => {
      const mb = new Mailbox<number, string>(0, Overflow.Fail);
      const dl = sink();
      mb.offer(1, dl);
      mb.offer(2, dl);
      expect(mb.takeOverflow()).toBe(2);
      expect(mb.offer(3, dl)).toBe(Offer.OverflowStarted);
    });
  });

  describe('#pushSystem', () => {
    it('is not limited by the user bound', () => {
      const mb = new Mailbox<number, string>(0, Overflow.DropNewest);
      mb.pushSystem('a');
      mb.pushSystem('b');
      expect(mb.pollSystem()).toBe('a');
      expect(mb.pollSystem()).toBe('b');
      expect(mb.pollSystem()).toBeUndefined();
    });
  });

  describe('#size', () => {
    it('counts both lanes', () => {
      const mb = new Mailbox<number, string>();
      mb.offer(1, sink());
      mb.pushSystem('s');
      expect(mb.size).toBe(2);
      expect(mb.hasSystem()).toBe(true);
      expect(mb.hasUser()).toBe(true);
    });
  });

  describe('#drainUser', () => {
    it('hands every queued user message to the dead-letter sink in order', () => {
      const mb = new Mailbox<number, string>();
      const dl = sink();
      mb.offer(1, dl);
      mb.offer(2, dl);
      mb.drainUser(dl);
      expect(dl.dropped).toEqual([1, 2]);
      expect(mb.hasUser()).toBe(false);
    });
  });
});
