import type { LinkEndpoint, LinkSide } from './link';
import type { LinkRole } from './link-messages';
import { NodeClaims } from './node-claims';

function ep(node: string, role: LinkRole, side: LinkSide, dc = 'dc1'): LinkEndpoint {
  return {
    peer: { node, role, dc },
    remote: `${node}:${side}`,
    side,
    send: () => true,
    close: () => undefined,
  };
}

describe('NodeClaims', () => {
  describe('#conflictOf', () => {
    it('lets the first link of a node id hold it', () => {
      expect(new NodeClaims().conflictOf(ep('g1', 'gateway', 'accepted'))).toBeUndefined();
    });

    it('refuses a second link of the same side, role or dc while the first is live', () => {
      const c = new NodeClaims();
      const first = ep('g1', 'gateway', 'accepted');
      c.add(first);
      expect(c.conflictOf(ep('g1', 'gateway', 'accepted'))).toBe(first);
      expect(c.conflictOf(ep('g1', 'dispatcher', 'dialed'))).toBe(first);
      expect(c.conflictOf(ep('g1', 'gateway', 'dialed', 'dc2'))).toBe(first);
    });

    it("allows a peer dispatcher's accepted link plus the one this node dialed", () => {
      const c = new NodeClaims();
      c.add(ep('d2', 'dispatcher', 'accepted'));
      expect(c.conflictOf(ep('d2', 'dispatcher', 'dialed'))).toBeUndefined();
    });

    it('frees the node id once its link is removed', () => {
      const c = new NodeClaims();
      const first = ep('g1', 'gateway', 'accepted');
      c.add(first);
      expect(c.remove(first)).toBe(true);
      expect(c.remove(first)).toBe(false);
      expect(c.holds(first)).toBe(false);
      expect(c.conflictOf(ep('g1', 'gateway', 'accepted'))).toBeUndefined();
    });
  });
});
