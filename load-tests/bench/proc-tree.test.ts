import { spawn } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import {
  descendantsOf,
  listenersOnPort,
  openFileCount,
  parsePpid,
  parseTcpExt,
  parseVmRssBytes,
  treeCpuSample,
  treePids,
  treeRssBytes,
} from './proc-tree';

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

  describe('#treeCpuSample', () => {
    it('sums the CPU seconds of a tree that burns CPU, null for a pid that does not exist', () => {
      const a = treeCpuSample(process.pid);
      const start = process.cpuUsage();
      while (process.cpuUsage(start).user < 50_000); // burn 50 ms of this process's CPU
      const b = treeCpuSample(process.pid);
      expect(b!.cpuSeconds).toBeGreaterThan(a!.cpuSeconds);
      expect(b!.rssBytes).toBeGreaterThan(0);
      expect(treeCpuSample(2 ** 22 + 1)).toBeNull();
    });
  });

  describe('#openFileCount', () => {
    it('counts one more descriptor while this process holds a file open', () => {
      const before = openFileCount(process.pid)!;
      const fd = openSync(__filename, 'r');
      try {
        expect(openFileCount(process.pid)).toBe(before + 1);
      } finally {
        closeSync(fd);
      }
      expect(openFileCount(2 ** 22 + 1)).toBeNull();
    });
  });

  describe('#listenersOnPort', () => {
    const text = [
      '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
      '   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 101 1',
      '   1: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 102 1',
      '   2: 0100007F:1F90 0200007F:9C40 01 00000000:00000000 00:00000000 00000000  1000        0 103 1',
      '   3: 0100007F:1F91 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 104 1',
      '   4: 0200007F:A1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 105 1',
    ].join('\n');

    it('counts the LISTEN sockets of that port only, not its connections or other ports', () => {
      expect(listenersOnPort(text, 8080)).toBe(2);
      expect(listenersOnPort(text, 8081)).toBe(1);
      expect(listenersOnPort(text, 9090)).toBe(0);
      expect(listenersOnPort('', 8080)).toBe(0);
    });
  });

  describe('#parseTcpExt', () => {
    it('pairs the TcpExt names with their values and leaves the other lines alone', () => {
      const text =
        'TcpExt: SyncookiesSent ListenOverflows TCPSynRetrans\nTcpExt: 0 25037 23284\n' +
        'IpExt: InNoRoutes\nIpExt: 7\n';
      expect(parseTcpExt(text)).toEqual({
        SyncookiesSent: 0,
        ListenOverflows: 25037,
        TCPSynRetrans: 23284,
      });
      expect(parseTcpExt('')).toEqual({});
    });
  });
});
