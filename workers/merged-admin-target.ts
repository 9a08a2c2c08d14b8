/**
 * The admin target of a node run with `--workers N`: the main's own actors (the dispatcher of a
 * standalone node; nothing for a gateway node) plus every worker's, under `/workers`
 * (worker-paths.ts). Requests for a worker's actors are forwarded to it over comedy.
 *
 *   tree /  or /user         main tree + /workers/worker-<i>/... (each worker's /user)
 *   tree|inspect|stop /workers/worker-<i>/...   forwarded to worker i
 *   stats                    main stats + workers: [{index, pid, up, respawns, ...}] + totals
 *   drain                    every worker and the main; answers the clients left (all workers)
 *   undrain                  every worker and the main
 */
import type { AdminTarget, TreeNode } from '../admin/admin-target';
import type { WorkerPool } from './worker-pool';
import { WorkerTopic } from './worker-protocol';
import {
  fromWorkerInspect,
  fromWorkerTree,
  toWorkerPath,
  WORKERS_PATH,
  workersNode,
  workerPath,
  type WorkerView,
} from './worker-paths';

export interface MergedAdminOptions {
  /** The main's own node; absent for a gateway node, whose main only supervises. */
  main: AdminTarget | undefined;
  /** The pool, or a fake of it in tests. */
  pool: Pick<WorkerPool, 'slots' | 'ask' | 'seen'>;
  nodeId: string;
  role: string;
  /** Starts the drain of every worker and the main. */
  drain: () => void;
  /** Ends it; `false` when the node was not draining. */
  undrain: () => Promise<boolean>;
}

const DEFAULT_PATH = '/user';
/** Gateway stats summed into `totals`. */
const TOTALS = ['connections', 'subscriptions', 'eventsIn', 'deliveries', 'framesOut'] as const;

export function mergedAdminTarget(opts: MergedAdminOptions): AdminTarget {
  const { main, pool } = opts;

  /** Each worker's /user tree `depth` levels deep; a worker that does not answer shows as down. */
  const views = (depth: number): Promise<WorkerView[]> =>
    Promise.all(
      pool.slots.map(async (slot): Promise<WorkerView> => {
        const tree = await pool
          .ask(slot.index, WorkerTopic.Tree, { path: DEFAULT_PATH, depth })
          .catch(() => null);
        return {
          index: slot.index,
          pid: slot.pid,
          respawns: slot.respawns,
          tree: tree ?? undefined,
        };
      }),
    );

  /** `/workers` as a node `level` levels below the requested root. */
  const workersAt = async (level: number, depth: number): Promise<TreeNode> =>
    depth - level <= 0
      ? workersNode(pool.slots.length, undefined)
      : workersNode(pool.slots.length, await views(depth - level - 1));

  const mainRoot = async (path: string, depth: number): Promise<TreeNode | undefined> => {
    if (main !== undefined) return main.tree(path, depth);
    // A gateway node's main has no actors of its own: an empty root to hang /workers on.
    return {
      path,
      name: path === '/' ? '' : path.slice(1),
      kind: 'node',
      status: 'running',
      mailbox: 0,
      processed: 0,
      restarts: 0,
      children: [],
    };
  };

  const mergedStats = async () => {
    const own = main === undefined ? { node: opts.nodeId } : await main.stats();
    const workers = await Promise.all(
      pool.slots.map(async (slot) => {
        const head = () => ({
          index: slot.index,
          pid: slot.pid,
          up: slot.up,
          respawns: slot.respawns,
        });
        try {
          const s = await pool.ask(slot.index, WorkerTopic.Stats, {});
          // The answer may be the first news of a respawn: count it before reporting.
          if (typeof s.pid === 'number') pool.seen(slot, { pid: s.pid });
          const gateway = (s.gateway ?? {}) as Record<string, unknown>;
          return { ...s, ...pick(gateway, TOTALS), ...head(), path: workerPath(slot.index) };
        } catch (err) {
          return {
            ...head(),
            up: false,
            error: err instanceof Error ? err.message : String(err),
          };
        }
      }),
    );
    const totals: Record<string, number> = {};
    for (const key of TOTALS) {
      totals[key] = workers.reduce((sum, w) => sum + num((w as Record<string, unknown>)[key]), 0);
    }
    return { ...own, role: opts.role, workers, totals };
  };

  return {
    async tree(path = DEFAULT_PATH, depth = 3) {
      if (path === WORKERS_PATH) return workersAt(0, depth);
      const w = toWorkerPath(path);
      if (w !== undefined) {
        if (pool.slots[w.index] === undefined) return undefined;
        const tree = await pool.ask(w.index, WorkerTopic.Tree, { path: w.inner, depth });
        return tree === null ? undefined : fromWorkerTree(w.index, tree);
      }
      if (path !== '/' && path !== DEFAULT_PATH) return main?.tree(path, depth);
      const root = await mainRoot(path, depth);
      if (root === undefined) return undefined;
      if (depth <= 0) return { ...root, childCount: (root.childCount ?? 0) + 1 };
      return { ...root, children: [...(root.children ?? []), await workersAt(1, depth)] };
    },

    stats: () => mergedStats(),

    async inspect(path) {
      const w = toWorkerPath(path);
      if (w === undefined) return main?.inspect(path);
      if (pool.slots[w.index] === undefined) return undefined;
      const answer = await pool.ask(w.index, WorkerTopic.Inspect, { path: w.inner });
      if (answer === null) return undefined;
      return { ...fromWorkerInspect(w.index, answer), pid: pool.slots[w.index]?.pid };
    },

    async stop(path) {
      const w = toWorkerPath(path);
      if (w === undefined) return main?.stop(path) ?? false;
      if (w.inner === DEFAULT_PATH)
        throw new Error(`refusing to stop ${path}, a worker's root; use drain to stop the node`);
      if (pool.slots[w.index] === undefined) return false;
      return pool.ask(w.index, WorkerTopic.StopActor, { path: w.inner });
    },

    async drain() {
      opts.drain();
      const { totals } = await mergedStats();
      return { clients: totals.connections ?? 0 };
    },

    undrain: () => opts.undrain(),
  };
}

function pick(from: Record<string, unknown>, keys: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of keys) out[k] = num(from[k]);
  return out;
}

const num = (v: unknown): number => (typeof v === 'number' ? v : 0);
