import { ActorSystem } from '../../actors';
import { InterestTable } from '../../gateway/interest-table';
import { DispatcherUnavailableError } from '../errors';
import { LinkServer, type LinkEndpoint, type LinkHandlers } from '../link';
import { linkOptions } from '../../testing/link-peers';
import type { LinkMsg } from '../link-messages';
import { ownerOf } from '../rendezvous';
import type { TopicEvent } from '../types';
import { RemoteDispatcherClient, type RemoteClientOptions } from './remote-client';
import { eventually } from '../../testing/eventually';

/** Generous bound for a link to come up, including a reconnect after backoff. */
const LINK_WAIT_MS = 10_000;

/**
 * A dispatcher played by the test: a real LinkServer on 127.0.0.1 that records every message
 * and answers history and publishes through `answer` (undefined: stay silent).
 */
class FakeDispatcher implements LinkHandlers {
  readonly msgs: LinkMsg[] = [];
  readonly eps = new Set<LinkEndpoint>();
  ups = 0;
  port = 0;
  private server: LinkServer | undefined;
  /** The dispatcher's own actor system: a restart on the same port starts a fresh one. */
  private system: ActorSystem | undefined;
  private nextSeq = 1;
  answer: (msg: LinkMsg) => LinkMsg | undefined = (msg) => this.defaultAnswer(msg);

  constructor(readonly node: string) {}

  async start(port = 0): Promise<number> {
    this.system = ActorSystem.create(this.node, { log: () => undefined });
    this.server = new LinkServer(this.system, linkOptions(this.node), this);
    this.port = await this.server.listen('127.0.0.1', port);
    return this.port;
  }

  async stop(): Promise<void> {
    await this.server?.close();
    await this.system?.terminate();
    this.server = undefined;
    this.system = undefined;
  }

  onUp(ep: LinkEndpoint): void {
    this.ups++;
    this.eps.add(ep);
  }

  onDown(ep: LinkEndpoint): void {
    this.eps.delete(ep);
  }

  onMessage(ep: LinkEndpoint, msg: LinkMsg): void {
    this.msgs.push(msg);
    const reply = this.answer(msg);
    if (reply !== undefined) ep.send(reply);
  }

  broadcast(msg: LinkMsg): void {
    for (const ep of this.eps) ep.send(msg);
  }

  of<Op extends LinkMsg['op']>(op: Op): Extract<LinkMsg, { op: Op }>[] {
    return this.msgs.filter((m): m is Extract<LinkMsg, { op: Op }> => m.op === op);
  }

  private defaultAnswer(msg: LinkMsg): LinkMsg | undefined {
    switch (msg.op) {
      case 'history':
        return {
          op: 'history-r',
          rid: msg.rid,
          epoch: `E-${this.node}`,
          seq: 3,
          recovered: msg.since !== undefined,
          events: [],
        };
      case 'pub':
        return { op: 'pub-r', rid: msg.rid, seq: this.nextSeq++, epoch: `E-${this.node}` };
      default:
        return undefined;
    }
  }
}

let system: ActorSystem;
const dispatchers: FakeDispatcher[] = [];
const clients: RemoteDispatcherClient[] = [];

beforeEach(() => {
  system = ActorSystem.create('remote-client-test', { log: () => undefined });
});

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await system.terminate();
  await Promise.all(dispatchers.splice(0).map((d) => d.stop()));
});

async function dispatcher(node: string): Promise<FakeDispatcher> {
  const d = new FakeDispatcher(node);
  dispatchers.push(d);
  await d.start();
  return d;
}

function client(
  targets: FakeDispatcher[],
  over: Partial<RemoteClientOptions> = {},
): RemoteDispatcherClient {
  const c = new RemoteDispatcherClient({
    system,
    dispatchers: targets.map((d) => ({ host: '127.0.0.1', port: d.port })),
    link: linkOptions('gw-1', { self: { node: 'gw-1', role: 'gateway', dc: 'local' } }),
    requestTimeoutMs: 2000,
    ...over,
  });
  clients.push(c);
  return c;
}

async function allUp(c: RemoteDispatcherClient, ds: FakeDispatcher[]): Promise<void> {
  await eventually(
    () => c.live.length === ds.length && ds.every((d) => d.eps.size === 1),
    LINK_WAIT_MS,
  );
}

