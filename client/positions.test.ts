import { PositionTable, Verdict } from './positions';

describe('PositionTable', () => {
  describe('#accept', () => {
    it('delivers rising seqs and drops a seq at or below the last delivered', () => {
      const t = new PositionTable();
      expect(t.accept('a', 'E', 1)).toBe(Verdict.Deliver);
      expect(t.accept('a', 'E', 2)).toBe(Verdict.Deliver);
      expect(t.accept('a', 'E', 2)).toBe(Verdict.Duplicate);
      expect(t.accept('a', 'E', 1)).toBe(Verdict.Duplicate);
      expect(t.get('a')).toEqual({ epoch: 'E', seq: 2 });
    });

    it('takes an event of another epoch as a new start (NewEpoch)', () => {
      const t = new PositionTable();
      t.set('a', { epoch: 'E', seq: 10 });
      expect(t.accept('a', 'F', 1)).toBe(Verdict.NewEpoch);
      expect(t.get('a')).toEqual({ epoch: 'F', seq: 1 });
      expect(t.accept('a', 'F', 2)).toBe(Verdict.Deliver);
    });

    it('keeps topics apart', () => {
      const t = new PositionTable();
      t.accept('a', 'E', 5);
      expect(t.accept('b', 'E', 1)).toBe(Verdict.Deliver);
    });
  });

  describe('#ack', () => {
    it('keeps the position on a recovered resume, so the replay is delivered', () => {
      const t = new PositionTable();
      t.set('a', { epoch: 'E', seq: 3 });
      expect(t.ack('a', 'E', 9, true, true)).toEqual({ gap: false, from: { epoch: 'E', seq: 3 } });
      expect(t.accept('a', 'E', 4)).toBe(Verdict.Deliver);
    });

    it('reports a gap on recovered: false and keeps a same-epoch position for the partial replay', () => {
      const t = new PositionTable();
      t.set('a', { epoch: 'E', seq: 3 });
      expect(t.ack('a', 'E', 9, false, true).gap).toBe(true);
      expect(t.accept('a', 'E', 7)).toBe(Verdict.Deliver);
    });

    it('moves to the ack position on another epoch', () => {
      const t = new PositionTable();
      t.set('a', { epoch: 'E', seq: 3 });
      expect(t.ack('a', 'F', 9, false, true)).toEqual({ gap: true, from: { epoch: 'E', seq: 3 } });
      expect(t.accept('a', 'F', 9)).toBe(Verdict.Duplicate);
      expect(t.accept('a', 'F', 10)).toBe(Verdict.Deliver);
    });

    it('starts a fresh subscription at the ack, without a gap', () => {
      const t = new PositionTable();
      expect(t.ack('a', 'E', 4, false, false)).toEqual({ gap: false, from: undefined });
      expect(t.get('a')).toEqual({ epoch: 'E', seq: 4 });
    });

    it('moves back to the ack when the position is ahead of the topic (a seq it never reached)', () => {
      const t = new PositionTable();
      t.set('a', { epoch: 'E', seq: 50 });
      t.ack('a', 'E', 9, false, true);
      expect(t.accept('a', 'E', 10)).toBe(Verdict.Deliver);
    });
  });
});
