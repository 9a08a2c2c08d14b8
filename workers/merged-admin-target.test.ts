import type { TreeNode } from '../admin/admin-target';
import { actor, FakeAdminTarget } from '../testing/fake-admin-target';
import { mergedAdminTarget, type MergedAdminOptions } from './merged-admin-target';
import type { WorkerSlot } from './worker-pool';
import { WorkerTopic, type PathRequest, type TreeRequest } from './worker-protocol';

type FakePool = MergedAdminOptions['pool'];

/** Two workers answering from FakeAdminTargets, as the real ones answer over comedy. */
function fakePool(workers: FakeAdminTarget[], down = new Set<number>()): FakePool {
  const slots: WorkerSlot[] = workers.map((_, index) => ({
    index,
    actor: { name: `worker-${index}` },
    pid: 1000 + index,
    up: !down.has(index),
    respawns: 0,
  }));
  const ask = async (index: number, topic: string, payload: object): Promise<unknown> => {
    const w = workers[index]!;
    if (down.has(index)) throw new Error('Actor crashed, no interaction possible.');
    switch (topic) {
      case WorkerTopic.Tree: {
        const r = payload as TreeRequest;
        return (await w.tree(r.path, r.depth)) ?? null;
      }
      case WorkerTopic.Stats:
        return { gateway: { connections: 2 + index }, pid: 1000 + index };
      case WorkerTopic.Inspect:
        return (await w.inspect((payload as PathRequest).path)) ?? null;
      case WorkerTopic.StopActor:
        return w.stop((payload as PathRequest).path);
      default:
        return true;
    }
  };
  const seen: FakePool['seen'] = (slot, info) => {
    if (slot.pid !== info.pid) slot.respawns += 1;
    slot.pid = info.pid;
    slot.up = true;
  };
  return { slots, ask: ask as FakePool['ask'], seen };
}

function setup(down?: Set<number>) {
  const main = new FakeAdminTarget();
  main.root = actor('/user', 'guardian', [actor('/user/dispatcher', 'dispatcher')]);
  const workers = [new FakeAdminTarget(), new FakeAdminTarget()];
  const drain = jest.fn();
  const undrain = jest.fn(async () => true);
  const pool = fakePool(workers, down);
  const target = mergedAdminTarget({
    main,
    pool,
    nodeId: 'n1',
    role: 'standalone',
    drain,
    undrain,
  });
  return { main, workers, target, drain, undrain, pool };
}

const paths = (n: TreeNode | undefined): string[] =>
  n === undefined ? [] : [n.path, ...(n.children ?? []).flatMap(paths)];

describe('mergedAdminTarget', () => {
  describe('#tree', () => {
    it('hangs every worker /user tree under /workers next to the main tree', async () => {
      const { target } = setup();
      const t = await target.tree('/user', 4);
      const all = paths(t);
      expect(all).toContain('/user/dispatcher');
      expect(all).toContain('/workers/worker-0/gateway/router-0');
      expect(all).toContain('/workers/worker-1/presence');
    });

    it('forwards a worker path with the worker-side path and renames the answer', async () => {
      const { target, workers } = setup();
      const t = await target.tree('/workers/worker-1/gateway', 2);
      expect(workers[1]!.calls).toEqual(['tree /user/gateway 2']);
      expect(t?.path).toBe('/workers/worker-1/gateway');
    });

    it('shows a worker that does not answer as down', async () => {
      const { target } = setup(new Set([0]));
      const t = await target.tree('/workers', 2);
      expect(t?.children?.map((c) => c.status)).toEqual(['down', 'running']);
    });

    it('has no actor at an unknown worker', async () => {
      const { target } = setup();
      expect(await target.tree('/workers/worker-7', 1)).toBeUndefined();
    });
  });

  describe('#stats', () => {
    it('lists the workers with their pids and sums their connections', async () => {
      const { target } = setup();
      const s = await target.stats();
      expect(s.workers).toMatchObject([
        { index: 0, pid: 1000, connections: 2 },
        { index: 1, pid: 1001, connections: 3 },
      ]);
      expect(s.totals).toMatchObject({ connections: 5 });
    });

    it('counts a respawn that a stats answer is the first to show', async () => {
      const { target, pool } = setup();
      pool.slots[0]!.pid = 999;
      const s = await target.stats();
      expect(s.workers).toMatchObject([{ index: 0, pid: 1000, respawns: 1 }, { respawns: 0 }]);
    });
  });

  describe('#inspect and #stop', () => {
    it('forward worker paths to the worker that owns them', async () => {
      const { target, workers, main } = setup();
      const ins = await target.inspect('/workers/worker-0/gateway');
      expect(ins).toMatchObject({ path: '/workers/worker-0/gateway', pid: 1000 });
      expect(await target.stop('/workers/worker-1/gateway/router-1')).toBe(true);
      expect(workers[1]!.calls).toEqual(['stop /user/gateway/router-1']);
      expect(await target.stop('/user/dispatcher')).toBe(true);
      expect(main.calls).toEqual(['stop /user/dispatcher']);
    });

    it("refuses to stop a worker's root", async () => {
      const { target } = setup();
      await expect(target.stop('/workers/worker-0')).rejects.toThrow(/use drain/);
    });
  });

  describe('#drain', () => {
    it('starts the node drain and answers the clients of every worker still connected', async () => {
      const { target, drain } = setup();
      expect(await target.drain()).toEqual({ clients: 2 + 3 });
      expect(drain).toHaveBeenCalledTimes(1);
    });

    it('counts no clients of a worker that does not answer', async () => {
      const { target } = setup(new Set([1]));
      expect(await target.drain()).toEqual({ clients: 2 });
    });
  });

  describe('#undrain', () => {
    it('ends the node drain and says whether there was one', async () => {
      const { target, undrain } = setup();
      expect(await target.undrain()).toBe(true);
      expect(undrain).toHaveBeenCalledTimes(1);
    });
  });
});
