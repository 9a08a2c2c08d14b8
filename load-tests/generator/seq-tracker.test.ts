import { newSeqCounters, observeSeq } from './seq-tracker';

function feed(start: number, seqs: number[]) {
  const c = newSeqCounters();
  let last = start;
  for (const s of seqs) last = observeSeq(last, s, c);
  return { c, last };
}

describe('observeSeq', () => {
  it('counts nothing when seq rises by one', () => {
    expect(feed(5, [6, 7, 8]).c).toEqual({ missing: 0, gaps: 0, reorders: 0 });
  });

  it('takes the first seq as the start when unseeded', () => {
    expect(feed(-1, [40, 41])).toEqual({ c: { missing: 0, gaps: 0, reorders: 0 }, last: 41 });
  });

  it('counts a jump as one gap and its size as missing', () => {
    expect(feed(0, [1, 5, 6, 9]).c).toEqual({ missing: 5, gaps: 2, reorders: 0 });
  });

  it('counts events missed right after the ack seed', () => {
    expect(feed(10, [13]).c).toEqual({ missing: 2, gaps: 1, reorders: 0 });
  });

  it('counts a repeated or older seq as a reorder and keeps the highest', () => {
    expect(feed(0, [1, 2, 2, 1, 3])).toEqual({ c: { missing: 0, gaps: 0, reorders: 2 }, last: 3 });
  });
});
