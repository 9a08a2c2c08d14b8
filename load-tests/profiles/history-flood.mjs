// The issue 8 probe: one publisher sends 1 MiB events, each to a new topic, as fast as the node
// acks them. Prints the node's RSS and held history (admin `stats`) as it goes.
//   npm run build --silent && node load-tests/profiles/history-flood.mjs [events=3000] [extra troupe flags...]
// Before --history-max-bytes the node held every event (count and age bounds only) and V8
// aborted near its heap limit; with it, RSS levels off at about the cap plus the node's own.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dist = join(fileURLToPath(import.meta.url), '../../../dist');
const { encodeFrame, FrameDecoder, decodePayload } = await import(join(dist, 'protocol/index.js'));
const events = Number(process.argv[2] ?? 3000);
const admin = join(mkdtempSync(join(tmpdir(), 'flood-')), 'admin.sock');
const args = ['start', '--port', '0', '--publish-port', '0', '--admin', admin];
const proc = spawn(
  process.execPath,
  [join(dist, 'bin/troupe.js'), ...args, ...process.argv.slice(3)],
  {
    stdio: ['ignore', 'pipe', 'inherit'],
  },
);
const port = await new Promise((resolve) => {
  let buf = '';
  proc.stdout.on('data', (b) => {
    buf += b;
    const m = /listening publish [^:]+:(\d+)/.exec(buf);
    if (m && buf.includes('listening admin')) resolve(Number(m[1]));
  });
});
const stats = () =>
  new Promise((resolve, reject) => {
    const s = net.connect(admin);
    let buf = '';
    s.on('data', (b) => {
      buf += b;
      if (buf.includes('\n')) {
        s.end();
        resolve(JSON.parse(buf).stats);
      }
    });
    s.on('error', reject);
    s.write('{"cmd":"stats"}\n');
  });
const sock = net.connect(port, '127.0.0.1');
await new Promise((r) => sock.once('connect', r));
const dec = new FrameDecoder(1 << 20);
let acked = -1;
let wake = () => undefined;
sock.on('data', (c) => {
  for (const p of dec.push(c)) acked = Math.max(acked, decodePayload(p).id ?? acked);
  wake();
});
const died = new Promise((r) => proc.on('exit', (code, sig) => r(`exited ${code ?? sig}`)));
const data = new Uint8Array(1024 * 1024 - 200).fill(1);
const mib = (n) => (n / 2 ** 20).toFixed(0);
const t0 = performance.now();
let peak = 0;
for (let i = 0; i < events; i++) {
  sock.write(encodeFrame({ op: 'pub', topic: `flood:${i}`, data, id: i }));
  if (i % 100 === 99 || i === events - 1) {
    while (acked < i) {
      const r = await Promise.race([new Promise((w) => (wake = w)), died]);
      if (typeof r === 'string') {
        console.log(
          `after ${i + 1} events (${((performance.now() - t0) / 1000).toFixed(1)} s): node ${r}`,
        );
        process.exit(1);
      }
    }
    const s = await stats();
    peak = Math.max(peak, s.memory.rss);
    if (i % 500 === 499 || i === events - 1)
      console.log(
        `${i + 1} events, ${((performance.now() - t0) / 1000).toFixed(1)} s: rss ${mib(s.memory.rss)} MiB, ` +
          `heapUsed ${mib(s.memory.heapUsed)} MiB, history ${mib(s.dispatcher.historyBytes ?? 0)} MiB ` +
          `(${s.dispatcher.historyEvents ?? '?'} events, ${s.dispatcher.topics} topics), evictions ${s.dispatcher.historyEvictions ?? '?'}`,
      );
  }
}
console.log(`peak rss ${mib(peak)} MiB; node alive: ${proc.exitCode === null}`);
sock.end();
proc.kill('SIGTERM');
