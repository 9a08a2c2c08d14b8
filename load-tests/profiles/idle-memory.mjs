// Idle memory: server VmRSS per subscribed connection at N connections (default 15k),
// opened by 2 worker processes from 127.0.0.2 and 127.0.0.3, each connection `sub`bed to one
// topic. Prints before/after RSS and KB per connection; also the connect+subscribe rate.
//   node load-tests/profiles/idle-memory.mjs [conns=15000] [runs=3]
// IDLE_SERVERS=a/bin/troupe.js,b/bin/troupe.js compares builds in one session: each run starts
// every server in turn (interleaved, so machine load hits them alike) and prints a median each;
// an entry may start with node flags: "--max-semi-space-size=2 dist/bin/troupe.js". Each server
// runs with the node flags of its script's shebang (`#!/usr/bin/env -S node FLAGS`, as the
// `troupe` command and the bench run it; a flag in the entry comes after them and wins);
// IDLE_NO_SHEBANG=1 leaves them out (plain `node troupe.js`, V8's default young generation).
// HEAP_SPACES=1 prints V8 heap spaces before/after (from /metrics). IDLE_NODE_FLAGS="--trace-gc"
// passes node flags to the server; IDLE_SETTLE_MS (default 3000) with IDLE_SAMPLE=1 prints RSS
// every 5 s of the settle. IDLE_TLS=1 serves with a fresh self-signed certificate (openssl) and
// connects over TLS; IDLE_ARGS passes more flags to `troupe start` (e.g. "--transport ws").
import { execFileSync, fork, spawn } from 'node:child_process';
import { readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const self = fileURLToPath(import.meta.url);
const dist = join(self, '../../../dist');

if (process.argv[2] === '--worker') {
  const [, , , host, port, source, count, secure] = process.argv;
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
          tls: secure === 'tls',
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
  const servers = (process.env.IDLE_SERVERS ?? join(dist, 'bin/troupe.js')).split(',');
  // The node flags a script's shebang gives it (bench/systems.ts troupeNodeArgs does the same).
  const shebangFlags = (entry) => {
    if (process.env.IDLE_NO_SHEBANG) return [];
    const script = entry.split(' ').filter(Boolean).at(-1);
    const first = readFileSync(script, 'utf8').split('\n', 1)[0] ?? '';
    const m = /^#!\S*env\s+-S\s+node\s+(.*)$/.exec(first);
    return m ? m[1].trim().split(/\s+/) : [];
  };
  const perConn = new Map(servers.map((s) => [s, []]));
  const selfSigned = (dir) => {
    const [cert, key] = [join(dir, 'cert.pem'), join(dir, 'key.pem')];
    execFileSync(
      'openssl',
      [
        ...['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'],
        ...['-days', '1', '-subj', '/CN=localhost', '-keyout', key, '-out', cert],
      ],
      { stdio: 'ignore' },
    );
    return ['--tls-cert', cert, '--tls-key', key];
  };
  const heapSpaces = async (port) => {
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    const out = new Map();
    for (const l of text.split('\n')) {
      const m =
        /heap_space_size_(total|used)_bytes\{space="(\w+)"\} (\d+)/.exec(l) ??
        /nodejs_(external_memory)_bytes() (\d+)/.exec(l);
      if (m) out.set(m[2] ? `${m[2]} ${m[1]}` : m[1], Number(m[3]));
    }
    return out;
  };
  for (let i = 0; i < runs * servers.length; i++) {
    const run = Math.floor(i / servers.length);
    const server = servers[i % servers.length];
    const port = 17270 + i * 3;
    const dir = mkdtempSync(join(tmpdir(), 'idle-'));
    const tlsArgs = process.env.IDLE_TLS ? selfSigned(dir) : [];
    const srv = spawn(
      process.execPath,
      [
        ...shebangFlags(server),
        ...(process.env.IDLE_NODE_FLAGS ?? '').split(' ').filter(Boolean),
        ...server.split(' ').filter(Boolean),
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
        ...tlsArgs,
        ...(process.env.IDLE_ARGS ?? '').split(' ').filter(Boolean),
      ],
      { stdio: 'inherit' },
    );
    await sleep(1500);
    const spacesBefore = process.env.HEAP_SPACES ? await heapSpaces(port) : null;
    const before = rss(srv.pid);
    const t0 = performance.now();
    const workers = ['127.0.0.2', '127.0.0.3'].map((src) =>
      fork(self, [
        '--worker',
        '127.0.0.1',
        String(port),
        src,
        String(conns / 2),
        tlsArgs.length > 0 ? 'tls' : 'plain',
      ]),
    );
    const res = await Promise.all(workers.map((w) => new Promise((r) => w.once('message', r))));
    const wall = performance.now() - t0;
    // Settle: IDLE_SETTLE_MS lets V8's memory reducer run on an idle server (default 3 s).
    const settleMs = Number(process.env.IDLE_SETTLE_MS ?? 3000);
    if (process.env.IDLE_SAMPLE) {
      // RSS every 5 s while settling: does an idle node give memory back, or keep allocating?
      for (let t = 0; t < settleMs; t += 5000) {
        await sleep(Math.min(5000, settleMs - t));
        console.log(
          `   +${((t + 5000) / 1000).toFixed(0)} s rss ${(rss(srv.pid) / 1024).toFixed(1)} MiB`,
        );
      }
    } else await sleep(settleMs);
    const after = rss(srv.pid);
    if (spacesBefore !== null) {
      // V8 heap spaces (committed / used) before and after, and their growth per connection.
      const spacesAfter = await heapSpaces(port);
      for (const [k, a] of spacesAfter) {
        const b = spacesBefore.get(k) ?? 0;
        if (a === 0 && b === 0) continue;
        console.log(
          `   ${k.padEnd(28)} ${(b / 1048576).toFixed(1).padStart(6)} -> ${(a / 1048576).toFixed(1).padStart(6)} MiB  ${((a - b) / conns).toFixed(0).padStart(5)} B/conn`,
        );
      }
    }
    const acked = res.reduce((a, r) => a + r.acked, 0);
    const kb = (after - before) / acked;
    perConn.get(server).push(kb);
    console.log(
      `${servers.length > 1 ? `${server} ` : ''}run ${run + 1}: acked ${acked}/${conns} closed ${res.reduce((a, r) => a + r.closed, 0)} ` +
        `rss ${(before / 1024).toFixed(1)} -> ${(after / 1024).toFixed(1)} MiB = ${kb.toFixed(2)} KB/conn; ` +
        `connect+sub ${(acked / (wall / 1000)).toFixed(0)} conn/s`,
    );
    for (const w of workers) w.send('stop');
    await sleep(800);
    srv.kill('SIGINT');
    await new Promise((r) => srv.once('exit', r));
  }
  for (const [server, kbs] of perConn) {
    const sorted = [...kbs].sort((a, b) => a - b);
    console.log(
      `${servers.length > 1 ? `${server}: ` : ''}median ${sorted[Math.floor(sorted.length / 2)].toFixed(2)} KB/conn over ${runs} runs (${kbs.map((k) => k.toFixed(2)).join(' ')})`,
    );
  }
}
