import type { TreeNode } from './admin-target';

/**
 * Summarises wide nodes of an admin tree (issue 13: 1,000 connections must not print 1,007
 * lines). A node with more than `limit` children keeps only one page of them and says what
 * the rest are: `childCount` (all of them) and `childKinds` (how many of each kind). The node at
 * the requested path is paged by `page` (1-based) and lists that page; a deeper wide node lists
 * none of its children, only the summary (4 topic routers of 250 connections each would
 * otherwise still print 80 lines), and `--path` (or `--all`) reaches them. A node within the
 * limit is answered exactly as before (§4).
 */
export interface TreePage {
  /** Children listed per node at most. */
  limit: number;
  /** Which page of the root's children, 1-based. */
  page: number;
}

/** Counts of each kind among `nodes`, the most numerous first. */
export function kindCounts(nodes: readonly TreeNode[]): Record<string, number> {
  const counts = new Map<string, number>();
  for (const n of nodes) counts.set(n.kind, (counts.get(n.kind) ?? 0) + 1);
  return Object.fromEntries([...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)));
}

export function pageTree(node: TreeNode, { limit, page }: TreePage): TreeNode {
  return pageNode(node, limit, page);
}

/** `page` is undefined below the root: a wide node there is summarised without children. */
function pageNode(node: TreeNode, limit: number, page: number | undefined): TreeNode {
  const { children, ...rest } = node;
  if (children === undefined) return { ...rest };
  const total = Math.max(rest.childCount ?? 0, children.length);
  const inner = (c: TreeNode) => pageNode(c, limit, undefined);
  if (total <= limit && children.length === total)
    return { ...rest, children: children.map(inner) };
  if (page === undefined) return { ...rest, childCount: total, childKinds: kindCounts(children) };
  const start = (page - 1) * limit;
  return {
    ...rest,
    childCount: total,
    childKinds: kindCounts(children),
    page,
    limit,
    children: children.slice(start, start + limit).map(inner),
  };
}
