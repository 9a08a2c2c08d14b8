import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { ADMIN_USAGE, runAdminCommand } from './admin-command';
import { AdminServer } from './admin-server';
import { FakeAdminTarget, wideTree } from '../testing/fake-admin-target';

let dir: string;
let path: string;
let target: FakeAdminTarget;
let server: AdminServer;

async function run(argv: string[], env: NodeJS.ProcessEnv = {}) {
  const out = new PassThrough();
  const err = new PassThrough();
  const code = await runAdminCommand(argv, out, { TROUPE_ADMIN: path, ...env }, err);
  return { code, out: String(out.read() ?? ''), err: String(err.read() ?? '') };
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'troupe-cli-'));
  path = join(dir, 'admin.sock');
  target = new FakeAdminTarget();
  server = new AdminServer(target, { path });
  await server.listen();
});

afterEach(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe(runAdminCommand, () => {
  describe('commands', () => {
    it('tree prints the tree for people', async () => {
      const r = await run(['tree', '--depth', '1']);
      expect(r.code).toBe(0);
      const lines = r.out.trimEnd().split('\n');
      expect(lines[0]).toMatch(/^\/user +kind=guardian/);
      expect(lines).toContain('│  └─ … 2 children');
      expect(target.calls).toEqual(['tree /user 1']);
    });

    it('tree takes --path and --json', async () => {
      const r = await run(['tree', '--path=/user/presence', '--json']);
      expect(r.code).toBe(0);
      expect(JSON.parse(r.out)).toMatchObject({ ok: true, tree: { path: '/user/presence' } });
    });

    it('tree summarises 1,000 children in a few lines', async () => {
      target.root = wideTree(998);
      const r = await run(['tree']);
      expect(r.code).toBe(0);
      const lines = r.out.trimEnd().split('\n');
      expect(lines.length).toBeLessThan(40);
      // The long summary line does not push the columns to its width.
      expect(lines[0]).toMatch(/^\/user {2,12}kind=guardian/);
      expect(lines.at(-1)).toBe(
        '   └─ … 1000 children (connection: 998, topic-router: 2); --path /user/gateway lists them',
      );
      const paged = (await run(['tree', '--path', '/user/gateway'])).out.trimEnd().split('\n');
      expect(paged).toHaveLength(22);
      expect(paged.at(-1)).toBe(
        '└─ … 980 more of 1000 children (connection: 998, topic-router: 2); ' +
          'page 1 of 50 (--page, --all)',
      );
    });

    it("tree --page shows that page of the path's children", async () => {
      target.root = wideTree(998);
      const r = await run(['tree', '--path', '/user/gateway', '--page', '50', '--json']);
      const tree = JSON.parse(r.out).tree;
      expect(tree.children.map((c: { name: string }) => c.name)).toEqual(
        Array.from({ length: 20 }, (_, i) => `conn-${978 + i}`),
      );
      expect(tree).toMatchObject({ page: 50, limit: 20, childCount: 1000 });
    });

    it('tree --all lists every child, reading pages of at most 1000', async () => {
      target.root = wideTree(2500);
      // From /user: the gateway is only summarised there, so --all reads it by its path.
      const whole = (await run(['tree', '--all'])).out.trimEnd().split('\n');
      expect(whole).toHaveLength(2504);
      target.calls.length = 0;
      const r = await run(['tree', '--path', '/user/gateway', '--all']);
      expect(r.code).toBe(0);
      const lines = r.out.trimEnd().split('\n');
      expect(lines).toHaveLength(2503);
      expect(lines.at(-1)).toMatch(/^└─ conn-2499 +kind=connection/);
      expect(target.calls).toHaveLength(3);
      const json = JSON.parse(
        (await run(['tree', '--path', '/user/gateway', '--all', '--json'])).out,
      );
      expect(json.tree.children).toHaveLength(2502);
      expect(json.tree.childKinds).toBeUndefined();
    });

    it('topics prints one aligned row per topic, the server cutting to --top', async () => {
      const r = await run(['topics']);
      expect(r.code).toBe(0);
      expect(r.out).toBe(
        'TOPIC  SUBSCRIBERS  SEQ  EVENTS  BYTES  GATEWAYS  EPOCH\n' +
          'news   7            12   12      900    -         -\n' +
          'chat   2            3    3       120    -         -\n',
      );
      const one = await run(['topics', '--top', '1', '--json']);
      expect(JSON.parse(one.out)).toEqual({
        ok: true,
        top: 1,
        total: 2,
        topics: [target.topicRows[0]],
      });
      expect((await run(['topics', '--top', '1'])).out).toContain('… 1 more topics (--top N)');
      expect(target.calls).toEqual(['topics 20', 'topics 1', 'topics 1']);
    });

    it('topic prints one topic and refuses a bad or unknown name', async () => {
      const r = await run(['topic', 'news']);
      expect(r.code).toBe(0);
      expect(r.out).toContain('gateways.g1: 7');
      expect(r.out).toContain('owner:       n1');
      expect(await run(['topic', 'nope'])).toEqual({
        code: 1,
        out: '',
        err: 'troupe admin: no topic nope here\n',
      });
      const bad = await run(['topic', 'a b', '--json']);
      expect(bad.code).toBe(1);
      expect(JSON.parse(bad.out)).toEqual({
        ok: false,
        error: expect.stringMatching(/"name" must be a topic name/),
      });
      expect(target.calls).toEqual(['topic news', 'topic nope']);
    });

    it('stats prints aligned lines', async () => {
      const r = await run(['stats']);
      expect(r).toEqual({
        code: 0,
        out: 'connections:  3\ntopics.count: 2\ntopics.bytes: 10\n',
        err: '',
      });
    });

    it('inspect, stop and drain print their results', async () => {
      expect((await run(['inspect', '/user/presence'])).out).toContain('kind:       presence');
      expect(await run(['stop', '/user/presence'])).toEqual({
        code: 0,
        out: 'stopped /user/presence\n',
        err: '',
      });
      expect(await run(['drain'])).toEqual({ code: 0, out: 'drained: no client left\n', err: '' });
      expect(target.calls).toEqual(['inspect /user/presence', 'stop /user/presence', 'drain']);
    });

    it('drain asks again until the last client is gone, then exits 0', async () => {
      target.drainClients = [3, 1, 0];
      expect(await run(['drain', '--json'])).toEqual({
        code: 0,
        out: '{"ok":true,"draining":true,"clients":0}\n',
        err: '',
      });
      expect(target.calls).toEqual(['drain', 'drain', 'drain']);
    });

    it('drain exits 1 naming the clients left when its timeout passes first', async () => {
      target.drainClients = [2];
      const r = await run(['drain', '--timeout-ms', '300']);
      expect(r.code).toBe(1);
      expect(r.out).toBe('');
      expect(r.err).toBe(
        'troupe admin: 2 clients still connected after 300 ms; the node keeps draining ' +
          '(troupe admin undrain ends it)\n',
      );
      expect(target.calls.length).toBeGreaterThanOrEqual(2);
      expect(target.drained).toBe(true);
    });

    it('undrain ends a drain and says so', async () => {
      expect(await run(['undrain'])).toEqual({ code: 0, out: 'was not draining\n', err: '' });
      await run(['drain']);
      expect(await run(['undrain'])).toEqual({ code: 0, out: 'serving again\n', err: '' });
      expect(target.drained).toBe(false);
    });

    it('--help prints the usage and exits 0', async () => {
      expect(await run(['--help'])).toEqual({ code: 0, out: ADMIN_USAGE, err: '' });
    });
  });

  describe('socket choice', () => {
    it('takes --admin over TROUPE_ADMIN', async () => {
      const r = await run(['stats', '--admin', path], { TROUPE_ADMIN: join(dir, 'wrong.sock') });
      expect(r.code).toBe(0);
    });

    it('exits 1 with a clear message when there is no socket', async () => {
      const missing = join(dir, 'none.sock');
      const r = await run(['stats'], { TROUPE_ADMIN: missing });
      expect(r).toEqual({
        code: 1,
        out: '',
        err: `troupe admin: is troupe running? no admin socket at ${missing}\n`,
      });
    });

    it('defaults to ./.troupe/admin.sock, relative to the working directory', async () => {
      // Never the repository's own default socket: a node started there (npm start) answers it.
      const cwd = process.cwd();
      process.chdir(dir);
      try {
        const r = await run(['stats'], { TROUPE_ADMIN: '' });
        expect(r.err).toContain('no admin socket at ./.troupe/admin.sock');
      } finally {
        process.chdir(cwd);
      }
    });
  });

  describe('failures', () => {
    it('exits 1 and prints the error when the node refuses', async () => {
      expect(await run(['inspect', '/user/nope'])).toEqual({
        code: 1,
        out: '',
        err: 'troupe admin: no actor at /user/nope\n',
      });
    });

    it('exits 1 and prints the JSON answer with --json', async () => {
      const r = await run(['stop', '/user', '--json']);
      expect(r.code).toBe(1);
      expect(JSON.parse(r.out)).toMatchObject({
        ok: false,
        error: expect.stringMatching(/refusing/),
      });
    });

    it.each([
      [[], /missing command/],
      [['reboot'], /unknown command "reboot"/],
      [['inspect'], /inspect takes one actor path/],
      [['stop', '/a', '/b'], /stop takes one actor path/],
      [['stats', 'extra'], /stats takes no arguments/],
      [['undrain', 'now'], /undrain takes no arguments/],
      [['stats', '--depth', '2'], /--depth applies to tree only/],
      [['tree', '--depth', 'deep'], /--depth expects an integer 0\.\.64/],
      [['tree', '--depth'], /--depth needs a value/],
      [['tree', '--verbose'], /unknown option --verbose/],
      [['tree', '--page', '0'], /--page expects an integer 1\.\./],
      [['tree', '--limit', '1001'], /--limit expects an integer 1\.\.1000/],
      [['tree', '--all', '--page', '2'], /--all reads every page/],
      [['stats', '--all'], /--all applies to tree only/],
      [['topic'], /topic takes one topic name/],
      [['topics', 'x'], /topics takes no arguments/],
      [['topics', '--top', '0'], /--top expects an integer 1\.\.1000/],
      [['stats', '--top', '3'], /--top applies to topics only/],
      [['stats', '--timeout-ms', '0'], /--timeout-ms expects an integer/],
    ])('exits 2 on usage error %j', async (argv, message) => {
      const r = await run(argv);
      expect(r.code).toBe(2);
      expect(r.out).toBe('');
      expect(r.err).toMatch(message);
      expect(r.err).toContain('Usage: troupe admin');
      expect(target.calls).toEqual([]);
    });
  });
});
