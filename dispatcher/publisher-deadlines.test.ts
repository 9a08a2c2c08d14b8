import { Expiry, PublisherClock, type PublisherDeadlines } from './publisher-deadlines';

const D: PublisherDeadlines = { authMs: 100, frameMs: 50, idleMs: 1000 };

describe(PublisherClock, () => {
  describe('#expired', () => {
    it('expires auth at exactly authMs when the connection has not authenticated', () => {
      const c = new PublisherClock(1000, false);
      expect(c.expired(1099, D, false)).toBeUndefined();
      expect(c.expired(1100, D, false)).toBe(Expiry.Auth);
    });

    it('never expires auth once authenticated', () => {
      const c = new PublisherClock(1000, false);
      c.authed = true;
      expect(c.expired(1500, D, false)).toBeUndefined();
    });

    it('expires a partial frame at exactly frameMs after its first byte', () => {
      const c = new PublisherClock(0, true);
      c.onRead(10, 0, 3);
      c.onRead(40, 0, 9);
      expect(c.expired(59, D, false)).toBeUndefined();
      expect(c.expired(60, D, false)).toBe(Expiry.Frame);
    });

    it('starts the frame deadline over when a read completes one frame and begins the next', () => {
      const c = new PublisherClock(0, true);
      c.onRead(10, 0, 3);
      c.onRead(50, 1, 2);
      expect(c.expired(99, D, false)).toBeUndefined();
      expect(c.expired(100, D, false)).toBe(Expiry.Frame);
    });

    it('stops the frame deadline when the held frame completes', () => {
      const c = new PublisherClock(0, true);
      c.onRead(10, 0, 3);
      c.onRead(20, 1, 0);
      expect(c.expired(500, D, false)).toBeUndefined();
    });

    it('expires idle at exactly idleMs after the last complete frame', () => {
      const c = new PublisherClock(0, true);
      c.onRead(200, 1, 0);
      expect(c.expired(1199, D, false)).toBeUndefined();
      expect(c.expired(1200, D, false)).toBe(Expiry.Idle);
    });

    it('never expires idle when idleMs is 0', () => {
      const c = new PublisherClock(0, true);
      expect(c.expired(1e9, { ...D, idleMs: 0 }, false)).toBeUndefined();
    });

    it('runs no deadline while the server holds the connection, and starts over after', () => {
      const c = new PublisherClock(0, false);
      c.onRead(10, 0, 3);
      expect(c.expired(5000, D, true)).toBeUndefined();
      c.authed = true;
      c.resumed(5000);
      expect(c.expired(5049, D, false)).toBeUndefined();
      expect(c.expired(5050, D, false)).toBe(Expiry.Frame);
    });
  });
});
