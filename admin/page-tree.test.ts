import { actor, wideTree } from '../testing/fake-admin-target';
import { kindCounts, pageTree } from './page-tree';

describe(pageTree, () => {
  const gatewayOf = (root: ReturnType<typeof wideTree>) => root.children![0]!;

  it('leaves a node within the page size as it was (children, no summary)', () => {
    const tree = wideTree(18);
    expect(pageTree(tree, { limit: 20, page: 1 })).toEqual(tree);
  });

  it('summarises a wide node: kind counts, the first page, and the total', () => {
    const gw = pageTree(gatewayOf(wideTree(998)), { limit: 20, page: 1 });
    expect(gw.childCount).toBe(1000);
    expect(gw.childKinds).toEqual({ connection: 998, 'topic-router': 2 });
    expect(gw.children).toHaveLength(20);
    expect(gw.children![0]!.name).toBe('router-0');
    expect(gw).toMatchObject({ page: 1, limit: 20 });
  });

  it('pages the root and summarises deeper wide nodes without their children', () => {
    const gw = pageTree(gatewayOf(wideTree(45)), { limit: 10, page: 5 });
    expect(gw.children!.map((c) => c.name)).toEqual(
      Array.from({ length: 7 }, (_, i) => `conn-${38 + i}`),
    );
    const root = pageTree(wideTree(45), { limit: 10, page: 5 });
    // The root (/user) has one child: within the page; its wide gateway is only summarised.
    expect(gatewayOf(root)).toEqual({
      ...actor('/user/gateway', 'gateway'),
      childCount: 47,
      childKinds: { connection: 45, 'topic-router': 2 },
    });
  });

  it('answers an empty page past the last one', () => {
    const gw = pageTree(gatewayOf(wideTree(30)), { limit: 10, page: 9 });
    expect(gw.children).toEqual([]);
    expect(gw.childCount).toBe(32);
  });

  it('keeps a larger childCount given by the target', () => {
    const partial = { ...actor('/user/a', 'x', [actor('/user/a/b', 'y')]), childCount: 50 };
    expect(pageTree(partial, { limit: 20, page: 1 })).toMatchObject({ childCount: 50 });
  });
});

describe(kindCounts, () => {
  it('counts kinds, the most numerous first, ties by name', () => {
    const nodes = [actor('/a', 'y'), actor('/b', 'x'), actor('/c', 'z'), actor('/d', 'z')];
    expect(Object.entries(kindCounts(nodes))).toEqual([
      ['z', 2],
      ['x', 1],
      ['y', 1],
    ]);
  });
});
