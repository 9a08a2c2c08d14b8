/**
 * The admin view of the tree: plain `ActorNode` objects, safe to serialize. Depth-limited so
 * that asking for "/user" on a node with 100k connection actors does not build 100k nodes:
 * past the depth a node carries only its `childCount`.
 */
import type { ActorCell } from './actor-cell';
import { splitPath } from './actor-path';
import type { ActorNode } from './types';

export function snapshotOf(cell: ActorCell<unknown>, depth: number): ActorNode {
  const node: ActorNode = {
    path: cell.path,
    name: cell.name,
    kind: cell.kind,
    status: cell.status,
    mailbox: cell.mailboxSize,
    processed: cell.processed,
    restarts: cell.restarts,
  };
  if (cell.childCount === 0) return node;
  if (depth <= 0) {
    node.childCount = cell.childCount;
  } else {
    node.children = [];
    for (const child of cell.childCells()) node.children.push(snapshotOf(child, depth - 1));
  }
  return node;
}

/** Walks from `root` (whose path is "/<root.name>") down the segments of `path`. */
export function findCell(root: ActorCell<unknown>, path: string): ActorCell<unknown> | undefined {
  const segments = splitPath(path);
  if (segments === undefined || segments[0] !== root.name) return undefined;
  let cell: ActorCell<unknown> | undefined = root;
  for (let i = 1; i < segments.length && cell !== undefined; i++)
    cell = cell.childCell(segments[i]);
  return cell;
}

/** Sum of queued messages below and including `cell` (admin only: walks the whole subtree). */
export function mailboxTotal(cell: ActorCell<unknown>): number {
  let total = cell.mailboxSize;
  for (const child of cell.childCells()) total += mailboxTotal(child);
  return total;
}
