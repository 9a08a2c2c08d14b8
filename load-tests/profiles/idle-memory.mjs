// Idle memory: server VmRSS per subscribed connection at N connections (default 15k),
// opened by 2 worker processes from 127.0.0.2 and 127.0.0.3, each connection `sub`bed to one
// topic. Prints before/after RSS and KB per connection; also the connect+subscribe rate.
//   node load-tests/profiles/idle-memory.mjs [conns=15000] [runs=3]
import { fork, spawn } from 'node:child_process';
import { readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const self = fileURLToPath(import.meta.url);
const dist = join(self, '../../../dist');

if (process.argv[2] === '--worker') {
  const [, , , host, port, source, count] = process.argv;
  const { RawWsClient } = await import(join(dist, 'load-tests/generator/ws-client.js'));
  const { packr } = await import(join(dist, 'load-tests/generator/framing.js'));
  const sub = packr.pack({ op: 'sub', id: 1, topic: 'idle' });
  const clients = [];
  let acked = 0;
  let closed = 0;
  const open = (i) =>
    new Promise((resolve) => {
      const c = new RawWsClient(
        {
          host,
          port: Number(port),
          path: '/v1/ws',
          protocol: 'troupe.v1.msgpack',
          localAddress: source,
        },
        {
          onOpen: () => c.send(sub),
          onMessage: (buf, s, e) => {
            const m = packr.unpack(buf.subarray(s, e));
            if (m.op === 'ack') {
              acked++;
              resolve();
            }
          },
          onClose: () => {
            closed++;
            resolve();
          },
        },
      );
      clients[i] = c;
    });
  const n = Number(count);
  const t0 = performance.now();
  for (let i = 0; i < n; i += 250) {
    const batch = [];
    for (let j = i; j < Math.min(n, i + 250); j++) batch.push(open(j));
    await Promise.all(batch);
  }
  process.send({ acked, closed, ms: performance.now() - t0 });
  process.on('message', () => {
    for (const c of clients) c.close();
    setTimeout(() => process.exit(0), 200);
  });
} else {
  const conns = Number(process.argv[2] ?? 15000);
  const runs = Number(process.argv[3] ?? 3);
  const rss = (pid) =>
    Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]);
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const perConn = [];
  for (let run = 0; run < runs; run++) {
    const port = 17270 + run * 3;
    const dir = mkdtempSync(join(tmpdir(), 'idle-'));
    const srv = spawn(
      process.execPath,
      [
        join(dist, 'bin/troupe.js'),
        'start',
        '--port',
        String(port),
        '--publish-port',
        String(port + 1),
        '--link-port',
        String(port + 2),
        '--admin',
        join(dir, 'a.sock'),
        '--log-level',
        'warn',
      ],
      { stdio: 'inherit' },
    );
    await sleep(1500);
    const before = rss(srv.pid);
    const t0 = performance.now();
    const workers = ['127.0.0.2', '127.0.0.3'].map((src) =>
      fork(self, ['--worker', '127.0.0.1', String(port), src, String(conns / 2)]),
    );
    const res = await Promise.all(workers.map((w) => new Promise((r) => w.once('message', r))));
    const wall = performance.now() - t0;
    // Settle: IDLE_SETTLE_MS lets V8's memory reducer run on an idle server (default 3 s).
    await sleep(Number(process.env.IDLE_SETTLE_MS ?? 3000));
    const after = rss(srv.pid);
    if (process.env.HEAP_SPACES) {
      const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      for (const l of text.split('\n'))
        if (
          /heap_space_size_(total|used)_bytes\{|heap_size_(total|used)_bytes |external_memory/.test(
            l,
          )
        )
          console.log('  ', l);
    }
    const acked = res.reduce((a, r) => a + r.acked, 0);
    const kb = (after - before) / acked;
    perConn.push(kb);
    console.log(
      `run ${run + 1}: acked ${acked}/${conns} closed ${res.reduce((a, r) => a + r.closed, 0)} ` +
        `rss ${(before / 1024).toFixed(1)} -> ${(after / 1024).toFixed(1)} MiB = ${kb.toFixed(2)} KB/conn; ` +
        `connect+sub ${(acked / (wall / 1000)).toFixed(0)} conn/s`,
    );
    for (const w of workers) w.send('stop');
    await sleep(800);
    srv.kill('SIGINT');
    await new Promise((r) => srv.once('exit', r));
  }
  perConn.sort((a, b) => a - b);
  console.log(
    `median ${perConn[Math.floor(perConn.length / 2)].toFixed(2)} KB/conn over ${runs} runs`,
  );
}
