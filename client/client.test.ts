import { FakeClock, flush } from '../testing/fake-clock';
import { FakeTransport, type FakeServerConn } from '../testing/fake-pipe';
import type { TroupeClient } from './client';
import {
  TroupeClosedError,
  TroupeDisconnectedError,
  TroupeLimitError,
  TroupeRequestError,
  TroupeTimeoutError,
  TroupeUsageError,
} from './errors';
import { connect, type ConnectOptions, type GapInfo, type TroupeEvent } from './index';

interface Setup {
  client: TroupeClient;
  t: FakeTransport;
  clock: FakeClock;
  states: string[];
  gaps: GapInfo[];
  errors: Error[];
}

/** A client on a fake transport and clock; `random` 0.5 makes every backoff half its window. */
function setup(o: ConnectOptions = {}, url: string | string[] = 'ws://h:1'): Setup {
  const t = new FakeTransport();
  const clock = (o.clock as FakeClock | undefined) ?? new FakeClock();
  const client = connect(url, { customTransport: t, clock, random: () => 0.5, ...o });
  const states: string[] = [];
  const gaps: GapInfo[] = [];
  const errors: Error[] = [];
  client.on('state', (s) => states.push(s));
  client.on('gap', (g) => gaps.push(g));
  client.on('error', (e) => errors.push(e));
  return { client, t, clock, states, gaps, errors };
}

/** Lets the attempt fetch its token and open, then greets it. */
async function up(s: Setup, hb = 25_000): Promise<FakeServerConn> {
  await flush();
  const c = s.t.last;
  c.hello(hb);
  return c;
}

const ev = (seq: number, epoch = 'E', topic = 't'): Record<string, unknown> & { op: string } => ({
  op: 'ev',
  topic,
  seq,
  epoch,
  data: { n: seq },
});

