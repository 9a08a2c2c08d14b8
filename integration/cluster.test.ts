/**
 * The dispatcher tier across processes: 2 dispatchers and 3 gateways in datacenter `east`,
 * 1 dispatcher and 1 gateway in `west`, every link authenticated with a cluster secret.
 */
import {
  adminCall,
  freePort,
  LISTENERS,
  startNode,
  TestClient,
  TestPublisher,
  type Msg,
  type Node,
} from './harness';
import { eventually } from '../testing/eventually';

const SECRET = 'cluster-s3cret';

async function dispatcher(linkPort: number, extra: string[]): Promise<Node> {
  return startNode(
    ['--role', 'dispatcher', '--link-port', String(linkPort), '--cluster-secret', SECRET, ...extra],
    {},
    LISTENERS.dispatcher,
  );
}

async function gateway(
  dispatchers: number[],
  extra: string[] = [],
  secret = SECRET,
): Promise<Node> {
  return startNode(
    [
      '--role',
      'gateway',
      '--dispatchers',
      dispatchers.map((p) => `127.0.0.1:${p}`).join(','),
      '--cluster-secret',
      secret,
      ...extra,
    ],
    {},
    LISTENERS.gateway,
  );
}

async function stats(n: Node): Promise<Record<string, unknown>> {
  const a = await adminCall(n.admin, { cmd: 'stats' });
  return a.stats as Record<string, unknown>;
}

/** The peers of the links a dispatcher accepted, read from its admin tree and `inspect`. */
async function acceptedPeers(n: Node): Promise<string[]> {
  const a = await adminCall(n.admin, { cmd: 'tree', path: '/user/links', depth: 1 });
  const tree = a.tree as { kind: string; children?: { path: string; kind: string }[] };
  expect(tree.kind).toBe('link-server');
  const peers: string[] = [];
  for (const child of tree.children ?? []) {
    expect(child.kind).toBe('link');
    const i = await adminCall(n.admin, { cmd: 'inspect', path: child.path });
    // A link listed by `tree` may have stopped before `inspect` (its peer just went away).
    const actor = i.actor as { state: { state: string; peer?: { node: string } } } | undefined;
    if (actor?.state.state === 'up') peers.push(actor.state.peer!.node);
  }
  return peers.sort();
}

async function linkedTo(n: Node, count: number): Promise<void> {
  await eventually(async () => ((await stats(n)).dispatchers as string[]).length === count, 10_000);
}

