import { FakeClock } from '../testing/fake-clock';
import { TroupeLimitError } from './errors';
import { Outbound, type Queued } from './outbound';

const limits = { ratePerSec: 10, rateBurst: 3, maxQueuedPublishes: 4, maxQueuedBytes: 100 };

function setup(connected = true): {
  out: Outbound;
  sent: number[];
  clock: FakeClock;
  link: { up: boolean };
} {
  const clock = new FakeClock();
  const sent: number[] = [];
  const link = { up: connected };
  const out = new Outbound(clock, limits, (q) => {
    if (!link.up) return false;
    sent.push(q.id);
    return true;
  });
  return { out, sent, clock, link };
}

const q = (id: number, bytes = 10): Queued => ({ id, frame: new Uint8Array(bytes), bytes });

describe('Outbound', () => {
  describe('#pump', () => {
    it('sends a burst at once, then one per 1/rate seconds', async () => {
      const { out, sent, clock } = setup();
      for (let i = 1; i <= 4; i++) out.queuePublish(q(i));
      expect(sent).toEqual([1, 2, 3]);
      await clock.advance(99);
      expect(sent).toEqual([1, 2, 3]);
      await clock.advance(1);
      expect(sent).toEqual([1, 2, 3, 4]);
    });

    it('sends control frames ahead of queued publishes', async () => {
      const { out, sent, link } = setup(false);
      out.queuePublish(q(1));
      out.sendControl(q(2));
      link.up = true;
      out.pump();
      expect(sent).toEqual([2, 1]);
    });

    it('holds publishes while there is no connection and keeps them across one', () => {
      const { out, sent, link } = setup(false);
      out.queuePublish(q(1));
      out.sendControl(q(2));
      expect(out.dropControl().map((x) => x.id)).toEqual([2]);
      link.up = true;
      out.pump();
      expect(sent).toEqual([1]);
    });
  });

  describe('#queuePublish', () => {
    it('refuses the publish past maxQueuedPublishes', () => {
      const { out } = setup(false);
      for (let i = 0; i < 4; i++) out.queuePublish(q(i));
      expect(() => out.queuePublish(q(9))).toThrow(TroupeLimitError);
      expect(out.queuedPublishes).toBe(4);
    });

    it('refuses the publish past maxQueuedBytes', () => {
      const { out } = setup(false);
      out.queuePublish(q(1, 60));
      expect(() => out.queuePublish(q(2, 41))).toThrow(/maxQueuedBytes \(100\)/);
      out.queuePublish(q(3, 40));
      expect(out.queuedBytes).toBe(100);
    });
  });

  describe('#removePublish', () => {
    it('takes a queued publish out with its bytes', () => {
      const { out, sent, link } = setup(false);
      out.queuePublish(q(1, 30));
      out.queuePublish(q(2, 30));
      out.removePublish(1);
      expect(out.queuedBytes).toBe(30);
      link.up = true;
      out.pump();
      expect(sent).toEqual([2]);
    });
  });

  describe('#reset', () => {
    it('gives a new connection the full burst', async () => {
      const { out, sent, clock } = setup();
      for (let i = 1; i <= 3; i++) out.queuePublish(q(i));
      out.reset();
      for (let i = 4; i <= 6; i++) out.queuePublish(q(i));
      expect(sent).toEqual([1, 2, 3, 4, 5, 6]);
      await clock.advance(0);
    });
  });
});
