import { FakeClock } from '../testing/fake-clock';
import { TroupeLimitError, TroupeRequestError, TroupeTimeoutError } from './errors';
import { PendingRequests } from './requests';

function recorder(): {
  acks: unknown[];
  fails: Error[];
  cb: { ack: (m: unknown) => void; fail: (e: Error) => void };
} {
  const acks: unknown[] = [];
  const fails: Error[] = [];
  return { acks, fails, cb: { ack: (m) => acks.push(m), fail: (e) => fails.push(e) } };
}

describe('PendingRequests', () => {
  describe('#add', () => {
    it('gives rising ids and refuses past max', () => {
      const p = new PendingRequests(new FakeClock(), 2);
      const r = recorder();
      expect(p.add('pub', 100, r.cb)).toBe(1);
      expect(p.add('pub', 100, r.cb)).toBe(2);
      expect(() => p.add('pub', 100, r.cb)).toThrow(TroupeLimitError);
    });

    it('fails a request with TroupeTimeoutError at its timeout and frees its slot', async () => {
      const clock = new FakeClock();
      const p = new PendingRequests(clock, 1);
      const r = recorder();
      p.add('pub', 100, r.cb);
      await clock.advance(99);
      expect(r.fails).toEqual([]);
      await clock.advance(1);
      expect(r.fails[0]).toBeInstanceOf(TroupeTimeoutError);
      expect(p.size).toBe(0);
    });
  });

  describe('#answer', () => {
    it('settles by id: ack resolves, err fails with the server code', () => {
      const p = new PendingRequests(new FakeClock(), 10);
      const r = recorder();
      const a = p.add('pub', 100, r.cb);
      const b = p.add('sub', 100, r.cb);
      expect(p.answer({ op: 'err', id: b, code: 403, msg: 'no' })).toBe(true);
      expect(p.answer({ op: 'ack', id: a, seq: 4 })).toBe(true);
      expect(p.answer({ op: 'ack', id: a })).toBe(false);
      expect(r.acks).toEqual([{ op: 'ack', id: a, seq: 4 }]);
      expect(r.fails[0]).toBeInstanceOf(TroupeRequestError);
      expect((r.fails[0] as TroupeRequestError).code).toBe(403);
    });
  });

  describe('#takeSent', () => {
    it('takes only the requests marked sent', () => {
      const p = new PendingRequests(new FakeClock(), 10);
      const r = recorder();
      const a = p.add('pub', 100, r.cb);
      p.add('pub', 100, r.cb);
      p.markSent(a);
      expect(p.takeSent().map((x) => x.id)).toEqual([a]);
      expect(p.size).toBe(1);
    });
  });
});
