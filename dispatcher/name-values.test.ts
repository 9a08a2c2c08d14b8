import {
  valueOf,
  firstValues,
  forEachValue,
  noNameCounts,
  SMALL_NAME_COUNTS,
  sizeOfValues,
  withValue,
  withoutValue,
  type NameCounts,
} from './name-values';

const entries = (m: NameCounts): [string, number][] => {
  const out: [string, number][] = [];
  forEachValue(m, (n, v) => out.push([n, v]));
  return out;
};

describe('name-values', () => {
  it('sets, reads, replaces and removes counts in a flat array of exactly its entries', () => {
    let m = noNameCounts();
    m = withValue(m, 'gw1', 3);
    m = withValue(m, 'gw2', 5);
    expect(m).toEqual(['gw1', 3, 'gw2', 5]);
    expect(valueOf(m, 'gw2')).toBe(5);
    expect(valueOf(m, 'gw3')).toBeUndefined();
    // A count is a value, not a name: looking up a name never matches a count slot.
    expect(valueOf(m, '3' as string)).toBeUndefined();
    const same = withValue(m, 'gw1', 4);
    expect(same).toBe(m);
    expect(entries(m)).toEqual([
      ['gw1', 4],
      ['gw2', 5],
    ]);
    m = withoutValue(m, 'gw1');
    expect(m).toEqual(['gw2', 5]);
    expect(withoutValue(m, 'nobody')).toBe(m);
    m = withoutValue(m, 'gw2');
    expect(sizeOfValues(m)).toBe(0);
  });

  it('becomes a Map past SMALL_NAME_COUNTS entries, and stays one', () => {
    let m = noNameCounts();
    for (let i = 0; i < SMALL_NAME_COUNTS; i++) m = withValue(m, `gw${i}`, i);
    expect(Array.isArray(m)).toBe(true);
    m = withValue(m, 'one-more', 99);
    expect(m).toBeInstanceOf(Map);
    expect(sizeOfValues(m)).toBe(SMALL_NAME_COUNTS + 1);
    expect(valueOf(m, 'gw7')).toBe(7);
    expect(valueOf(m, 'one-more')).toBe(99);
    expect(firstValues(m, 2)).toEqual([
      ['gw0', 0],
      ['gw1', 1],
    ]);
    for (let i = 0; i < SMALL_NAME_COUNTS; i++) m = withoutValue(m, `gw${i}`);
    expect(m).toBeInstanceOf(Map);
    expect(entries(m)).toEqual([['one-more', 99]]);
  });
});
