/**
 * Where a gateway's viewer counts go (PROTOCOL.md §8): each topic to its owner among the
 * dispatchers whose links are up, by the same rendezvous choice the history and publishes make.
 */
import { ownerOf } from '../rendezvous';
import type { CountItem } from '../types';

/**
 * `items` grouped by owner among `nodes`; with `only`, just the items whose owner it accepts
 * (`only(owner, topic)`), e.g. the topics one dispatcher took over.
 */
export function groupByOwner(
  items: Iterable<CountItem>,
  nodes: readonly string[],
  only?: (owner: string, topic: string) => boolean,
): Map<string, CountItem[]> {
  const out = new Map<string, CountItem[]>();
  if (nodes.length === 0) return out;
  for (const item of items) {
    const owner = ownerOf(item[0], nodes)!;
    if (only !== undefined && !only(owner, item[0])) continue;
    const list = out.get(owner);
    if (list === undefined) out.set(owner, [item]);
    else list.push(item);
  }
  return out;
}
