import { ownerOf } from './rendezvous';

describe('ownerOf', () => {
  it('returns undefined when there is no node', () => {
    expect(ownerOf('t', [])).toBeUndefined();
  });

  it('picks the same owner whatever the order of the nodes', () => {
    const nodes = ['d1', 'd2', 'd3', 'd4'];
    for (let i = 0; i < 200; i++) {
      const t = `topic-${i}`;
      expect(ownerOf(t, nodes)).toBe(ownerOf(t, [...nodes].reverse()));
    }
  });

  it('spreads topics over every node', () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 3000; i++) {
      const o = ownerOf(`live:video-${i}`, ['a', 'b', 'c'])!;
      counts.set(o, (counts.get(o) ?? 0) + 1);
    }
    for (const n of ['a', 'b', 'c']) expect(counts.get(n)).toBeGreaterThan(700);
  });

  it('moves only the topics of a node that leaves', () => {
    let moved = 0;
    for (let i = 0; i < 1000; i++) {
      const t = `t${i}`;
      const before = ownerOf(t, ['a', 'b', 'c'])!;
      const after = ownerOf(t, ['a', 'b'])!;
      if (before !== 'c') expect(after).toBe(before);
      else moved++;
    }
    expect(moved).toBeGreaterThan(0);
  });
});
