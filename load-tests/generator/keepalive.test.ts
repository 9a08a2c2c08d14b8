import { unpackr } from './framing';
import { Keepalive } from './keepalive';
import type { RawWsClient } from './ws-client';

/** A client that records what it was sent. */
function fakeClient(open = true): RawWsClient & { sent: unknown[]; isOpen: boolean } {
  const c = {
    isOpen: open,
    sent: [] as unknown[],
    send(payload: Buffer) {
      c.sent.push(unpackr.unpack(payload));
    },
  };
  return c as unknown as RawWsClient & { sent: unknown[]; isOpen: boolean };
}

describe('Keepalive', () => {
  let now = 0;
  let k: Keepalive;
  beforeEach(() => {
    now = 0;
    k = new Keepalive(20_000, 1000, () => now);
  });
  afterEach(() => k.stop());

  describe('#tick', () => {
    it('pings a tracked connection once every everyMs, not before', () => {
      const c = fakeClient();
      k.track(c);
      now = 19_999;
      k.tick();
      expect(c.sent).toEqual([]);
      now = 20_000;
      k.tick();
      now = 30_000;
      k.tick();
      expect(c.sent).toEqual([{ op: 'ping' }]);
      now = 40_000;
      k.tick();
      expect(c.sent).toHaveLength(2);
    });

    it('keeps connections tracked at different times apart', () => {
      const a = fakeClient();
      const b = fakeClient();
      k.track(a);
      now = 5000;
      k.track(b);
      now = 20_000;
      k.tick();
      expect([a.sent.length, b.sent.length]).toEqual([1, 0]);
      now = 25_000;
      k.tick();
      expect([a.sent.length, b.sent.length]).toEqual([1, 1]);
    });

    it('forgets a closed connection without pinging it, and an untracked one', () => {
      const closed = fakeClient();
      const gone = fakeClient();
      k.track(closed);
      k.track(gone);
      k.untrack(gone);
      closed.isOpen = false;
      now = 20_000;
      k.tick();
      expect(closed.sent).toEqual([]);
      expect(gone.sent).toEqual([]);
      expect(k.size).toBe(0);
    });
  });
});
