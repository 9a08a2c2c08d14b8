import { actor, sampleTree } from '../testing/fake-admin-target';
import {
  fromWorkerInspect,
  fromWorkerPath,
  fromWorkerTree,
  toWorkerPath,
  workerNode,
  workersNode,
} from './worker-paths';

describe('worker paths', () => {
  describe('#toWorkerPath', () => {
    it("maps /workers/worker-<i>/... onto the worker's /user", () => {
      expect(toWorkerPath('/workers/worker-3')).toEqual({ index: 3, inner: '/user' });
      expect(toWorkerPath('/workers/worker-0/gateway/router-1')).toEqual({
        index: 0,
        inner: '/user/gateway/router-1',
      });
    });

    it('is undefined outside a worker', () => {
      for (const p of ['/user', '/workers', '/workers/worker-', '/workers/worker-x/a', '/'])
        expect(toWorkerPath(p)).toBeUndefined();
    });
  });

  describe('#fromWorkerPath', () => {
    it('is the inverse of toWorkerPath under /user', () => {
      const p = '/workers/worker-1/gateway/router-0/conn-9';
      const w = toWorkerPath(p)!;
      expect(fromWorkerPath(w.index, w.inner)).toBe(p);
    });
  });

  describe('#fromWorkerTree', () => {
    it('renames every path and marks the worker root', () => {
      const t = fromWorkerTree(2, sampleTree());
      expect(t).toMatchObject({
        path: '/workers/worker-2',
        name: 'worker-2',
        kind: 'gateway-worker',
      });
      expect(t.children![0]!.path).toBe('/workers/worker-2/gateway');
      expect(t.children![0]!.children![0]!.children![0]!.path).toBe(
        '/workers/worker-2/gateway/router-0/conn-1',
      );
    });
  });

  describe('#workerNode', () => {
    it('shows a worker that did not answer as a down leaf with its pid and respawns', () => {
      expect(workerNode({ index: 1, pid: 42, respawns: 2, tree: undefined })).toMatchObject({
        path: '/workers/worker-1',
        status: 'down',
        restarts: 2,
        pid: 42,
      });
    });
  });

  describe('#workersNode', () => {
    it('gives only childCount when not expanded', () => {
      const n = workersNode(3, undefined);
      expect(n.childCount).toBe(3);
      expect(n.children).toBeUndefined();
    });

    it('lists one node per worker when expanded', () => {
      const n = workersNode(1, [
        { index: 0, pid: 7, respawns: 0, tree: actor('/user', 'guardian') },
      ]);
      expect(n.children!.map((c) => c.path)).toEqual(['/workers/worker-0']);
    });
  });

  describe('#fromWorkerInspect', () => {
    it('rewrites the path of the answer', () => {
      expect(fromWorkerInspect(0, { path: '/user/gateway', x: 1 })).toEqual({
        path: '/workers/worker-0/gateway',
        x: 1,
      });
    });
  });
});