describe('dispatcher tier', () => {
  const nodes: Node[] = [];
  let dWest: Node;
  let d1: Node;
  let d2: Node;
  let gws: Node[];
  let gWest: Node;
  let d1Port: number;
  let d2Port: number;
  /** d2 restarts with the same command line. */
  let d2Args: string[];

  beforeAll(async () => {
    dWest = await dispatcher(0, ['--dc', 'west', '--node-id', 'dwest']);
    const west = `west=127.0.0.1:${dWest.linkPort}`;
    d1Port = await freePort();
    d2Port = await freePort();
    d1 = await dispatcher(d1Port, ['--dc', 'east', '--node-id', 'd1', '--peer-dcs', west]);
    d2Args = [
      '--dc',
      'east',
      '--node-id',
      'd2',
      '--peers',
      `127.0.0.1:${d1Port}`,
      '--peer-dcs',
      west,
    ];
    d2 = await dispatcher(d2Port, d2Args);
    gws = await Promise.all(
      ['g1', 'g2', 'g3'].map((id) => gateway([d1Port, d2Port], ['--dc', 'east', '--node-id', id])),
    );
    gWest = await gateway([dWest.linkPort], ['--dc', 'west', '--node-id', 'gwest']);
    nodes.push(dWest, d1, d2, ...gws, gWest);
    for (const g of gws) await linkedTo(g, 2);
    await linkedTo(gWest, 1);
    await eventually(
      async () => ((await stats(d1)).cluster as { ownershipChanges: number }).ownershipChanges > 0,
      10_000,
    );
  }, 60_000);

  afterAll(async () => {
    await Promise.all(nodes.map((n) => n.stop('SIGKILL')));
  });

  it('delivers each publish exactly once per subscriber, in one order, through either dispatcher', async () => {
    const topics = ['live:a', 'live:b', 'live:c', 'live:d', 'live:e', 'live:f'];
    const clients = await Promise.all(gws.map((g) => TestClient.connect(g.ws)));
    for (const c of clients)
      for (const t of topics) await c.request({ op: 'sub', id: 1, topic: t });
    // The ack proves the owner has the interest (interest precedes history on each link);
    // the other dispatcher learns it on its own link, a moment later.
    await new Promise((r) => setTimeout(r, 300));
    const p1 = await TestPublisher.connect(d1.publishPort);
    const p2 = await TestPublisher.connect(d2.publishPort);
    const N = 40;
    for (let i = 0; i < N; i++) {
      for (const t of topics)
        (i % 2 === 0 ? p1 : p2).send({ op: 'pub', topic: t, data: `${t}#${i}` });
    }
    for (const t of topics) {
      const seen: Msg[][] = [];
      for (const c of clients) seen.push(await c.events(t, N, 10_000));
      for (const evs of seen) {
        const seqs = evs.map((e) => e.seq as number);
        expect(seqs).toEqual(Array.from({ length: N }, (_, i) => seqs[0]! + i));
        expect(new Set(evs.map((e) => e.epoch)).size).toBe(1);
      }
      // Every gateway sees the same (seq, data) stream.
      const line = (evs: Msg[]) => evs.map((e) => `${e.seq}:${String(e.data)}`).join(',');
      expect(line(seen[1]!)).toBe(line(seen[0]!));
      expect(line(seen[2]!)).toBe(line(seen[0]!));
    }
    // Nothing arrives twice.
    await new Promise((r) => setTimeout(r, 200));
    for (const c of clients) expect(c.messages.filter((m) => m.op === 'ev')).toEqual([]);
    for (const c of clients) c.close();
    p1.close();
    p2.close();
  });

  it('shows each accepted link as an actor under /user/links in the admin tree', async () => {
    expect(await acceptedPeers(d1)).toEqual(['d2', 'g1', 'g2', 'g3']);
    expect(await acceptedPeers(dWest)).toEqual(['d1', 'd2', 'gwest']);
  });

  it('routes only to gateways with interest', async () => {
    const c = await TestClient.connect(gws[0]!.ws);
    await c.request({ op: 'sub', id: 1, topic: 'only-g1' });
    await new Promise((r) => setTimeout(r, 300));
    const before = ((await stats(gws[2]!)).gateway as { eventsIn: number }).eventsIn;
    const p = await TestPublisher.connect(d1.publishPort);
    for (let i = 0; i < 20; i++) p.send({ op: 'pub', topic: 'only-g1', data: i });
    await c.events('only-g1', 20);
    const after = ((await stats(gws[2]!)).gateway as { eventsIn: number }).eventsIn;
    expect(after).toBe(before);
    c.close();
    p.close();
  });

  it('carries publishes across datacenters once, never back', async () => {
    const east = await TestClient.connect(gws[1]!.ws);
    const west = await TestClient.connect(gWest.ws);
    await east.request({ op: 'sub', id: 1, topic: 'xdc' });
    await west.request({ op: 'sub', id: 1, topic: 'xdc' });
    await new Promise((r) => setTimeout(r, 300));
    const pe = await TestPublisher.connect(d2.publishPort);
    const pw = await TestPublisher.connect(dWest.publishPort);
    pe.send({ op: 'pub', topic: 'xdc', data: 'from-east', id: 1 });
    await pe.reply((m) => m.id === 1);
    pw.send({ op: 'pub', topic: 'xdc', data: 'from-west', id: 2 });
    await pw.reply((m) => m.id === 2);
    for (const c of [east, west]) {
      const evs = await c.events('xdc', 2);
      expect(evs.map((e) => e.data).sort()).toEqual(['from-east', 'from-west']);
    }
    await new Promise((r) => setTimeout(r, 300));
    expect(east.messages.filter((m) => m.op === 'ev')).toEqual([]);
    expect(west.messages.filter((m) => m.op === 'ev')).toEqual([]);
    east.close();
    west.close();
    pe.close();
    pw.close();
  });

  it('refuses a gateway with the wrong secret and keeps serving', async () => {
    const rogue = await gateway([d1Port], ['--node-id', 'rogue'], 'wrong');
    nodes.push(rogue);
    await eventually(async () => {
      const text = await (await fetch(`${rogue.http}/metrics`)).text();
      return /troupe_link_auth_failures_total [1-9]/.test(text) || /troupe_links_up 0/.test(text);
    });
    expect((await stats(rogue)).dispatchers).toEqual([]);
    const c = await TestClient.connect(gws[0]!.ws);
    await c.request({ op: 'sub', id: 1, topic: 'after-rogue' });
    await new Promise((r) => setTimeout(r, 200));
    const p = await TestPublisher.connect(d1.publishPort);
    p.send({ op: 'pub', topic: 'after-rogue', data: 'ok' });
    expect((await c.events('after-rogue', 1))[0]!.data).toBe('ok');
    c.close();
    p.close();
  });

  it('resumes with since on another gateway after its own gateway died', async () => {
    const g = await gateway([d1Port, d2Port], ['--dc', 'east', '--node-id', 'g-doomed']);
    nodes.push(g);
    await linkedTo(g, 2);
    const c = await TestClient.connect(g.ws);
    const ack = await c.request({ op: 'sub', id: 1, topic: 'resume-x' });
    await new Promise((r) => setTimeout(r, 200));
    const p = await TestPublisher.connect(d1.publishPort);
    p.send({ op: 'pub', topic: 'resume-x', data: 1, id: 1 });
    await p.reply((m) => m.id === 1);
    const [first] = await c.events('resume-x', 1);
    await g.stop('SIGKILL');
    for (const d of [2, 3]) p.send({ op: 'pub', topic: 'resume-x', data: d });
    p.send({ op: 'pub', topic: 'resume-x', data: 4, id: 2 });
    await p.reply((m) => m.id === 2);
    const c2 = await TestClient.connect(gws[2]!.ws);
    const ack2 = await c2.request({
      op: 'sub',
      id: 1,
      topic: 'resume-x',
      since: { epoch: ack.epoch, seq: first!.seq },
    });
    expect(ack2).toMatchObject({ recovered: true, epoch: ack.epoch });
    expect((await c2.events('resume-x', 3)).map((e) => e.data)).toEqual([2, 3, 4]);
    c2.close();
    p.close();
  });

  it('serves /metrics on a dispatcher with link state, and route latency on a gateway', async () => {
    const text = await (await fetch(`${d1.http}/metrics`)).text();
    expect(text).toMatch(/troupe_links_up [1-9]/);
    expect(text).toContain('troupe_link_reconnects_total');
    expect(text).toContain('troupe_events_routed_total');
    const g = await (await fetch(`${gws[0]!.http}/metrics`)).text();
    expect(g).toContain('troupe_route_seconds_bucket');
  });

  it('keeps publishes flowing when a dispatcher is killed, and takes it back when it restarts', async () => {
    const topics = Array.from({ length: 12 }, (_, i) => `fail:${i}`);
    const clients = await Promise.all(gws.map((g) => TestClient.connect(g.ws)));
    for (const c of clients)
      for (const t of topics) await c.request({ op: 'sub', id: 1, topic: t });
    await new Promise((r) => setTimeout(r, 300));
    // Positions before the kill, per topic, to resume from after ownership moved.
    const pre = await TestPublisher.connect(d1.publishPort);
    for (const t of topics) pre.send({ op: 'pub', topic: t, data: 'before-kill', id: 1 });
    const before = new Map<string, Msg>();
    for (const t of topics) before.set(t, (await clients[0]!.events(t, 1))[0]!);
    for (const c of clients.slice(1)) for (const t of topics) await c.events(t, 1);
    pre.close();
    await d2.stop('SIGKILL');
    for (const g of gws) await linkedTo(g, 1);
    const p = await TestPublisher.connect(d1.publishPort);
    for (const t of topics) p.send({ op: 'pub', topic: t, data: 'after-kill' });
    for (const c of clients) {
      for (const t of topics) expect((await c.events(t, 1, 10_000))[0]!.data).toBe('after-kill');
    }
    // A topic that moved to another owner starts a new epoch: resuming across it is not a recovery.
    const probe = await TestClient.connect(gws[0]!.ws);
    let changed = 0;
    for (const t of topics) {
      const ev = before.get(t)!;
      const a = await probe.request({
        op: 'sub',
        id: 2,
        topic: t,
        since: { epoch: ev.epoch, seq: ev.seq },
      });
      if (a.epoch !== ev.epoch) {
        changed++;
        expect(a.recovered).toBe(false);
      } else {
        expect(a.recovered).toBe(true);
      }
    }
    expect(changed).toBeGreaterThan(0);
    probe.close();
    // The dispatcher comes back on its address: gateways re-announce their interest to it.
    d2 = await dispatcher(d2Port, d2Args);
    nodes.push(d2);
    for (const g of gws) await linkedTo(g, 2);
    await new Promise((r) => setTimeout(r, 500));
    const p2 = await TestPublisher.connect(d2.publishPort);
    for (const t of topics) p2.send({ op: 'pub', topic: t, data: 'after-restart' });
    for (const c of clients) {
      for (const t of topics) expect((await c.events(t, 1, 10_000))[0]!.data).toBe('after-restart');
    }
    for (const c of clients) c.close();
    p.close();
    p2.close();
  }, 40_000);

  it('loses no subscription on the survivors when a gateway is killed, and a restarted one rejoins', async () => {
    const survivor = await TestClient.connect(gws[0]!.ws);
    await survivor.request({ op: 'sub', id: 1, topic: 'gw-kill' });
    const g = await gateway([d1Port, d2Port], ['--dc', 'east', '--node-id', 'g-temp']);
    nodes.push(g);
    const victim = await TestClient.connect(g.ws);
    await victim.request({ op: 'sub', id: 1, topic: 'gw-kill' });
    await eventually(async () => (await acceptedPeers(d1)).includes('g-temp'), 10_000);
    await g.stop('SIGKILL');
    expect((await victim.closed).code).toBe(1006);
    // Its accepted link actor on the dispatcher stops with the socket.
    await eventually(async () => !(await acceptedPeers(d1)).includes('g-temp'), 10_000);
    const p = await TestPublisher.connect(d1.publishPort);
    p.send({ op: 'pub', topic: 'gw-kill', data: 'still' });
    expect((await survivor.events('gw-kill', 1))[0]!.data).toBe('still');
    const again = await gateway([d1Port, d2Port], ['--dc', 'east', '--node-id', 'g-temp']);
    nodes.push(again);
    await linkedTo(again, 2);
    const back = await TestClient.connect(again.ws);
    await back.request({ op: 'sub', id: 1, topic: 'gw-kill' });
    await new Promise((r) => setTimeout(r, 300));
    p.send({ op: 'pub', topic: 'gw-kill', data: 'rejoined' });
    expect((await back.events('gw-kill', 1))[0]!.data).toBe('rejoined');
    expect((await survivor.events('gw-kill', 1))[0]!.data).toBe('rejoined');
    survivor.close();
    back.close();
    p.close();
  }, 30_000);
});
