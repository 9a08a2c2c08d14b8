import { ownerOf } from '../rendezvous';
import type { CountItem } from '../types';
import { groupByOwner } from './count-routing';

const topicOfItem = (i: CountItem): string => i[0];
const items: CountItem[] = Array.from({ length: 30 }, (_, i) => [`t${i}`, i]);

describe('groupByOwner', () => {
  it('puts every item under its rendezvous owner, once', () => {
    const nodes = ['d1', 'd2', 'd3'];
    const groups = groupByOwner(items, topicOfItem, nodes);
    expect([...groups.values()].flat().sort()).toEqual([...items].sort());
    for (const [owner, list] of groups)
      for (const [topic] of list) expect(ownerOf(topic, nodes)).toBe(owner);
  });

  it('keeps only what `only` accepts', () => {
    const groups = groupByOwner(items, topicOfItem, ['d1', 'd2'], (owner) => owner === 'd2');
    expect([...groups.keys()]).toEqual(['d2']);
  });

  it('has nowhere to put anything without a live dispatcher', () => {
    expect(groupByOwner(items, topicOfItem, []).size).toBe(0);
  });
});
