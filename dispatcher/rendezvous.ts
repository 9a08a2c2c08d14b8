/**
 * Rendezvous (highest random weight) hashing: the owner of a topic is the live dispatcher with
 * the highest hash of (dispatcher, topic). Every node that sees the same live set picks the same
 * owner with no coordination, and when one dispatcher dies only its topics move.
 */

/** FNV-1a 32-bit, then a murmur3 finalizer so similar names spread well. */
function weight(node: string, topic: string): number {
  let h = 0x811c9dc5;
  const s = `${node}\u0000${topic}`;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The owner of `topic` among `nodes` (undefined when there is none). Ties go to the smaller name. */
export function ownerOf(topic: string, nodes: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestW = -1;
  for (const n of nodes) {
    const w = weight(n, topic);
    if (w > bestW || (w === bestW && best !== undefined && n < best)) {
      best = n;
      bestW = w;
    }
  }
  return best;
}
