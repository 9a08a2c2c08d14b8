import {
  countOf,
  firstCounts,
  forEachCount,
  noNameCounts,
  SMALL_NAME_COUNTS,
  sizeOfCounts,
  withCount,
  withoutCount,
  type NameCounts,
} from './name-counts';

const entries = (m: NameCounts): [string, number][] => {
  const out: [string, number][] = [];
  forEachCount(m, (n, v) => out.push([n, v]));
  return out;
};

describe('name-counts', () => {
  it('sets, reads, replaces and removes counts in a flat array of exactly its entries', () => {
    let m = noNameCounts();
    m = withCount(m, 'gw1', 3);
    m = withCount(m, 'gw2', 5);
    expect(m).toEqual(['gw1', 3, 'gw2', 5]);
    expect(countOf(m, 'gw2')).toBe(5);
    expect(countOf(m, 'gw3')).toBeUndefined();
    // A count is a value, not a name: looking up a name never matches a count slot.
    expect(countOf(m, '3' as string)).toBeUndefined();
    const same = withCount(m, 'gw1', 4);
    expect(same).toBe(m);
    expect(entries(m)).toEqual([
      ['gw1', 4],
      ['gw2', 5],
    ]);
    m = withoutCount(m, 'gw1');
    expect(m).toEqual(['gw2', 5]);
    expect(withoutCount(m, 'nobody')).toBe(m);
    m = withoutCount(m, 'gw2');
    expect(sizeOfCounts(m)).toBe(0);
  });

  it('becomes a Map past SMALL_NAME_COUNTS entries, and stays one', () => {
    let m = noNameCounts();
    for (let i = 0; i < SMALL_NAME_COUNTS; i++) m = withCount(m, `gw${i}`, i);
    expect(Array.isArray(m)).toBe(true);
    m = withCount(m, 'one-more', 99);
    expect(m).toBeInstanceOf(Map);
    expect(sizeOfCounts(m)).toBe(SMALL_NAME_COUNTS + 1);
    expect(countOf(m, 'gw7')).toBe(7);
    expect(countOf(m, 'one-more')).toBe(99);
    expect(firstCounts(m, 2)).toEqual([
      ['gw0', 0],
      ['gw1', 1],
    ]);
    for (let i = 0; i < SMALL_NAME_COUNTS; i++) m = withoutCount(m, `gw${i}`);
    expect(m).toBeInstanceOf(Map);
    expect(entries(m)).toEqual([['one-more', 99]]);
  });
});