/** A topic whose rendezvous owner among `nodes` is `owner`. */
function topicOwnedBy(owner: string, nodes: string[]): string {
  for (let i = 0; i < 10_000; i++) {
    if (ownerOf(`t-${i}`, nodes) === owner) return `t-${i}`;
  }
  throw new Error(`no topic owned by ${owner}`);
}

function event(topic: string, seq: number): TopicEvent {
  return { topic, seq, epoch: 'E', data: { n: seq }, t0: 1 };
}

describe('RemoteDispatcherClient', () => {
  describe('#constructor', () => {
    it('announces the whole interest set with `reset` when a link comes up', async () => {
      const d = await dispatcher('d-a');
      const c = client([d]);
      const interest = new InterestTable(c);
      interest.add('a', 0);
      interest.add('b', 1);
      interest.add('c', 0);
      interest.remove('c', 0);
      await allUp(c, [d]);
      await eventually(() => d.of('interest').length === 1);
      const [first] = d.of('interest');
      expect(first).toEqual({ op: 'interest', topics: ['a', 'b'], on: true, reset: true });
    });

    it('announces the whole set again after the dispatcher restarts on the same port', async () => {
      const d = await dispatcher('d-a');
      const c = client([d]);
      const interest = new InterestTable(c);
      interest.add('a', 0);
      await allUp(c, [d]);
      await eventually(() => d.of('interest').length === 1);
      await d.stop();
      await eventually(() => c.live.length === 0, LINK_WAIT_MS);
      // Changed while no link is up: only the next announcement can carry it.
      interest.add('b', 0);
      interest.remove('a', 0);
      const before = d.msgs.length;
      await d.start(d.port);
      await eventually(() => d.of('interest').length === 2, LINK_WAIT_MS);
      expect(d.msgs.slice(before)).toEqual([
        { op: 'interest', topics: ['b'], on: true, reset: true },
      ]);
      expect(d.ups).toBe(2);
    });

    // Regression: an interest set larger than one link frame is announced in several frames.
    it('announces an interest set larger than one link frame', async () => {
      const d = await dispatcher('d-a');
      const c = client([d]);
      // linkOptions' maxFrame is 64 KiB; these topics take about 120 KiB.
      const topics = Array.from({ length: 3000 }, (_, i) => `room/${String(i).padStart(30, '0')}`);
      const interest = new InterestTable(c);
      for (const t of topics) interest.add(t, 0);
      await allUp(c, [d]);
      const announced = (): Set<string> => new Set(d.of('interest').flatMap((m) => m.topics));
      await eventually(() => announced().size === topics.length, 1000);
      expect(d.of('interest')[0]!.reset).toBe(true);
    });

    it('reports links coming up and going down through onLinkChange', async () => {
      const d = await dispatcher('d-a');
      const changes: string[] = [];
      const c = client([d], { onLinkChange: (peer, isUp) => changes.push(`${peer}:${isUp}`) });
      await allUp(c, [d]);
      await d.stop();
      await eventually(() => changes.length === 2, LINK_WAIT_MS);
      expect(changes).toEqual(['d-a:true', 'd-a:false']);
      expect(c.live).toEqual([]);
    });
  });

  describe('#bindInterest', () => {
    it('announces the set the bound source holds when the link comes up, not its own copy', async () => {
      const d = await dispatcher('d-a');
      const c = client([d]);
      // Calls that bypass the source leave nothing behind to announce.
      c.setInterest('stray', true);
      const held = new Set(['x', 'y']);
      c.bindInterest({ all: () => held });
      held.delete('y');
      await allUp(c, [d]);
      await eventually(() => d.of('interest').length === 1);
      expect(d.of('interest')[0]).toEqual({ op: 'interest', topics: ['x'], on: true, reset: true });
    });
  });

  describe('#setInterest', () => {
    it('sends each change to every dispatcher that is up', async () => {
      const a = await dispatcher('d-a');
      const b = await dispatcher('d-b');
      const c = client([a, b]);
      await allUp(c, [a, b]);
      await eventually(() => a.msgs.length === 1 && b.msgs.length === 1);
      c.setInterest('x', true);
      c.setInterest('x', false);
      const expected = [
        { op: 'interest', topics: [], on: true, reset: true },
        { op: 'interest', topics: ['x'], on: true },
        { op: 'interest', topics: ['x'], on: false },
      ];
      await eventually(() => a.msgs.length === 3 && b.msgs.length === 3);
      expect(a.msgs).toEqual(expected);
      expect(b.msgs).toEqual(expected);
    });
  });

  describe('#history', () => {
    it('asks the rendezvous owner among the dispatchers that are up', async () => {
      const a = await dispatcher('d-a');
      const b = await dispatcher('d-b');
      const c = client([a, b]);
      await allUp(c, [a, b]);
      const ofA = topicOwnedBy('d-a', ['d-a', 'd-b']);
      const ofB = topicOwnedBy('d-b', ['d-a', 'd-b']);
      const since = { epoch: 'E-d-b', seq: 1 };
      await expect(c.history(ofA, undefined)).resolves.toEqual({
        epoch: 'E-d-a',
        seq: 3,
        recovered: false,
        events: [],
      });
      await expect(c.history(ofB, since)).resolves.toMatchObject({
        epoch: 'E-d-b',
        recovered: true,
      });
      expect(a.of('history').map((m) => [m.topic, m.since])).toEqual([[ofA, undefined]]);
      expect(b.of('history').map((m) => [m.topic, m.since])).toEqual([[ofB, since]]);
    });

    it('passes the events of the answer through', async () => {
      const d = await dispatcher('d-a');
      d.answer = (m) =>
        m.op === 'history'
          ? {
              op: 'history-r',
              rid: m.rid,
              epoch: 'E',
              seq: 2,
              recovered: true,
              events: [event('t', 2)],
            }
          : undefined;
      const c = client([d]);
      await allUp(c, [d]);
      const r = await c.history('t', { epoch: 'E', seq: 1 });
      expect(r.events).toEqual([event('t', 2)]);
    });

    it('retries after a `fail` answer and resolves with a later answer', async () => {
      const d = await dispatcher('d-a');
      let fails = 1;
      const normal = d.answer;
      d.answer = (m) =>
        m.op === 'history' && fails-- > 0
          ? { op: 'fail', rid: m.rid, code: 503, msg: 'not the owner' }
          : normal(m);
      const c = client([d]);
      await allUp(c, [d]);
      await expect(c.history('t', undefined)).resolves.toMatchObject({ epoch: 'E-d-a' });
      expect(d.of('history')).toHaveLength(2);
    });

    it('rejects with DispatcherUnavailableError after its retries when every answer is `fail`', async () => {
      const d = await dispatcher('d-a');
      d.answer = (m) =>
        m.op === 'history'
          ? { op: 'fail', rid: m.rid, code: 503, msg: 'not the owner' }
          : undefined;
      const c = client([d]);
      await allUp(c, [d]);
      const err = await c.history('t', undefined).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DispatcherUnavailableError);
      expect((err as DispatcherUnavailableError).message).toBe('not the owner');
      expect((err as DispatcherUnavailableError).code).toBe('DISPATCHER_UNAVAILABLE');
      // One attempt and three retries.
      expect(d.of('history')).toHaveLength(4);
    });
  });

  describe('#publish', () => {
    it('sends the publish to the rendezvous owner and resolves with its seq and epoch', async () => {
      const a = await dispatcher('d-a');
      const b = await dispatcher('d-b');
      const c = client([a, b]);
      await allUp(c, [a, b]);
      const ofB = topicOwnedBy('d-b', ['d-a', 'd-b']);
      await expect(c.publish(ofB, { x: 1 })).resolves.toEqual({ seq: 1, epoch: 'E-d-b' });
      await expect(c.publish(ofB, { x: 2 })).resolves.toEqual({ seq: 2, epoch: 'E-d-b' });
      expect(b.of('pub').map((m) => [m.topic, m.data])).toEqual([
        [ofB, { x: 1 }],
        [ofB, { x: 2 }],
      ]);
      expect(a.of('pub')).toEqual([]);
    });

    it('picks the owner among the dispatchers still up when one is down', async () => {
      const a = await dispatcher('d-a');
      const b = await dispatcher('d-b');
      const c = client([a, b]);
      await allUp(c, [a, b]);
      await b.stop();
      await eventually(() => c.live.length === 1, LINK_WAIT_MS);
      const ofB = topicOwnedBy('d-b', ['d-a', 'd-b']);
      await expect(c.publish(ofB, 1)).resolves.toEqual({ seq: 1, epoch: 'E-d-a' });
    });

    it('rejects with DispatcherUnavailableError on a `fail` answer, without retrying', async () => {
      const d = await dispatcher('d-a');
      d.answer = (m) =>
        m.op === 'pub'
          ? { op: 'fail', rid: m.rid, code: 503, msg: 'owner unreachable' }
          : undefined;
      const c = client([d]);
      await allUp(c, [d]);
      await expect(c.publish('t', 1)).rejects.toThrow(DispatcherUnavailableError);
      expect(d.of('pub')).toHaveLength(1);
    });

    it('rejects a pending publish when its link goes down', async () => {
      const d = await dispatcher('d-a');
      d.answer = () => undefined;
      // A request timeout far beyond the test's own: only the link going down can reject it.
      const c = client([d], { requestTimeoutMs: 60_000 });
      await allUp(c, [d]);
      const p = c.publish('t', 1);
      await eventually(() => d.of('pub').length === 1);
      await d.stop();
      const err = await p.catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DispatcherUnavailableError);
      expect((err as Error).message).toMatch(/went down/);
    });

    it('rejects when the owner does not answer within requestTimeoutMs', async () => {
      const d = await dispatcher('d-a');
      d.answer = () => undefined;
      const c = client([d], { requestTimeoutMs: 100 });
      await allUp(c, [d]);
      const err = await c.publish('t', 1).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DispatcherUnavailableError);
      expect((err as Error).message).toMatch(/did not answer/);
    });

    it('fails each unanswered request at its own deadline, with one timer for all of them', async () => {
      const d = await dispatcher('d-a');
      // Publishes of `x: 'ok'` are answered; the others never are.
      d.answer = (m) =>
        m.op === 'pub' && (m.data as { x?: string }).x === 'ok'
          ? { op: 'pub-r', rid: m.rid, seq: 1, epoch: 'E' }
          : undefined;
      const c = client([d], { requestTimeoutMs: 300 });
      await allUp(c, [d]);
      const failedAfter = (x: number): Promise<number> => {
        const sent = performance.now();
        return c.publish('t', { x }).then(
          () => -1,
          (e: unknown) => (e instanceof DispatcherUnavailableError ? performance.now() - sent : -2),
        );
      };
      const first = failedAfter(1);
      await new Promise((r) => setTimeout(r, 150));
      const second = failedAfter(2);
      const answered = c.publish('t', { x: 'ok' });
      await expect(answered).resolves.toEqual({ seq: 1, epoch: 'E' });
      const [a, b] = await Promise.all([first, second]);
      // Not before its deadline (the second not with the first), and not long after it.
      expect(a).toBeGreaterThanOrEqual(299);
      expect(b).toBeGreaterThanOrEqual(299);
      expect(a).toBeLessThan(2000);
      expect(b).toBeLessThan(2000);
    });

    it('rejects at once when no dispatcher is up', async () => {
      const c = client([], { requestTimeoutMs: 60_000 });
      const err = await c.publish('t', 1).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DispatcherUnavailableError);
      expect((err as Error).message).toMatch(/no dispatcher/);
    });
  });

  describe('#onEvents', () => {
    it('hands the events of every `ev` message to the sink', async () => {
      const a = await dispatcher('d-a');
      const b = await dispatcher('d-b');
      const c = client([a, b]);
      const got: TopicEvent[][] = [];
      c.onEvents((events) => got.push([...events]));
      await allUp(c, [a, b]);
      a.broadcast({ op: 'ev', events: [event('x', 1), event('x', 2)] });
      b.broadcast({ op: 'ev', events: [event('y', 1)] });
      await eventually(() => got.length === 2);
      expect(got).toContainEqual([event('x', 1), event('x', 2)]);
      expect(got).toContainEqual([event('y', 1)]);
    });
  });

  describe('#close', () => {
    it('stops the link actors, which take their links down', async () => {
      const a = await dispatcher('d-a');
      const b = await dispatcher('d-b');
      const c = client([a, b]);
      await allUp(c, [a, b]);
      const names = [a, b].map((d) => `/user/link-127.0.0.1:${d.port}`);
      expect(names.map((n) => system.lookup(n) !== undefined)).toEqual([true, true]);
      c.close();
      await eventually(() => names.every((n) => system.lookup(n) === undefined));
      await eventually(() => a.eps.size === 0 && b.eps.size === 0, LINK_WAIT_MS);
      expect(c.live).toEqual([]);
      await expect(c.publish('t', 1)).rejects.toThrow(DispatcherUnavailableError);
    });
  });
});
