/**
 * `troupe start --workers 2` (issue 3 part 6): two gateway worker processes behind one client
 * port, supervised by the main process through comedy; killed workers come back; /metrics
 * answers the whole node.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { adminCall, startNode, TestClient, TestPublisher, type Msg, type Node } from './harness';
import { authFrame, newNonce, parseHello } from '../dispatcher/link/handshake';
import { RawPeer } from '../testing/link-peers';
import { processAlive as alive } from '../workers/process-alive';
import { eventually } from '../testing/eventually';

interface WorkerStats {
  index: number;
  pid: number;
  up: boolean;
  respawns: number;
  node: string;
  connections: number;
}

interface Tree {
  path: string;
  kind: string;
  pid?: number;
  children?: Tree[];
}

const TOPIC = 'workers:fan';

/** The module every forked worker preloads (workers/keep-builtins.ts), compiled. */
const KEEP_BUILTINS = `--require=${path.join(__dirname, '..', 'dist', 'workers', 'keep-builtins.js')}`;

/** The node flags of a process (Linux: its /proc cmdline) that preload a module. */
const preloads = (pid: number): string[] =>
  readFileSync(`/proc/${pid}/cmdline`, 'utf8')
    .split('\0')
    .filter((a) => a.startsWith('--require'));

async function workerStats(node: Node): Promise<WorkerStats[]> {
  const a = await adminCall(node.admin, { cmd: 'stats' });
  return (a.stats as { workers: WorkerStats[] }).workers;
}

function collect(t: Tree, pred: (n: Tree) => boolean, out: Tree[] = []): Tree[] {
  if (pred(t)) out.push(t);
  for (const c of t.children ?? []) collect(c, pred, out);
  return out;
}

/** `-w<i>` of the hello's node id: which worker holds the connection. */
const workerOf = (c: TestClient): number => Number(/-w(\d+)$/.exec(c.hello.node as string)![1]);

async function subscribe(clients: TestClient[]): Promise<void> {
  await Promise.all(clients.map((c) => c.request({ op: 'sub', id: 1, topic: TOPIC })));
}

/** Publishes `data` in order and resolves once the last is acked (every seq is stamped). */
async function publish(node: Node, data: number[]): Promise<void> {
  const p = await TestPublisher.connect(node.publishPort);
  data.forEach((d, i) =>
    p.send({ op: 'pub', topic: TOPIC, data: d, ...(i === data.length - 1 ? { id: 99 } : {}) }),
  );
  await p.reply((m) => m.id === 99);
  p.close();
}

/** GET /metrics on a fresh TCP connection, so the kernel picks a worker for each scrape. */
function scrape(base: string): Promise<string> {
  return new Promise((resolve, reject) => {
    http
      .get(`${base}/metrics`, { agent: false }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () =>
          res.statusCode === 200 ? resolve(body) : reject(new Error(`${res.statusCode} ${body}`)),
        );
      })
      .on('error', reject);
  });
}

/** The value of an unlabeled sample. */
function sample(text: string, name: string): number | undefined {
  const m = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
  return m === null ? undefined : Number(m[1]);
}

async function expectExactly(clients: TestClient[], data: number[]): Promise<void> {
  for (const c of clients) {
    const evs: Msg[] = await c.events(TOPIC, data.length, 5_000);
    expect(evs.map((e) => e.data)).toEqual(data);
    const seqs = evs.map((e) => e.seq as number);
    expect(seqs).toEqual(seqs.map((_, i) => seqs[0]! + i));
  }
  // Nothing arrives twice.
  await new Promise((r) => setTimeout(r, 200));
  for (const c of clients) expect(c.messages.filter((m) => m.op === 'ev')).toEqual([]);
}

