/**
 * Operating a node: the admin socket (PROTOCOL.md section 4), `troupe admin`, drain and SIGTERM,
 * and the per-connection bounds (idle timeout, slow consumer, history window).
 */
import { execFile } from 'node:child_process';
import { statSync } from 'node:fs';
import { promisify } from 'node:util';
import { adminCall, BIN, metric, startNode, TestClient, TestPublisher, type Node } from './harness';
import { eventually } from '../testing/eventually';

const run = promisify(execFile);

interface Tree {
  path: string;
  kind: string;
  mailbox: number;
  processed: number;
  children?: Tree[];
  childCount?: number;
}

function find(t: Tree, pred: (n: Tree) => boolean): Tree | undefined {
  if (pred(t)) return t;
  for (const c of t.children ?? []) {
    const f = find(c, pred);
    if (f) return f;
  }
  return undefined;
}

describe('admin socket', () => {
  let node: Node;
  beforeAll(async () => {
    node = await startNode();
  });
  afterAll(async () => {
    await node.stop();
  });

  it('is a Unix socket with mode 0600', () => {
    const st = statSync(node.admin);
    expect(st.isSocket()).toBe(true);
    expect(st.mode & 0o777).toBe(0o600);
  });

  it('shows the live tree: gateway, topic routers, one actor per connection', async () => {
    const c = await TestClient.connect(node.ws);
    await c.request({ op: 'sub', id: 1, topic: 'tree' });
    const a = await adminCall(node.admin, { cmd: 'tree', depth: 5 });
    expect(a.ok).toBe(true);
    const tree = a.tree as Tree;
    expect(find(tree, (n) => n.kind === 'gateway')).toBeDefined();
    expect(find(tree, (n) => n.kind === 'topic-router')).toBeDefined();
    expect(find(tree, (n) => n.kind === 'dispatcher')).toBeDefined();
    const conn = find(
      tree,
      (n) => n.kind === 'connection' && n.path.endsWith(`conn-${c.hello.conn as string}`),
    );
    expect(conn).toBeDefined();
    expect(conn!.path).toMatch(/^\/user\/gateway\/router-\d+\/conn-/);
    expect(conn!.processed).toBeGreaterThanOrEqual(1);
    expect(typeof conn!.mailbox).toBe('number');

    const paged = await adminCall(node.admin, { cmd: 'tree', path: '/user/gateway', depth: 0 });
    expect((paged.tree as Tree).childCount).toBeGreaterThan(0);
    expect((paged.tree as Tree).children).toBeUndefined();

    const ins = await adminCall(node.admin, { cmd: 'inspect', path: conn!.path });
    expect(ins.ok).toBe(true);
    expect(JSON.stringify(ins)).toContain('tree');
    c.close();
  });

  it('answers stats, and errors for unknown paths and commands', async () => {
    const s = await adminCall(node.admin, { cmd: 'stats' });
    expect(s.ok).toBe(true);
    expect(JSON.stringify(s.stats)).toContain('connections');
    expect(await adminCall(node.admin, { cmd: 'inspect', path: '/user/nobody' })).toMatchObject({
      ok: false,
    });
    expect(await adminCall(node.admin, { cmd: 'fly' })).toMatchObject({ ok: false });
  });

  it('stops one connection actor: its client gets bye and 1001, others are untouched', async () => {
    const victim = await TestClient.connect(node.ws);
    const other = await TestClient.connect(node.ws);
    await other.request({ op: 'sub', id: 1, topic: 'calm2' });
    const tree = (await adminCall(node.admin, { cmd: 'tree', depth: 5 })).tree as Tree;
    const conn = find(tree, (n) => n.path.endsWith(`conn-${victim.hello.conn as string}`))!;
    expect(await adminCall(node.admin, { cmd: 'stop', path: conn.path })).toMatchObject({
      ok: true,
    });
    const reason = 'connection stopped by server';
    expect(await victim.next((m) => m.op === 'bye')).toMatchObject({ code: 1001, reason });
    expect(await victim.closed).toEqual({ code: 1001, reason });
    const p = await TestPublisher.connect(node.publishPort);
    p.send({ op: 'pub', topic: 'calm2', data: 'still here' });
    expect((await other.events('calm2', 1))[0]!.data).toBe('still here');
    p.close();
    other.close();
  });

  it('prints a readable tree with `troupe admin tree`', async () => {
    const c = await TestClient.connect(node.ws);
    const { stdout } = await run(process.execPath, [
      BIN,
      'admin',
      'tree',
      '--admin',
      node.admin,
      '--depth',
      '4',
    ]);
    expect(stdout).toMatch(/gateway/);
    expect(stdout).toMatch(/router-0/);
    expect(stdout).toMatch(/conn-/);
    expect(stdout).toMatch(/mailbox=\d+/);
    c.close();
  });
});

