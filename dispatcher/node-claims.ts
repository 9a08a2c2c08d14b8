/**
 * Which live link holds each node id a dispatcher knows (the cluster router's identity rule).
 *
 * A node id is bound to its first live link. A later link claiming an id that has a live link
 * is refused when it claims another role or dc, or comes from the same side (dialed, accepted)
 * as a live one. The one pair allowed is a peer dispatcher's accepted link plus the link this
 * node dialed to it (two dispatchers that list each other). The id is free again once its links
 * are down.
 *
 * Why refuse the newcomer instead of letting it replace the old link: both proved the same
 * cluster-wide secret (or, with insecure loopback links, none), so a claim alone cannot tell
 * a gateway relinking from another process reusing its id (every client sees it in
 * `hello.node`); keeping the live link never hands an impostor the stream. A gateway that
 * relinks before its old connection is seen closed waits at most that link's silence timeout
 * (3 s) and its backoff.
 */
import type { LinkEndpoint } from './link';

export class NodeClaims {
  private readonly byNode = new Map<string, LinkEndpoint[]>();

  /** The live link that keeps `ep` from holding its node id, if any. */
  conflictOf(ep: LinkEndpoint): LinkEndpoint | undefined {
    return this.byNode
      .get(ep.peer.node)
      ?.find((l) => l.peer.role !== ep.peer.role || l.peer.dc !== ep.peer.dc || l.side === ep.side);
  }

  add(ep: LinkEndpoint): void {
    const links = this.byNode.get(ep.peer.node);
    if (links === undefined) this.byNode.set(ep.peer.node, [ep]);
    else links.push(ep);
  }

  /** False when `ep` held no claim (it was refused, or already removed). */
  remove(ep: LinkEndpoint): boolean {
    const links = this.byNode.get(ep.peer.node);
    const i = links?.indexOf(ep) ?? -1;
    if (i < 0) return false;
    links!.splice(i, 1);
    if (links!.length === 0) this.byNode.delete(ep.peer.node);
    return true;
  }

  holds(ep: LinkEndpoint): boolean {
    return this.byNode.get(ep.peer.node)?.includes(ep) ?? false;
  }
}
