/**
 * `troupe admin tree --all`: every actor down to the depth, read page by page so that no single
 * answer lists more than MAX_TREE_LIMIT children of a node: the path's children first, then each
 * wide node the answer only summarised (`childKinds` without `children`) by its own path.
 * Each page is a fresh snapshot, so actors that come or go meanwhile may be missed or listed
 * twice; the pages of a node stop at the count the first one gave, or at the first short page.
 */
import {
  DEFAULT_TREE_DEPTH,
  DEFAULT_TREE_PATH,
  MAX_TREE_LIMIT,
  type AdminAnswer,
} from './admin-protocol';
import { adminRequest } from './admin-request';
import type { TreeNode } from './admin-target';

type Ask = (path: string, depth: number, page: number) => Promise<AdminAnswer>;

export async function readAllPages(
  admin: string,
  request: Record<string, unknown>,
  timeoutMs: number,
): Promise<AdminAnswer> {
  const ask: Ask = (path, depth, page) =>
    adminRequest(admin, { cmd: 'tree', path, depth, page, limit: MAX_TREE_LIMIT }, timeoutMs);
  const path = typeof request.path === 'string' ? request.path : DEFAULT_TREE_PATH;
  const depth = typeof request.depth === 'number' ? request.depth : DEFAULT_TREE_DEPTH;
  return readNode(ask, path, depth);
}

async function readNode(ask: Ask, path: string, depth: number): Promise<AdminAnswer> {
  const first = await ask(path, depth, 1);
  if (!first.ok) return first;
  const root = first.tree as TreeNode;
  const children = [...(root.children ?? [])];
  if (root.childKinds !== undefined) {
    const total = root.childCount ?? children.length;
    let last = children.length;
    for (let page = 2; children.length < total && last === MAX_TREE_LIMIT; page++) {
      const next = await ask(path, depth, page);
      if (!next.ok) return next;
      const more = (next.tree as TreeNode).children ?? [];
      children.push(...more);
      last = more.length;
    }
  }
  for (let i = 0; i < children.length; i++) {
    const child = children[i]!;
    if (child.childKinds === undefined || child.children !== undefined || depth < 1) continue;
    const full = await readNode(ask, child.path, depth - 1);
    // Gone meanwhile: keep its summary.
    if (full.ok) children[i] = full.tree as TreeNode;
  }
  const tree: TreeNode = { ...root, children };
  // Every child is listed: the answer is no longer one page.
  delete tree.childKinds;
  delete tree.page;
  delete tree.limit;
  if (root.childCount !== undefined) tree.childCount = children.length;
  return { ok: true, tree };
}
