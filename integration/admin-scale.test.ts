/**
 * `troupe admin` on a node with hundreds of connections (issue 13 part 6): the default tree
 * stays short, `--all` lists every connection, and `admin topic` / `topics` show subscribers and
 * seq after publishes. Spawns the real `troupe` (start and admin).
 */
import { spawn } from 'node:child_process';
import { BIN, startNode, TestClient, TestPublisher, type Node } from './harness';
import { eventually } from '../testing/eventually';

const CONNECTIONS = 320;
const SUBSCRIBERS = 40;
const PUBLISHES = 5;

function admin(
  node: Node,
  args: string[],
): Promise<{ code: number | null; out: string; err: string }> {
  const proc = spawn(process.execPath, [BIN, 'admin', ...args, '--admin', node.admin], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  proc.stdout.on('data', (b: Buffer) => (out += b.toString()));
  proc.stderr.on('data', (b: Buffer) => (err += b.toString()));
  return new Promise((resolve) => proc.on('close', (code) => resolve({ code, out, err })));
}

let node: Node;
const clients: TestClient[] = [];

beforeAll(async () => {
  node = await startNode(['--count-interval-ms', '100']);
  for (let i = 0; i < CONNECTIONS; i += 40) {
    const batch = Array.from({ length: Math.min(40, CONNECTIONS - i) }, () =>
      TestClient.connect(node.ws),
    );
    clients.push(...(await Promise.all(batch)));
  }
  await Promise.all(
    clients
      .slice(0, SUBSCRIBERS)
      .map((c) =>
        c.request({ op: 'sub', id: 1, topic: 'news' }).then((a) => expect(a.op).toBe('ack')),
      ),
  );
  const p = await TestPublisher.connect(node.publishPort);
  for (let id = 1; id <= PUBLISHES; id++) p.send({ op: 'pub', topic: 'news', data: { id }, id });
  for (let id = 1; id <= PUBLISHES; id++) await p.reply((m) => m.id === id);
  p.close();
}, 60_000);

afterAll(async () => {
  for (const c of clients) c.close();
  await node?.stop();
});

describe('troupe admin at scale', () => {
  it('tree is short by default, naming the kinds of the connections it leaves out', async () => {
    const r = await admin(node, ['tree']);
    expect(r.code).toBe(0);
    const lines = r.out.trimEnd().split('\n');
    expect(lines.length).toBeLessThan(40);
    // The connections sit under the topic routers: each router is one summary line.
    const summaries = [
      ...r.out.matchAll(/… (\d+) children \(connection: \d+\); --path \S+ lists them/g),
    ];
    expect(summaries.reduce((n, m) => n + Number(m[1]), 0)).toBe(CONNECTIONS);
  });

  it('tree --all lists every connection', async () => {
    const r = await admin(node, ['tree', '--all', '--json']);
    expect(r.code).toBe(0);
    const kinds: string[] = [];
    const walk = (n: { kind: string; children?: unknown[] }): void => {
      kinds.push(n.kind);
      for (const c of n.children ?? []) walk(c as typeof n);
    };
    walk(JSON.parse(r.out).tree);
    expect(kinds.filter((k) => k === 'connection')).toHaveLength(CONNECTIONS);
    const people = await admin(node, ['tree', '--all']);
    expect(people.out.split('\n').filter((l) => /kind=connection/.test(l))).toHaveLength(
      CONNECTIONS,
    );
  });

  it('topic shows the subscribers per gateway and the seq after publishes', async () => {
    await eventually(
      async () =>
        JSON.parse((await admin(node, ['topic', 'news', '--json'])).out).topic.count ===
        SUBSCRIBERS,
      10_000,
      'the count owner to hear the subscribers',
    );
    const r = await admin(node, ['topic', 'news', '--json']);
    expect(JSON.parse(r.out)).toMatchObject({
      ok: true,
      topic: {
        topic: 'news',
        seq: PUBLISHES,
        epoch: expect.any(String),
        history: { events: PUBLISHES, bytes: expect.any(Number) },
        local: SUBSCRIBERS,
        count: SUBSCRIBERS,
      },
    });
    expect(Object.values(JSON.parse(r.out).topic.gateways)).toEqual([SUBSCRIBERS]);
    const people = await admin(node, ['topic', 'news']);
    expect(people.out).toMatch(new RegExp(`^seq: +${PUBLISHES}$`, 'm'));
  });

  it('topics ranks news first; a bad topic name is refused', async () => {
    const r = await admin(node, ['topics', '--top', '5']);
    expect(r.code).toBe(0);
    expect(r.out.split('\n')[1]).toMatch(
      new RegExp(`^news +${SUBSCRIBERS} +${PUBLISHES} +${PUBLISHES} `),
    );
    const bad = await admin(node, ['topic', 'a b']);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/"name" must be a topic name/);
  });
});
