import type { TreeNode } from './admin-target';

/**
 * Cuts a tree at `depth` levels below its root, replacing deeper `children` by `childCount`.
 * The target is asked for the same depth; pruning again here keeps the admin answer within the
 * contract (and its size bounded) whatever the target returns.
 */
export function pruneTree(node: TreeNode, depth: number): TreeNode {
  const { children, ...rest } = node;
  if (children === undefined) return { ...rest };
  if (depth <= 0) {
    return { ...rest, childCount: Math.max(rest.childCount ?? 0, children.length) };
  }
  return { ...rest, children: children.map((child) => pruneTree(child, depth - 1)) };
}