describe('drain and shutdown', () => {
  it('drains on the admin command: bye with retryMs, 1001, readyz 503, new clients refused', async () => {
    const node = await startNode();
    const c = await TestClient.connect(node.ws);
    expect(await adminCall(node.admin, { cmd: 'drain' })).toMatchObject({ ok: true });
    const bye = await c.next((m) => m.op === 'bye');
    expect(bye).toMatchObject({ code: 1001 });
    expect(bye.retryMs).toBeGreaterThanOrEqual(0);
    expect((await c.closed).code).toBe(1001);
    expect((await fetch(`${node.http}/readyz`)).status).toBe(503);
    expect((await fetch(`${node.http}/healthz`)).status).toBe(200);
    await node.stop();
  });

  it('`troupe admin drain` returns once the last client is gone; `undrain` serves again', async () => {
    const node = await startNode();
    const clients = await Promise.all([1, 2].map(() => TestClient.connect(node.ws)));
    const admin = (...args: string[]) =>
      run(process.execPath, [BIN, 'admin', ...args, '--admin', node.admin]);
    const drained = await admin('drain', '--timeout-ms', '10000');
    expect(drained.stdout).toBe('drained: no client left\n');
    for (const c of clients) expect((await c.closed).code).toBe(1001);
    expect((await fetch(`${node.http}/readyz`)).status).toBe(503);
    const refused = await TestClient.connect(node.ws, { skipHello: true });
    expect((await refused.closed).code).toBe(1001);

    expect((await admin('undrain')).stdout).toBe('serving again\n');
    expect((await fetch(`${node.http}/readyz`)).status).toBe(200);
    const back = await TestClient.connect(node.ws);
    expect(await back.request({ op: 'sub', id: 1, topic: 'back' })).toMatchObject({ op: 'ack' });
    back.close();
    expect(await node.stop()).toBe(0);
  });

  it('on SIGTERM tells every client bye, closes 1001 and exits 0', async () => {
    const node = await startNode();
    const clients = await Promise.all([1, 2, 3].map(() => TestClient.connect(node.ws)));
    const code = await node.stop('SIGTERM');
    for (const c of clients) {
      expect(await c.next((m) => m.op === 'bye')).toMatchObject({ code: 1001 });
      expect((await c.closed).code).toBe(1001);
    }
    expect(code).toBe(0);
  });
});

describe('connection bounds', () => {
  it('closes a client that sends nothing for 2.5 heartbeats', async () => {
    const node = await startNode(['--heartbeat-ms', '200']);
    const c = await TestClient.connect(node.ws);
    expect(c.hello.hb).toBe(200);
    const closed = await c.closed;
    expect(closed.code).toBe(1001);
    expect(closed.reason).toBe('idle timeout');
    await node.stop();
  });

  it('closes a slow consumer with 4008 and keeps serving a fast one', async () => {
    const node = await startNode(['--outbound-limit', '64KiB']);
    const slow = await TestClient.connect(node.ws);
    const fast = await TestClient.connect(node.ws);
    await slow.request({ op: 'sub', id: 1, topic: 'flood' });
    await fast.request({ op: 'sub', id: 1, topic: 'flood' });
    (slow.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause();
    const p = await TestPublisher.connect(node.publishPort);
    // Enough to overflow the kernel's loopback socket buffers as well as the 64 KiB bound,
    // paced so that the fast reader (in this process) keeps up.
    const pad = 'x'.repeat(8192);
    for (let i = 0; i < 2000; i += 10) {
      p.send(
        Array.from({ length: 10 }, (_, j) => ({
          op: 'pub',
          topic: 'flood',
          data: { i: i + j, pad },
        })),
      );
      await new Promise((r) => setTimeout(r, 5));
    }
    const evs = await fast.events('flood', 2000, 20_000);
    expect(evs[1999]!.data).toMatchObject({ i: 1999 });
    await eventually(async () => (await metric(node, 'troupe_drops_total')) > 0, 10_000);
    const text = await (await fetch(`${node.http}/metrics`)).text();
    expect(text).toMatch(/troupe_disconnects_total\{reason="slow_consumer"\} 1/);
    (slow.ws as unknown as { _socket: { resume(): void } })._socket.resume();
    // The close frame queues behind the bytes the client never read; uWebSockets.js may drop
    // it with them (the client then sees 1006), `ws` delivers it after them.
    expect([4008, 1006]).toContain((await slow.closed).code);
    p.close();
    fast.close();
    await node.stop();
  });

  it('resumes with recovered false when the history window no longer holds what was missed', async () => {
    const node = await startNode(['--history-size', '3']);
    const p = await TestPublisher.connect(node.publishPort);
    const c = await TestClient.connect(node.ws);
    const ack = await c.request({ op: 'sub', id: 1, topic: 'window' });
    c.close();
    for (let i = 1; i <= 5; i++) p.send({ op: 'pub', topic: 'window', data: i, id: i });
    await p.reply((m) => m.id === 5);
    const c2 = await TestClient.connect(node.ws);
    const ack2 = await c2.request({
      op: 'sub',
      id: 1,
      topic: 'window',
      since: { epoch: ack.epoch, seq: ack.seq },
    });
    expect(ack2).toMatchObject({ recovered: false, seq: 5 });
    expect((await c2.events('window', 3)).map((e) => e.data)).toEqual([3, 4, 5]);
    p.close();
    c2.close();
    await node.stop();
  });
});
