import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import pino from 'pino';
import { AdminServer, type AdminLog } from './admin-server';
import { RawAdminClient } from '../testing/admin-client';
import type { AdminTarget } from './admin-target';
import { FakeAdminTarget, actor, wideTree } from '../testing/fake-admin-target';

// A pino logger must fit where the admin server takes a logger (checked by tsc).
const pinoFits: AdminLog = pino({ level: 'silent' });
void pinoFits;

let dir: string;
let path: string;
let target: FakeAdminTarget;
let server: AdminServer;
const clients: RawAdminClient[] = [];

async function client(): Promise<RawAdminClient> {
  const c = await RawAdminClient.open(path);
  clients.push(c);
  return c;
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'troupe-admin-'));
  path = join(dir, 'run', 'admin.sock');
  target = new FakeAdminTarget();
  server = new AdminServer(target, { path });
});

afterEach(async () => {
  for (const c of clients.splice(0)) c.end();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe(AdminServer, () => {
  describe('#listen', () => {
    it('resolves with the absolute socket path and answers on it', async () => {
      expect(await server.listen()).toBe(path);
      expect(await (await client()).request({ cmd: 'stats' })).toMatchObject({ ok: true });
    });

    it('creates the missing parent directory with mode 0700', async () => {
      await server.listen();
      expect(statSync(join(dir, 'run')).mode & 0o777).toBe(0o700);
    });

    it('creates the socket with mode 0600', async () => {
      await server.listen();
      const stat = statSync(path);
      expect(stat.isSocket()).toBe(true);
      expect(stat.mode & 0o777).toBe(0o600);
    });

    it('restores the process umask after binding', async () => {
      const before = process.umask();
      await server.listen();
      expect(process.umask()).toBe(before);
    });

    it('removes a stale socket file left by a dead process', async () => {
      makeStaleSocket(path);
      expect(statSync(path).isSocket()).toBe(true);
      await expect(server.listen()).resolves.toBe(path);
      expect(await (await client()).request({ cmd: 'stats' })).toMatchObject({ ok: true });
    });

    it('fails with a clear error when another process serves the socket', async () => {
      await server.listen();
      const second = new AdminServer(target, { path });
      await expect(second.listen()).rejects.toThrow(
        /already serving the admin socket .*admin\.sock/,
      );
      // The live server is untouched.
      expect(await (await client()).request({ cmd: 'stats' })).toMatchObject({ ok: true });
    });

    it('refuses to replace a file that is not a socket', async () => {
      const file = join(dir, 'file.sock');
      writeFileSync(file, 'keep me');
      await expect(new AdminServer(target, { path: file }).listen()).rejects.toThrow(
        /not a socket/,
      );
      expect(existsSync(file)).toBe(true);
    });

    it('refuses a path too long for a Unix socket', async () => {
      const long = join(dir, 'x'.repeat(120), 'admin.sock');
      await expect(new AdminServer(target, { path: long }).listen()).rejects.toThrow(/too long/);
    });

    it('rejects when the parent directory cannot be created', async () => {
      const file = join(dir, 'plain-file');
      writeFileSync(file, '');
      const blocked = new AdminServer(target, { path: join(file, 'sub', 'a.sock') });
      await expect(blocked.listen()).rejects.toThrow(/ENOTDIR|EEXIST/);
      await expect(blocked.close()).resolves.toBeUndefined();
    });

    it('refuses to listen twice', async () => {
      await server.listen();
      await expect(server.listen()).rejects.toThrow(/it is listening/);
    });
  });

  describe('#close', () => {
    it('removes the socket file and ends admin connections', async () => {
      await server.listen();
      const c = await client();
      await server.close();
      expect(existsSync(path)).toBe(false);
      await c.untilClosed();
    });

    it('is idempotent and safe before listen', async () => {
      const idle = new AdminServer(target, { path });
      await idle.close();
      await idle.close();
      await expect(idle.listen()).rejects.toThrow(/closed/);
    });

    it('waits for a listen in progress', async () => {
      const listening = server.listen();
      await server.close();
      await listening;
      expect(existsSync(path)).toBe(false);
    });
  });

  describe('commands', () => {
    let c: RawAdminClient;
    beforeEach(async () => {
      await server.listen();
      c = await client();
    });

    it('tree: defaults to /user at depth 3, with childCount past the depth', async () => {
      const answer = await c.request({ cmd: 'tree' });
      expect(target.calls).toEqual(['tree /user 3']);
      expect(answer.ok).toBe(true);
      const conn = (answer.tree as { children: { children: { children: object[] }[] }[] })
        .children[0]!.children[0]!.children[0]!;
      expect(conn).toMatchObject({ path: '/user/gateway/router-0/conn-1', childCount: 1 });
      expect(conn).not.toHaveProperty('children');
    });

    it('tree: takes path and depth', async () => {
      const answer = await c.request({ cmd: 'tree', path: '/user/gateway', depth: 0 });
      expect(target.calls).toEqual(['tree /user/gateway 0']);
      expect(answer).toEqual({
        ok: true,
        tree: { ...actor('/user/gateway', 'gateway'), childCount: 2 },
      });
    });

    it('tree: says when there is no actor at the path', async () => {
      expect(await c.request({ cmd: 'tree', path: '/user/nope' })).toEqual({
        ok: false,
        error: 'no actor at /user/nope',
      });
    });

    it('stats: answers the target stats', async () => {
      expect(await c.request({ cmd: 'stats' })).toEqual({ ok: true, stats: target.statsValue });
    });

    it('stats: encodes BigInt values as strings', async () => {
      target.statsValue = { bytes: 12n };
      expect(await c.request({ cmd: 'stats' })).toEqual({ ok: true, stats: { bytes: '12' } });
    });

    it('stats: answers an internal error when the stats cannot be encoded', async () => {
      const cyclic: Record<string, unknown> = {};
      cyclic.self = cyclic;
      target.statsValue = cyclic;
      const answer = await c.request({ cmd: 'stats' });
      expect(answer).toMatchObject({
        ok: false,
        error: expect.stringMatching(/^internal: answer could not be encoded/),
      });
    });

    it('inspect: answers the actor, or no actor', async () => {
      expect(await c.request({ cmd: 'inspect', path: '/user/presence' })).toEqual({
        ok: true,
        actor: { path: '/user/presence', kind: 'presence', state: { subs: 2 } },
      });
      expect(await c.request({ cmd: 'inspect', path: '/user/x' })).toEqual({
        ok: false,
        error: 'no actor at /user/x',
      });
    });

    it('stop: stops an actor, or says there is none', async () => {
      expect(await c.request({ cmd: 'stop', path: '/user/presence/' })).toEqual({
        ok: true,
        stopped: '/user/presence',
      });
      expect(await c.request({ cmd: 'stop', path: '/user/x' })).toEqual({
        ok: false,
        error: 'no actor at /user/x',
      });
    });

    it.each(['/', '/user', '/user/'])('stop: refuses to stop %s', async (p) => {
      const answer = await c.request({ cmd: 'stop', path: p });
      expect(answer).toMatchObject({
        ok: false,
        error: expect.stringMatching(/^refusing to stop/),
      });
      expect(target.calls).toEqual([]);
    });

    it('drain: starts the drain and answers the clients left', async () => {
      target.drainClients = [4, 0];
      expect(await c.request({ cmd: 'drain' })).toEqual({ ok: true, draining: true, clients: 4 });
      expect(target.drained).toBe(true);
      expect(await c.request({ cmd: 'drain' })).toEqual({ ok: true, draining: true, clients: 0 });
    });

    it('undrain: ends the drain and says whether there was one', async () => {
      expect(await c.request({ cmd: 'undrain' })).toEqual({
        ok: true,
        draining: false,
        undrained: false,
      });
      await c.request({ cmd: 'drain' });
      expect(await c.request({ cmd: 'undrain' })).toEqual({
        ok: true,
        draining: false,
        undrained: true,
      });
      expect(target.drained).toBe(false);
    });

    it('tree: pages a wide root by page and limit', async () => {
      target.root = wideTree(48);
      const answer = await c.request({ cmd: 'tree', path: '/user/gateway', page: 2, limit: 25 });
      expect(answer.tree).toMatchObject({
        childCount: 50,
        childKinds: { connection: 48, 'topic-router': 2 },
        page: 2,
        limit: 25,
      });
      expect((answer.tree as { children: object[] }).children).toHaveLength(25);
    });

    it('topics: cuts what the target answers to top rows', async () => {
      target.topicRows = Array.from({ length: 50 }, (_, i) => ({ topic: `t${i}` }));
      const answer = await c.request({ cmd: 'topics' });
      expect(answer).toMatchObject({ ok: true, top: 20, total: 50 });
      expect((answer.topics as object[]).length).toBe(20);
      expect(target.calls).toEqual(['topics 20']);
    });

    it('topics and topic: say so on a node that cannot tell', async () => {
      // A target without the optional topic methods (a --workers node's merged target).
      const partial: AdminTarget = {
        tree: (p, d) => target.tree(p, d),
        stats: () => target.stats(),
        inspect: (p) => target.inspect(p),
        stop: (p) => target.stop(p),
        drain: () => target.drain(),
        undrain: () => target.undrain(),
      };
      await server.close();
      server = new AdminServer(partial, { path });
      await server.listen();
      const d = await client();
      expect(await d.request({ cmd: 'topics' })).toEqual({
        ok: false,
        error: 'topics is not available on this node',
      });
      expect(await d.request({ cmd: 'topic', name: 'news' })).toEqual({
        ok: false,
        error: 'topic is not available on this node',
      });
    });

    it('answers "internal: ..." when the target throws, and keeps serving', async () => {
      target.failWith = new Error('kaboom');
      expect(await c.request({ cmd: 'stats' })).toEqual({ ok: false, error: 'internal: kaboom' });
      target.failWith = undefined;
      expect(await c.request({ cmd: 'stats' })).toMatchObject({ ok: true });
    });

    it('answers an internal error when the target is too slow', async () => {
      await server.close();
      server = new AdminServer(target, { path, requestTimeoutMs: 20 });
      await server.listen();
      target.delays.stats = 200;
      const answer = await (await client()).request({ cmd: 'stats' });
      expect(answer).toEqual({ ok: false, error: 'internal: stats took longer than 20 ms' });
    });
  });

  describe('bad requests', () => {
    let c: RawAdminClient;
    beforeEach(async () => {
      await server.listen();
      c = await client();
    });

    it.each([
      ['{nope', /^bad JSON/],
      ['[1]', /must be a JSON object/],
      ['null', /must be a JSON object/],
      ['"stats"', /must be a JSON object/],
      [
        '{}',
        /^missing "cmd"; expected one of tree, stats, inspect, stop, drain, undrain, topics, topic$/,
      ],
      ['{"cmd":"reboot"}', /^unknown cmd "reboot"/],
      ['{"cmd":7}', /^unknown cmd 7/],
      ['{"cmd":"inspect"}', /^inspect: missing "path"$/],
      ['{"cmd":"stop","path":5}', /^stop: "path" must be an actor path/],
      ['{"cmd":"tree","path":"user"}', /^tree: "path" must be an actor path/],
      ['{"cmd":"tree","depth":-1}', /^tree: "depth" must be an integer 0\.\.64$/],
      ['{"cmd":"tree","depth":"2"}', /"depth" must be an integer/],
      ['{"cmd":"tree","depth":1.5}', /"depth" must be an integer/],
    ])('answers ok:false to %s and keeps the connection open', async (line, error) => {
      c.send(`${line}\n`);
      const [answer] = await c.answers(1);
      expect(answer).toEqual({ ok: false, error: expect.stringMatching(error) });
      expect(await c.request({ cmd: 'stats' })).toMatchObject({ ok: true });
      expect(target.calls).toEqual(['stats']);
    });

    it('answers an over-long line with ok:false and closes that connection only', async () => {
      const other = await client();
      c.send(`${JSON.stringify({ cmd: 'stats' })}\n`);
      c.send(`{"cmd":"stats","pad":"${'x'.repeat(70 * 1024)}"}\n{"cmd":"stats"}\n`);
      await c.untilClosed();
      expect(c.lines.map((l) => JSON.parse(l) as unknown)).toEqual([
        { ok: true, stats: target.statsValue },
        { ok: false, error: 'request line over 64 KiB; closing the connection' },
      ]);
      expect(await other.request({ cmd: 'stats' })).toMatchObject({ ok: true });
    });

    it('closes a connection that sends 64 KiB without a newline', async () => {
      for (let i = 0; i < 9; i++) c.send('x'.repeat(8 * 1024));
      await c.untilClosed();
      expect(c.lines).toHaveLength(1);
      expect(JSON.parse(c.lines[0]!)).toMatchObject({
        ok: false,
        error: expect.stringMatching(/64 KiB/),
      });
    });
  });

  describe('connections', () => {
    beforeEach(() => server.listen());

    it('answers pipelined requests in order even when earlier ones are slower', async () => {
      target.delays = { tree: 40, stats: 0, inspect: 10 };
      const c = await client();
      c.send(
        [
          '{"cmd":"tree"}',
          '{"cmd":"stats"}',
          '{"bad',
          '{"cmd":"inspect","path":"/user"}',
          '{"cmd":"drain"}',
        ]
          .map((l) => `${l}\n`)
          .join(''),
      );
      const answers = await c.answers(5);
      expect(answers.map((a) => Object.keys(a).filter((k) => k !== 'ok')[0])).toEqual([
        'tree',
        'stats',
        'error',
        'actor',
        'draining',
      ]);
    });

    it('reassembles a request split across packets, with CRLF and blank lines', async () => {
      const c = await client();
      c.send('\r\n{"cmd":');
      await new Promise((r) => setTimeout(r, 10));
      c.send('"stats"}\r\n');
      expect(await c.answers(1)).toEqual([{ ok: true, stats: target.statsValue }]);
    });

    it('answers what was sent before the client half-closed, then ends', async () => {
      target.delays.stats = 20;
      const c = await client();
      c.socket.end('{"cmd":"stats"}\n{"cmd":"drain"}');
      await c.untilClosed();
      expect(c.lines.map((l) => JSON.parse(l) as unknown)).toEqual([
        { ok: true, stats: target.statsValue },
        { ok: true, draining: true, clients: 0 },
      ]);
    });

    it('serves several connections at once', async () => {
      const [a, b] = await Promise.all([client(), client()]);
      target.delays.tree = 50;
      const slow = a.request({ cmd: 'tree' });
      expect(await b.request({ cmd: 'stats' })).toMatchObject({ ok: true });
      expect(await slow).toMatchObject({ ok: true });
    });

    it('survives a client that disconnects before its answer', async () => {
      target.delays.stats = 20;
      const c = await client();
      c.send('{"cmd":"stats"}\n');
      c.end();
      await new Promise((r) => setTimeout(r, 40));
      expect(await (await client()).request({ cmd: 'stats' })).toMatchObject({ ok: true });
    });
  });
});

/** Leaves a socket file at `p` with nothing listening: a process binds it, then dies by SIGKILL. */
function makeStaleSocket(p: string): void {
  mkdirSync(dirname(p), { recursive: true });
  const script = `require('net').createServer().listen(${JSON.stringify(p)}, () => process.kill(process.pid, 'SIGKILL'))`;
  spawnSync(process.execPath, ['-e', script]);
}
