/**
 * `troupe admin tree --all`: every child of the node at the path, read page by page so that
 * no single answer is larger than MAX_TREE_LIMIT children. Children that come or go between
 * two pages may be missed or listed twice (each page is a fresh snapshot); the pages stop at
 * the count the first one gave, or at the first short page.
 */
import { MAX_TREE_LIMIT, type AdminAnswer } from './admin-protocol';
import { adminRequest } from './admin-request';
import type { TreeNode } from './admin-target';

export async function readAllPages(
  admin: string,
  request: Record<string, unknown>,
  timeoutMs: number,
): Promise<AdminAnswer> {
  const first = await adminRequest(
    admin,
    { ...request, page: 1, limit: MAX_TREE_LIMIT },
    timeoutMs,
  );
  if (!first.ok) return first;
  const root = first.tree as TreeNode;
  if (root.childKinds === undefined) return first;
  const children = [...(root.children ?? [])];
  const total = root.childCount ?? children.length;
  for (let page = 2; children.length < total; page++) {
    const next = await adminRequest(admin, { ...request, page, limit: MAX_TREE_LIMIT }, timeoutMs);
    if (!next.ok) return next;
    const more = (next.tree as TreeNode).children ?? [];
    children.push(...more);
    if (more.length < MAX_TREE_LIMIT) break;
  }
  const tree: TreeNode = { ...root, childCount: children.length, children };
  // Every child is listed: the answer is no longer one page.
  delete tree.childKinds;
  delete tree.page;
  delete tree.limit;
  return { ok: true, tree };
}