describe('TroupeClient', () => {
  describe('#state', () => {
    it('goes connecting -> connected -> reconnecting -> connected -> closed', async () => {
      const s = setup();
      expect(s.client.state).toBe('connecting');
      const c = await up(s);
      c.drop(1006);
      await s.clock.advance(250);
      await up(s);
      s.client.close();
      s.client.close();
      expect(s.states).toEqual(['connected', 'reconnecting', 'connected', 'closed']);
      expect(s.t.conns[1]!.closedByClient).toEqual({ code: 1000, reason: 'client closed' });
    });

    it('refuses every call once closed', async () => {
      const s = setup();
      s.client.close();
      expect(() => s.client.subscribe('t')).toThrow(TroupeClosedError);
      await expect(s.client.publish('t', 1)).rejects.toBeInstanceOf(TroupeClosedError);
      await s.clock.advance(60_000);
      expect(s.t.conns.length).toBeLessThanOrEqual(1);
    });
  });

  describe('#subscribe', () => {
    it('sends sub once connected and resolves ready with the ack', async () => {
      const s = setup();
      const sub = s.client.subscribe('t', { count: true });
      const c = await up(s);
      expect(c.sent('sub')).toEqual([{ op: 'sub', id: 1, topic: 't', count: true }]);
      c.ackSubs(() => ({ epoch: 'E', seq: 4, recovered: false, count: 2 }));
      await expect(sub.ready).resolves.toEqual({ epoch: 'E', seq: 4, recovered: false, count: 2 });
    });

    it('delivers each event once, in order, and drops a replayed one', async () => {
      const s = setup();
      const seen: number[] = [];
      s.client.subscribe('t', { onEvent: (e: TroupeEvent) => seen.push(e.seq) });
      const c = await up(s);
      c.ackSubs();
      c.send([ev(1), ev(2)]);
      c.send(ev(2));
      c.send(ev(3));
      expect(seen).toEqual([1, 2, 3]);
    });

    it('resubscribes with since = the last delivered event after a reconnect, and delivers no duplicate', async () => {
      const s = setup();
      const seen: number[] = [];
      s.client.subscribe('t', { onEvent: (e: TroupeEvent) => seen.push(e.seq) });
      const c1 = await up(s);
      c1.ackSubs();
      c1.send([ev(1), ev(2)]);
      c1.drop(1006);
      await s.clock.advance(250);
      const c2 = await up(s);
      expect(c2.sent('sub')[0]!.since).toEqual({ epoch: 'E', seq: 2 });
      c2.ackSubs(() => ({ epoch: 'E', seq: 4, recovered: true }));
      c2.send([ev(2), ev(3), ev(4)]);
      c2.send(ev(5));
      expect(seen).toEqual([1, 2, 3, 4, 5]);
      expect(s.gaps).toEqual([]);
    });

    it('emits gap when a resume answers recovered: false in a new epoch, then follows the new epoch', async () => {
      const s = setup();
      const seen: string[] = [];
      s.client.subscribe('t', { onEvent: (e: TroupeEvent) => seen.push(`${e.epoch}${e.seq}`) });
      const c1 = await up(s);
      c1.ackSubs();
      c1.send(ev(7));
      c1.drop(1006);
      await s.clock.advance(250);
      const c2 = await up(s);
      c2.ackSubs(() => ({ epoch: 'F', seq: 0, recovered: false }));
      c2.send(ev(1, 'F'));
      expect(s.gaps).toEqual([
        { topic: 't', reason: 'not-recovered', from: { epoch: 'E', seq: 7 }, epoch: 'F', seq: 0 },
      ]);
      expect(seen).toEqual(['E7', 'F1']);
    });

    it('emits gap for a live event of another epoch', async () => {
      const s = setup();
      s.client.subscribe('t');
      const c = await up(s);
      c.ackSubs();
      c.send(ev(3));
      c.send(ev(1, 'G'));
      expect(s.gaps.map((g) => [g.reason, g.epoch, g.seq])).toEqual([['new-epoch', 'G', 1]]);
    });

    it('sends a user since and tells a gap where it could not be served', async () => {
      const s = setup();
      s.client.subscribe('t', { since: { epoch: 'X', seq: 3 } });
      const c = await up(s);
      expect(c.sent('sub')[0]!.since).toEqual({ epoch: 'X', seq: 3 });
      c.ackSubs(() => ({ epoch: 'E', seq: 9, recovered: false }));
      expect(s.gaps).toHaveLength(1);
    });

    it('refuses a bad topic, a second subscription to a topic and one past maxSubscriptions', () => {
      const s = setup({ limits: { maxSubscriptions: 2 } });
      expect(() => s.client.subscribe('bad topic')).toThrow(TroupeUsageError);
      s.client.subscribe('a');
      expect(() => s.client.subscribe('a')).toThrow(/already subscribed/);
      s.client.subscribe('b');
      expect(() => s.client.subscribe('c')).toThrow(TroupeLimitError);
    });

    it('ends the subscription on err 403 (ready rejects, error reported) and retries on 503', async () => {
      const s = setup();
      const denied = s.client.subscribe('no');
      s.client.subscribe('busy');
      const c = await up(s);
      const [a, b] = c.sent('sub');
      c.send({ op: 'err', id: a!.id, code: 403, msg: 'forbidden' });
      c.send({ op: 'err', id: b!.id, code: 503, msg: 'later' });
      await expect(denied.ready).rejects.toBeInstanceOf(TroupeRequestError);
      expect(s.errors).toHaveLength(1);
      await s.clock.advance(1000);
      expect(c.sent('sub').map((m) => m.topic)).toEqual(['no', 'busy', 'busy']);
      expect(() => s.client.subscribe('no')).not.toThrow();
    });

    it('retries a sub that timed out', async () => {
      const s = setup({ requestTimeoutMs: 500 });
      s.client.subscribe('t');
      const c = await up(s);
      await s.clock.advance(1500);
      expect(c.sent('sub')).toHaveLength(2);
    });
  });

  describe('#unsubscribe', () => {
    it('sends unsub, stops delivery and does not resubscribe after a reconnect', async () => {
      const s = setup();
      const seen: number[] = [];
      const sub = s.client.subscribe('t', { onEvent: (e: TroupeEvent) => seen.push(e.seq) });
      const c1 = await up(s);
      c1.ackSubs();
      sub.unsubscribe();
      sub.unsubscribe();
      c1.send(ev(1));
      expect(c1.sent('unsub')).toEqual([{ op: 'unsub', id: 2, topic: 't' }]);
      c1.drop();
      await s.clock.advance(250);
      const c2 = await up(s);
      expect(c2.sent('sub')).toEqual([]);
      expect(seen).toEqual([]);
    });
  });

  describe('#presence', () => {
    it('subscribes presence:<member> and tells the ack state, then each change', async () => {
      const s = setup();
      const seen: unknown[] = [];
      s.client.presence('ann', (p) => seen.push(p));
      const c = await up(s);
      expect(c.sent('sub')[0]!.topic).toBe('presence:ann');
      c.ackSubs(() => ({ online: false, lastSeen: 5 }));
      c.send({ op: 'presence', topic: 'presence:ann', user: 'ann', online: true, lastSeen: 9 });
      c.send({ op: 'presence', topic: 'presence:ann', user: 'ann', online: true, lastSeen: 9 });
      expect(seen).toEqual([
        { member: 'ann', online: false, lastSeen: 5 },
        { member: 'ann', online: true, lastSeen: 9 },
      ]);
    });

    it('tells the state again after a reconnect only when it changed', async () => {
      const s = setup();
      const seen: boolean[] = [];
      s.client.presence('ann', (p) => seen.push(p.online));
      const c1 = await up(s);
      c1.ackSubs(() => ({ online: true, lastSeen: 1 }));
      c1.drop();
      await s.clock.advance(250);
      const c2 = await up(s);
      expect(c2.sent('sub')[0]!.since).toBeUndefined();
      c2.ackSubs(() => ({ online: true, lastSeen: 1 }));
      expect(seen).toEqual([true]);
    });
  });

  describe('count', () => {
    it('calls onCount with the count messages of the topic', async () => {
      const s = setup();
      const counts: number[] = [];
      s.client.subscribe('t', { count: true, onCount: (n) => counts.push(n) });
      const c = await up(s);
      c.ackSubs(() => ({ epoch: 'E', seq: 0, recovered: false, count: 1 }));
      c.send({ op: 'count', topic: 't', n: 3 });
      expect(counts).toEqual([1, 3]);
    });
  });

  describe('#publish', () => {
    it('resolves with the seq of its ack', async () => {
      const s = setup();
      const c = await up(s);
      const p = s.client.publish('t', { a: 1 });
      const [m] = c.sent('pub');
      expect(m).toEqual({ op: 'pub', id: 1, topic: 't', data: { a: 1 } });
      c.send({ op: 'ack', id: m!.id, seq: 12, epoch: 'E' });
      await expect(p).resolves.toBe(12);
    });

    it('queues publishes while reconnecting and sends them after the resubscribes', async () => {
      const s = setup();
      s.client.subscribe('t');
      const p = s.client.publish('t', 1);
      const c = await up(s);
      expect(c.received.map((m) => m.op)).toEqual(['sub', 'pub']);
      c.send({ op: 'ack', id: c.sent('pub')[0]!.id, seq: 1 });
      await expect(p).resolves.toBe(1);
    });

    it('rejects a publish sent on a connection that dropped before its ack with TroupeDisconnectedError', async () => {
      const s = setup();
      const c = await up(s);
      const p = s.client.publish('t', 1);
      c.drop();
      await expect(p).rejects.toBeInstanceOf(TroupeDisconnectedError);
    });

    it('rejects with TroupeRequestError carrying the server code', async () => {
      const s = setup();
      const c = await up(s);
      const p = s.client.publish('t', 1);
      c.send({ op: 'err', id: 1, code: 403, msg: 'no' });
      await expect(p).rejects.toMatchObject({ name: 'TroupeRequestError', code: 403 });
    });

    it('rejects with TroupeTimeoutError and never sends it later', async () => {
      const s = setup({ requestTimeoutMs: 1000 });
      const p = s.client.publish('t', 1);
      await s.clock.advance(1000);
      await expect(p).rejects.toBeInstanceOf(TroupeTimeoutError);
      const c = await up(s);
      expect(c.sent('pub')).toEqual([]);
    });

    it('rejects past the queued count and bytes bounds with TroupeLimitError', async () => {
      const s = setup({ limits: { maxQueuedPublishes: 2, maxQueuedBytes: 1000 } });
      const queued = [s.client.publish('t', 1), s.client.publish('t', 2)];
      await expect(s.client.publish('t', 3)).rejects.toMatchObject({ limit: 'maxQueuedPublishes' });
      const big = setup({ limits: { maxQueuedBytes: 100 } });
      await expect(big.client.publish('t', 'x'.repeat(200))).rejects.toMatchObject({
        limit: 'maxQueuedBytes',
      });
      s.client.close();
      await expect(Promise.all(queued)).rejects.toBeInstanceOf(TroupeClosedError);
    });

    it('rejects past maxPending and past maxFrameBytes', async () => {
      const s = setup({ limits: { maxPending: 1, maxFrameBytes: 50 } });
      await expect(s.client.publish('t', 'x'.repeat(60))).rejects.toMatchObject({
        limit: 'maxFrameBytes',
      });
      void s.client.publish('t', 1).catch(() => undefined);
      await expect(s.client.publish('t', 2)).rejects.toMatchObject({ limit: 'maxPending' });
      s.client.close();
    });

    it('rejects data it cannot encode with TroupeUsageError', async () => {
      const s = setup();
      const cyclic: Record<string, unknown> = {};
      cyclic.self = cyclic;
      await expect(s.client.publish('t', cyclic)).rejects.toBeInstanceOf(TroupeUsageError);
    });

    it('paces a burst of publishes to the request budget', async () => {
      const s = setup({ limits: { ratePerSec: 10, rateBurst: 5 } });
      const c = await up(s);
      for (let i = 0; i < 8; i++) void s.client.publish('t', i).catch(() => undefined);
      expect(c.sent('pub')).toHaveLength(5);
      await s.clock.advance(300);
      expect(c.sent('pub')).toHaveLength(8);
      s.client.close();
    });
  });

  describe('reconnect', () => {
    it('waits at least bye.retryMs before reconnecting', async () => {
      const s = setup();
      const c = await up(s);
      c.send({ op: 'bye', code: 1001, reason: 'server shutting down', retryMs: 4000 });
      c.drop(1001, 'server shutting down');
      await s.clock.advance(3999);
      expect(s.t.conns).toHaveLength(1);
      await s.clock.advance(1);
      expect(s.t.conns).toHaveLength(2);
    });

    it('backs off with full jitter, doubling up to the cap, while attempts fail', async () => {
      const s = setup({ backoff: { baseMs: 1000, maxMs: 4000 } });
      await flush();
      const opened: number[] = [];
      const start = s.clock.now();
      for (let i = 0; i < 5; i++) {
        s.t.last.drop(1006);
        const n = s.t.conns.length;
        while (s.t.conns.length === n) await s.clock.advance(10);
        opened.push(s.clock.now() - start);
      }
      // random 0.5: waits of 500, 1000, 2000, 2000, 2000 ms
      expect(opened).toEqual([500, 1500, 3500, 5500, 7500]);
    });

    it('rotates through the URLs it was given', async () => {
      const s = setup({}, ['ws://a:1', 'ws://b:2']);
      await flush();
      s.t.last.drop();
      await s.clock.advance(250);
      s.t.last.drop();
      await s.clock.advance(500);
      expect(s.t.conns.map((c) => new URL(c.url).host)).toEqual(['a:1', 'b:2', 'a:1']);
    });

    it('closes the client on 4001 with a static token, and reconnects with getToken', async () => {
      const s = setup({ token: 'bad' });
      const c = await up(s);
      c.drop(4001, 'authentication failed');
      expect(s.client.state).toBe('closed');
      const g = setup({ getToken: () => 'tok' });
      (await up(g)).drop(4001, 'authentication failed');
      await g.clock.advance(250);
      expect(g.t.conns).toHaveLength(2);
      expect(g.t.last.url).toBe('ws://h:1/v1/ws?token=tok');
    });

    it('gives up an attempt with no hello within connectTimeoutMs', async () => {
      const s = setup({ connectTimeoutMs: 2000 });
      await flush();
      await s.clock.advance(2000);
      expect(s.t.conns[0]!.closedByClient).toBe('aborted');
      await s.clock.advance(250);
      expect(s.t.conns).toHaveLength(2);
    });
  });

  describe('heartbeat', () => {
    it('pings every hb and drops the connection after two missed pongs', async () => {
      const s = setup();
      const c = await up(s, 1000);
      await s.clock.advance(1000);
      expect(c.sent('ping')).toHaveLength(1);
      c.send({ op: 'pong' });
      await s.clock.advance(2000);
      expect(c.sent('ping')).toHaveLength(3);
      expect(c.closedByClient).toBeUndefined();
      await s.clock.advance(1000);
      expect(c.closedByClient).toBe('aborted');
      expect(s.client.state).toBe('reconnecting');
    });
  });

  describe('app callbacks', () => {
    it('reports a throwing or rejecting callback through error and keeps delivering', async () => {
      const s = setup();
      const seen: number[] = [];
      s.client.subscribe('t', {
        onEvent: (e: TroupeEvent) => {
          seen.push(e.seq);
          if (e.seq === 1) throw new Error('boom');
          if (e.seq === 2) return Promise.reject(new Error('async boom'));
          return undefined;
        },
      });
      const c = await up(s);
      c.ackSubs();
      c.send([ev(1), ev(2), ev(3)]);
      await flush();
      expect(seen).toEqual([1, 2, 3]);
      expect(s.errors.map((e) => e.message)).toEqual(['boom', 'async boom']);
    });

    it('does not await a slow callback: pings and later events go on', async () => {
      const s = setup();
      const seen: number[] = [];
      s.client.subscribe('t', {
        onEvent: async (e: TroupeEvent) => {
          seen.push(e.seq);
          await new Promise<void>(() => undefined);
        },
      });
      const c = await up(s, 1000);
      c.ackSubs();
      c.send(ev(1));
      c.send(ev(2));
      await s.clock.advance(1000);
      expect(seen).toEqual([1, 2]);
      expect(c.sent('ping')).toHaveLength(1);
    });

    it('survives a callback that closes the client mid-batch', async () => {
      const s = setup();
      const seen: number[] = [];
      s.client.subscribe('t', {
        onEvent: (e: TroupeEvent) => {
          seen.push(e.seq);
          s.client.close();
        },
      });
      const c = await up(s);
      c.ackSubs();
      c.send([ev(1), ev(2)]);
      expect(seen).toEqual([1]);
      expect(s.client.state).toBe('closed');
    });
  });

  describe('bad server input', () => {
    it('drops the connection on an undecodable frame and reconnects', async () => {
      const s = setup();
      const c = await up(s);
      c.sendRaw(new Uint8Array([0xc1]));
      expect(c.closedByClient).toEqual({ code: 4000, reason: 'undecodable frame' });
      expect(s.client.state).toBe('reconnecting');
    });

    it('reports a message with ill-typed fields and goes on', async () => {
      const s = setup();
      const seen: number[] = [];
      s.client.subscribe('t', { onEvent: (e: TroupeEvent) => seen.push(e.seq) });
      const c = await up(s);
      c.ackSubs();
      c.send([{ op: 'ev', topic: 't', seq: 'x', epoch: 'E' }, ev(1)]);
      expect(seen).toEqual([1]);
      expect(s.errors).toHaveLength(1);
    });
  });

  describe('token refresh', () => {
    it('sends refresh with a new token from getToken before exp and stays connected', async () => {
      const clock = new FakeClock();
      const s = setup({
        clock,
        getToken: () => {
          const b64 = Buffer.from(
            JSON.stringify({ exp: Math.floor(clock.now() / 1000) + 10 }),
          ).toString('base64url');
          return `h.${b64}.s`;
        },
      });
      const c = await up(s);
      expect(c.url).toMatch(/\?token=h\./);
      await s.clock.advance(5000);
      const [r] = c.sent('refresh');
      expect(r).toMatchObject({ op: 'refresh', token: expect.stringMatching(/^h\./) });
      c.send({ op: 'ack', id: r!.id, exp: Math.floor(s.clock.now() / 1000) + 10 });
      await s.clock.advance(5000);
      expect(c.sent('refresh')).toHaveLength(2);
      expect(s.client.state).toBe('connected');
    });
  });

  describe('protocol json', () => {
    it('offers troupe.v1.json and speaks JSON text frames', async () => {
      const s = setup({ protocol: 'json' });
      const seen: unknown[] = [];
      s.client.subscribe('t', { onEvent: (e: TroupeEvent) => seen.push(e.data) });
      const c = await up(s);
      expect(c.subprotocol).toBe('troupe.v1.json');
      c.ackSubs();
      c.send(ev(1));
      expect(seen).toEqual([{ n: 1 }]);
    });
  });

  describe('connect', () => {
    it('refuses bad URLs and options at once', () => {
      const t = new FakeTransport();
      expect(() => connect('ftp://x', { customTransport: t })).toThrow(TroupeUsageError);
      expect(() => connect([], { customTransport: t })).toThrow(TroupeUsageError);
      expect(() => connect('ws://x', { transport: 'carrier-pigeon' as never })).toThrow(
        /unknown transport/,
      );
      expect(() => connect('ws://x', { customTransport: t, requestTimeoutMs: -1 })).toThrow(
        TroupeUsageError,
      );
      expect(() =>
        connect('ws://x', { customTransport: t, token: 'a', getToken: () => 'b' }),
      ).toThrow(TroupeUsageError);
    });

    it('sends ?member= where there is no token', async () => {
      const s = setup({ member: 'ann' });
      await flush();
      expect(s.t.last.url).toBe('ws://h:1/v1/ws?member=ann');
    });
  });
});
