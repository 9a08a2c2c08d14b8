/**
 * Where a gateway's viewer counts (PROTOCOL.md §8) and presence heartbeats (§7) go: each topic
 * to its owner among the dispatchers whose links are up, by the same rendezvous choice the
 * history and publishes make.
 */
import { ownerOf } from '../rendezvous';

/**
 * `items` grouped by the owner of their topic among `nodes`; with `only`, just the items whose
 * owner it accepts (`only(owner, topic)`), e.g. the topics one dispatcher took over. An item
 * whose `topicOf` is undefined (a member id that makes no presence topic) is left out.
 */
export function groupByOwner<T>(
  items: Iterable<T>,
  topicOf: (item: T) => string | undefined,
  nodes: readonly string[],
  only?: (owner: string, topic: string) => boolean,
): Map<string, T[]> {
  const out = new Map<string, T[]>();
  if (nodes.length === 0) return out;
  for (const item of items) {
    const topic = topicOf(item);
    if (topic === undefined) continue;
    const owner = ownerOf(topic, nodes)!;
    if (only !== undefined && !only(owner, topic)) continue;
    const list = out.get(owner);
    if (list === undefined) out.set(owner, [item]);
    else list.push(item);
  }
  return out;
}
