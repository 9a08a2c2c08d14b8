/**
 * How the main's admin socket names the actors of its worker processes.
 *
 *   main:    /workers                           (one node per worker below it)
 *            /workers/worker-<i>                = that worker's own /user
 *            /workers/worker-<i>/gateway/...    = that worker's /user/gateway/...
 *
 * Pure functions, so the mapping is tested without processes.
 */
import type { TreeNode } from '../admin/admin-target';

export const WORKERS_PATH = '/workers';
const WORKER_ROOT = '/user';
const WORKER_PATH = /^\/workers\/worker-(\d+)(\/.*)?$/;

export const workerPath = (index: number): string => `${WORKERS_PATH}/worker-${index}`;

/** A main-side path under `/workers/worker-<i>`, as the worker names it; else `undefined`. */
export function toWorkerPath(path: string): { index: number; inner: string } | undefined {
  const m = WORKER_PATH.exec(path);
  if (m === null) return undefined;
  return { index: Number(m[1]), inner: WORKER_ROOT + (m[2] ?? '') };
}

/** A worker-side path as the main names it. */
export function fromWorkerPath(index: number, inner: string): string {
  if (inner === WORKER_ROOT || inner.startsWith(WORKER_ROOT + '/'))
    return workerPath(index) + inner.slice(WORKER_ROOT.length);
  // Outside the worker's /user (its /system, say): keep it visible rather than guess.
  return workerPath(index) + '/~' + inner;
}

/** A worker's tree answer renamed into the main's namespace, recursively. */
export function fromWorkerTree(index: number, node: TreeNode): TreeNode {
  const renamed: TreeNode = { ...node, path: fromWorkerPath(index, node.path) };
  if (node.path === WORKER_ROOT) {
    renamed.name = `worker-${index}`;
    renamed.kind = 'gateway-worker';
  }
  if (node.children !== undefined)
    renamed.children = node.children.map((c) => fromWorkerTree(index, c));
  return renamed;
}

/** What the main knows of one worker when it builds the `/workers` node. */
export interface WorkerView {
  index: number;
  pid: number | undefined;
  respawns: number;
  /** The worker's /user tree, or `undefined` when it did not answer (down, respawning). */
  tree: TreeNode | undefined;
}

/** The worker's node under `/workers`: its /user tree renamed, or a `down` leaf. */
export function workerNode(view: WorkerView): TreeNode & { pid?: number } {
  const base = view.tree
    ? fromWorkerTree(view.index, view.tree)
    : {
        path: workerPath(view.index),
        name: `worker-${view.index}`,
        kind: 'gateway-worker',
        status: 'down',
        mailbox: 0,
        processed: 0,
      };
  return { ...base, restarts: view.respawns, ...(view.pid === undefined ? {} : { pid: view.pid }) };
}

/** The `/workers` node; `views` undefined means "not expanded" (depth exhausted). */
export function workersNode(count: number, views: WorkerView[] | undefined): TreeNode {
  const node: TreeNode = {
    path: WORKERS_PATH,
    name: 'workers',
    kind: 'workers',
    status: 'running',
    mailbox: 0,
    processed: 0,
    restarts: 0,
  };
  if (views === undefined) node.childCount = count;
  else node.children = views.map(workerNode);
  return node;
}

/** Rewrites the `path` of an inspect answer from a worker. */
export function fromWorkerInspect(
  index: number,
  answer: Record<string, unknown>,
): Record<string, unknown> {
  const path = answer.path;
  return typeof path === 'string' ? { ...answer, path: fromWorkerPath(index, path) } : answer;
}