describe('troupe start --workers 2', () => {
  let node: Node;
  let clients: TestClient[] = [];
  const pidsSeen = new Set<number>();
  let stoppedByTest = false;

  beforeAll(async () => {
    node = await startNode(['--workers', '2', '--link-port', '0']);
  });

  afterAll(async () => {
    // A main that died before the SIGTERM test explains every failure after it: show why.
    if (!stoppedByTest && node.proc.exitCode !== null)
      process.stderr.write(
        `troupe exited early (${node.proc.exitCode}):\n${node.stderr.join('')}\n`,
      );
    for (const c of clients) c.close();
    if (node.proc.exitCode === null) await node.stop('SIGKILL');
    // Never leave a worker behind, whatever failed above.
    for (const pid of pidsSeen) if (alive(pid)) process.kill(pid, 'SIGKILL');
  });

  it('prints the listeners of a single process, once each', () => {
    const names = node.stdout.map((l) => /^listening (\w+) /.exec(l)?.[1]).filter(Boolean);
    expect(names.filter((n) => n === 'ws')).toHaveLength(1);
    expect(names).toEqual(expect.arrayContaining(['ws', 'publish', 'link', 'admin']));
  });

  it('makes its own link secret: a local process that knows none cannot link in', async () => {
    const peer = await RawPeer.connect(node.linkPort);
    try {
      const hello = parseHello(await peer.next());
      const self = { node: 'intruder', role: 'gateway', dc: 'local' } as const;
      peer.send(authFrame(self, undefined, hello!.nonce, newNonce()));
      await eventually(() => peer.closed, 5_000);
      expect(peer.values).toEqual([]);
    } finally {
      peer.destroy();
    }
  });

  it('spreads clients over both workers; a publish reaches every subscriber once, in order', async () => {
    clients = await Promise.all(Array.from({ length: 20 }, () => TestClient.connect(node.ws)));
    // The kernel picks the listener per connection; if it favoured one worker, open more.
    while (new Set(clients.map(workerOf)).size < 2 && clients.length < 100)
      clients.push(await TestClient.connect(node.ws));

    const workers = await workerStats(node);
    expect(workers).toHaveLength(2);
    for (const w of workers) {
      pidsSeen.add(w.pid);
      expect(w.up).toBe(true);
      expect(w.connections).toBe(clients.filter((c) => workerOf(c) === w.index).length);
      expect(w.connections).toBeGreaterThan(0);
    }
    expect(workers[0]!.pid).not.toBe(workers[1]!.pid);
    // Forked with the preload that keeps comedy's babel-polyfill off V8's builtins.
    for (const w of workers) expect(preloads(w.pid)).toContain(KEEP_BUILTINS);

    await subscribe(clients);
    const data = Array.from({ length: 10 }, (_, i) => i);
    await publish(node, data);
    await expectExactly(clients, data);
  });

  it('answers /metrics for the whole node, on the client port and the http port', async () => {
    const perWorker = (await workerStats(node)).map((w) => w.connections);
    expect(perWorker.every((n) => n > 0 && n < clients.length)).toBe(true);
    const clientPort = node.ws.replace(/^ws:/, 'http:').replace(/\/v1\/ws$/, '');
    expect(node.http).not.toBe(clientPort);
    const texts = await Promise.all([
      ...Array.from({ length: 6 }, () => scrape(clientPort)),
      scrape(node.http),
    ]);
    for (const text of texts) {
      expect(sample(text, 'troupe_connections')).toBe(clients.length);
      expect(sample(text, 'troupe_workers')).toBe(2);
      expect(sample(text, 'troupe_workers_answering')).toBe(2);
      expect(sample(text, 'troupe_workers_scrape_failures_total')).toBe(0);
      // The main's dispatcher is in it too: it took the publishes above.
      expect(sample(text, 'troupe_events_in_total')).toBeGreaterThanOrEqual(10);
      // Each worker wrote the 10 events to its own subscribers.
      expect(sample(text, 'troupe_events_out_total')).toBe(10 * clients.length);
    }
  });

  it("shows both workers' actor trees, connection actors included, under /workers", async () => {
    const a = await adminCall(node.admin, { cmd: 'tree', depth: 6 });
    expect(a.ok).toBe(true);
    const tree = a.tree as Tree;
    expect(collect(tree, (n) => n.kind === 'dispatcher')).toHaveLength(1);
    const workers = collect(tree, (n) => n.kind === 'gateway-worker');
    expect(workers.map((w) => w.path).sort()).toEqual(['/workers/worker-0', '/workers/worker-1']);
    for (const w of workers) {
      const index = Number(w.path.slice(-1));
      expect(w.pid).toBeGreaterThan(0);
      const conns = collect(w, (n) => n.kind === 'connection');
      const mine = clients.filter((c) => workerOf(c) === index);
      expect(conns).toHaveLength(mine.length);
      for (const c of mine) {
        const p = conns.find((n) => n.path.endsWith(`/conn-${c.hello.conn as string}`));
        expect(p?.path).toMatch(new RegExp(`^/workers/worker-${index}/gateway/router-\\d+/conn-`));
      }
    }
    // Paths are forwarded to the worker that owns them.
    const conn = collect(workers[0]!, (n) => n.kind === 'connection')[0]!;
    const ins = await adminCall(node.admin, { cmd: 'inspect', path: conn.path });
    expect(ins).toMatchObject({ ok: true, actor: { path: conn.path, kind: 'connection' } });
  });

  it('respawns a SIGKILLed worker; its clients reconnect, the other worker never noticed', async () => {
    const before = await workerStats(node);
    const victim = before[0]!;
    const victims = clients.filter((c) => workerOf(c) === 0);
    const others = clients.filter((c) => workerOf(c) === 1);
    process.kill(victim.pid, 'SIGKILL');

    for (const c of victims) expect((await c.closed).code).toBe(1006);
    await eventually(async () => {
      const w = (await workerStats(node))[0]!;
      return w.up && w.pid !== victim.pid;
    }, 10_000);
    const after = await workerStats(node);
    expect(after[0]!.respawns).toBe(1);
    expect(preloads(after[0]!.pid)).toContain(KEEP_BUILTINS);
    expect(after[1]!.pid).toBe(before[1]!.pid);
    pidsSeen.add(after[0]!.pid);

    // Clients reconnect; keep going until some land on the new worker 0.
    const back: TestClient[] = [];
    while (
      back.length < victims.length ||
      (!back.some((c) => workerOf(c) === 0) && back.length < 100)
    )
      back.push(await TestClient.connect(node.ws));
    await subscribe(back);
    clients = [...others, ...back];

    const data = [100, 101, 102];
    await publish(node, data);
    await expectExactly(clients, data);
    for (const c of others) {
      expect(c.messages.filter((m) => m.op === 'bye')).toEqual([]);
      expect(c.ws.readyState).toBe(c.ws.OPEN);
    }
  });

  it('on SIGTERM drains every worker (bye + 1001), exits 0 and leaves no worker behind', async () => {
    const pids = (await workerStats(node)).map((w) => w.pid);
    stoppedByTest = true;
    const code = await node.stop('SIGTERM');
    for (const c of clients) {
      expect(await c.next((m) => m.op === 'bye')).toMatchObject({ code: 1001 });
      expect((await c.closed).code).toBe(1001);
    }
    expect(code).toBe(0);
    await eventually(() => !pids.some(alive), 5_000);
  });
});
