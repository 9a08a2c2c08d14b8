// CPU per TCP connect() as the connections from one source address grow (RESULTS.md, "The
// generator's connect cost"): a listener in a child process, this process connecting one at a
// time, loopback only, bounded by N (under this machine's 20,000 open files per process).
//   node load-tests/profiles/connect-cost.mjs [N=15000] [sources=127.0.0.5]
//   node load-tests/profiles/connect-cost.mjs 15000 127.0.0.6,127.0.0.7,127.0.0.8,127.0.0.9
import { fork } from 'node:child_process';
import * as net from 'node:net';

const EVERY = 3000;

if (process.argv[2] === '--listen') {
  const held = [];
  const server = net.createServer((s) => {
    held.push(s);
    s.on('error', () => undefined);
  });
  server.listen(0, '127.0.0.1', () => process.send?.(server.address().port));
  process.on('disconnect', () => process.exit(0));
} else {
  const n = Math.min(18_000, Number(process.argv[2] ?? 15_000));
  const sources = (process.argv[3] ?? '127.0.0.5').split(',');
  if (!sources.every((a) => a.startsWith('127.'))) throw new Error('loopback sources only');
  const child = fork(new URL(import.meta.url).pathname, ['--listen']);
  const port = await new Promise((resolve) => child.once('message', resolve));
  const sockets = [];
  let cpu = process.cpuUsage();
  let t = performance.now();
  for (let i = 0; i < n; i++) {
    await new Promise((resolve, reject) => {
      const s = net.connect({ host: '127.0.0.1', port, localAddress: sources[i % sources.length] });
      s.once('connect', resolve);
      s.once('error', reject);
      sockets.push(s);
    });
    if ((i + 1) % EVERY === 0) {
      const used = process.cpuUsage(cpu);
      cpu = process.cpuUsage();
      const now = performance.now();
      const ms = (us) => (us / EVERY / 1000).toFixed(3);
      console.log(
        `${i + 1}: ${((now - t) / EVERY).toFixed(3)} ms/conn wall, ` +
          `${ms(used.user + used.system)} ms/conn cpu (sys ${ms(used.system)})`,
      );
      t = now;
    }
  }
  for (const s of sockets) s.destroy();
  child.disconnect();
}
