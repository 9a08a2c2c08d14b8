import { actor } from '../testing/fake-admin-target';
import { pruneTree } from './prune-tree';

describe(pruneTree, () => {
  const tree = actor('/user', 'guardian', [actor('/user/a', 'x', [actor('/user/a/b', 'y', [])])]);

  it('keeps children down to depth and counts them past it', () => {
    const pruned = pruneTree(tree, 1);
    expect(pruned.children![0]).toEqual({ ...actor('/user/a', 'x'), childCount: 1 });
  });

  it('reduces the root to a count at depth 0', () => {
    expect(pruneTree(tree, 0)).toEqual({ ...actor('/user', 'guardian'), childCount: 1 });
  });

  it('keeps a larger childCount given by the target', () => {
    const partial = { ...tree, childCount: 500 };
    expect(pruneTree(partial, 0).childCount).toBe(500);
    expect(pruneTree(partial, 5).childCount).toBe(500);
  });

  it('leaves a tree within the depth as it was, without mutating it', () => {
    const before = JSON.stringify(tree);
    expect(pruneTree(tree, 3)).toEqual(tree);
    pruneTree(tree, 0);
    expect(JSON.stringify(tree)).toBe(before);
  });
});
