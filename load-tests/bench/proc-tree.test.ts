import { spawn } from 'node:child_process';
import { descendantsOf, parsePpid, parseVmRssBytes, treePids, treeRssBytes } from './proc-tree';

describe('proc-tree', () => {
  describe('#parsePpid', () => {
    it('reads the parent pid even when the command name holds spaces and parens', () => {
      expect(parsePpid('4242 (node (x) y) S 17 4242 4242 0 -1 4194560')).toBe(17);
    });
  });

  describe('#parseVmRssBytes', () => {
    it('converts the kB figure to bytes', () => {
      expect(parseVmRssBytes('Name:\tnode\nVmRSS:\t   51200 kB\nRssAnon:\t1 kB\n')).toBe(
        51200 * 1024,
      );
    });

    it('gives 0 when the line is absent', () => {
      expect(parseVmRssBytes('Name:\tkthreadd\n')).toBe(0);
    });
  });

  describe('#descendantsOf', () => {
    it('collects the whole subtree and nothing else', () => {
      const parents = new Map([
        [10, 1],
        [11, 10],
        [12, 10],
        [13, 12],
        [20, 1],
      ]);
      expect(descendantsOf(10, parents).sort()).toEqual([10, 11, 12, 13]);
    });
  });

  describe('#treeRssBytes', () => {
    it('gives a positive figure for this process and null for a pid that does not exist', () => {
      expect(treeRssBytes(process.pid)).toBeGreaterThan(0);
      expect(treeRssBytes(2 ** 22 + 1)).toBeNull();
    });
  });

  describe('#treePids', () => {
    it('lists this process and a child it started, null for a pid that does not exist', async () => {
      const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 10000)']);
      try {
        const pids = treePids(process.pid);
        expect(pids?.[0]).toBe(process.pid);
        expect(pids).toContain(child.pid);
        expect(treePids(2 ** 22 + 1)).toBeNull();
      } finally {
        child.kill('SIGKILL');
        await new Promise((r) => child.once('exit', r));
      }
    });
  });
});
