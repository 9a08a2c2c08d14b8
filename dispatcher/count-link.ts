/**
 * Viewer-count link messages as the cluster router hands them to its count owner: who sent
 * them decides what they mean (a gateway's report is in its own name; an `xcount` from another
 * datacenter may still go on to this datacenter's owner, one from a peer of this one may not).
 */
import type { CountMsg, CountSink, CountView } from './count-owner';
import type { LinkEndpoint } from './link';
import type { LinkMsg } from './link-messages';

type CountLinkMsg = Extract<LinkMsg, { op: 'count-report' | 'count-q' | 'xcount' }>;

export function countMsgOf(ep: LinkEndpoint, msg: CountLinkMsg, dc: string): CountMsg {
  const gateway = ep.peer.node;
  switch (msg.op) {
    case 'count-report':
      return { type: 'report', gateway, items: msg.items };
    case 'count-q': {
      const rid = msg.rid;
      return {
        type: 'query',
        gateway,
        topic: msg.topic,
        n: msg.n,
        reply: (n) => void ep.send({ op: 'count-r', rid, n }),
      };
    }
    case 'xcount':
      return { type: 'xcount', origin: msg.origin, items: msg.items, relay: ep.peer.dc !== dc };
  }
}

/** Where the owner sends a gateway the counts of its topics: that gateway's link. */
export function countSinkOf(ep: LinkEndpoint): CountSink {
  return (items) => void ep.send({ op: 'counts', items });
}

/**
 * The count owner's copy of the router's view: the members, the link to each other member
 * (`toOwner`, the router's choice), and one link per other datacenter.
 */
export function countViewOf(
  self: string,
  members: readonly string[],
  toOwner: (node: string) => LinkEndpoint | undefined,
  dcs: ReadonlyMap<string, ReadonlySet<LinkEndpoint>>,
): CountView {
  const peers = new Map<string, LinkEndpoint>();
  for (const node of members) {
    const ep = node === self ? undefined : toOwner(node);
    if (ep !== undefined) peers.set(node, ep);
  }
  const toDcs = new Map<string, LinkEndpoint>();
  for (const [dc, set] of dcs) {
    const ep = set.values().next().value;
    if (ep !== undefined) toDcs.set(dc, ep);
  }
  return { members, peers, dcs: toDcs };
}
