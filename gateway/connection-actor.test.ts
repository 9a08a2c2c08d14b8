import { ActorSystem, clockMs, type ActorRef, type SpawnOptions } from '../actors';
import { AuthThrottle, identityFromClaims, JwtVerifier, type Identity } from '../auth';
import { seconds, sign } from '../testing/auth-keys';
import { Packr } from 'msgpackr';
import { msgpackCodec, payloadBytes } from '../protocol';
import { packMsgpack } from '../protocol/msgpack';
import { ConnectionActor, STRIKES_MAX, type ConnectionLimits } from './connection-actor';
import { Limits } from '../server/limits';
import { EventBatch } from './event-batch';
import { LiveTable } from './live-channels';
import { newGatewayStats, type GatewayStats } from './gateway-stats';
import type { ConnMsg, RouterMsg } from './messages';
import { NullConn, stubDispatcher } from '../testing/doubles';
import type { SendResult } from './transport';
import { eventually } from '../testing/eventually';

const limits: ConnectionLimits = {
  heartbeatMs: 1000,
  idleTimeoutMs: 2500,
  outboundLimit: 1024,
  maxSubscriptions: 10,
  ratePerSec: 1,
  rateBurst: 2,
  rateStrikes: 3,
  requestTimeoutMs: 1000,
  allowPublish: false,
};

/** Records every frame (decoded) and the close; `buffered` stands for a client not reading. */
class FakeConn extends NullConn {
  readonly sent: Record<string, unknown>[] = [];
  closed: { code: number; reason: string } | undefined;
  buffered = 0;

  override send(data: Uint8Array | string): SendResult {
    const msg = msgpackCodec.decode(data);
    for (const m of Array.isArray(msg) ? msg : [msg]) this.sent.push(m as Record<string, unknown>);
    return 'ok';
  }
  override bufferedAmount(): number {
    return this.buffered;
  }
  override close(code?: number, reason?: string): void {
    this.closed ??= { code: code!, reason: reason! };
  }
}

describe('ConnectionActor', () => {
  let system: ActorSystem;
  let conn: FakeConn;
  let stats: GatewayStats;
  let actor: ActorRef<ConnMsg>;
  let router: ActorRef<RouterMsg>;

  /** A connection actor on `socket`, under a router that accepts every `sub`. */
  function spawnConn(name: string, socket: FakeConn, opts?: SpawnOptions): ActorRef<ConnMsg> {
    const env = { node: 'n1', router, dispatcher: stubDispatcher, limits, stats };
    return system.spawn<ConnMsg>(
      `conn-${name}`,
      () => new ConnectionActor(env, socket, msgpackCodec),
      opts,
    );
  }

  beforeEach(() => {
    system = ActorSystem.create('test', { log: () => undefined });
    conn = new FakeConn();
    stats = newGatewayStats();
    router = system.spawn<RouterMsg>('router', () => ({
      receive: (msg) => void (msg.type === 'sub' && msg.replyTo.tell(msg.topic)),
    }));
    actor = spawnConn('c1', conn);
  });

  afterEach(() => system.terminate());

  const frame = (msg: unknown): ConnMsg => ({ type: 'frame', data: packMsgpack(msg) });
  const ops = (): unknown[] => conn.sent.map((m) => m['op']);

  describe('#preStart', () => {
    it('greets the client with hello when the actor starts', async () => {
      await eventually(() => conn.sent.length === 1);
      expect(conn.sent[0]).toEqual({ op: 'hello', v: 1, conn: 'c1', node: 'n1', hb: 1000 });
      expect(stats.connections).toBe(1);
    });

    it('leaves the hello to the transport when it wrote it at the open (greeted)', async () => {
      const socket = new FakeConn();
      const env = { node: 'n1', router, dispatcher: stubDispatcher, limits, stats };
      const a = system.spawn<ConnMsg>(
        'conn-g1',
        () => new ConnectionActor(env, socket, msgpackCodec, undefined, true),
      );
      a.tell(frame({ op: 'ping', id: 3 }));
      await eventually(() => socket.sent.length === 1);
      expect(socket.sent).toEqual([{ op: 'pong', id: 3 }]);
      expect(stats.connections).toBe(2); // c1 of beforeEach and this one
    });
  });

  describe('#receive', () => {
    it('answers pong with the id when the client pings', async () => {
      actor.tell(frame({ op: 'ping', id: 7 }));
      await eventually(() => conn.sent.length === 2);
      expect(conn.sent[1]).toEqual({ op: 'pong', id: 7 });
    });

    it('closes with 4000 when a frame cannot be decoded', async () => {
      actor.tell({ type: 'frame', data: Uint8Array.from([0x82, 0xa2, 0x6f]) });
      await eventually(() => conn.closed !== undefined);
      expect(conn.closed).toEqual({ code: 4000, reason: 'undecodable frame' });
      expect(stats.badInput['undecodable']).toBe(1);
      expect(stats.disconnects['undecodable_frame']).toBe(1);
    });

    it('answers err 429 over the rate, then closes with 4029 after rateStrikes in a row', async () => {
      for (let i = 1; i <= 5; i++) actor.tell(frame({ op: 'ping', id: i }));
      await eventually(() => conn.closed !== undefined);
      expect(conn.closed).toEqual({ code: 4029, reason: 'rate limit exceeded' });
      // Burst 2 admitted, strikes 1 and 2 answered 429, strike 3 closes.
      expect(conn.sent.slice(1)).toEqual([
        { op: 'pong', id: 1 },
        { op: 'pong', id: 2 },
        { op: 'err', id: 3, code: 429, msg: 'rate limited' },
        { op: 'err', id: 4, code: 429, msg: 'rate limited' },
      ]);
      expect(stats.badInput['rate_limited']).toBe(3);
      expect(stats.disconnects['rate_limit_exceeded']).toBe(1);
    });

    it('closes with 4008 when earlier frames have not drained below the bound', async () => {
      await eventually(() => conn.sent.length === 1);
      conn.buffered = limits.outboundLimit + 1;
      actor.tell(frame({ op: 'ping', id: 1 }));
      await eventually(() => conn.closed !== undefined);
      expect(conn.closed).toEqual({ code: 4008, reason: 'slow consumer' });
      expect(ops()).toEqual(['hello']);
      expect(stats.drops['slow_consumer']).toBe(1);
      expect(stats.disconnects['slow_consumer']).toBe(1);
    });

    it('closes with 1001 when no frame came within the idle timeout', async () => {
      actor.tell({ type: 'tick', now: clockMs() + limits.idleTimeoutMs });
      await new Promise((r) => setTimeout(r, 10));
      expect(conn.closed).toBeUndefined();
      actor.tell({ type: 'tick', now: clockMs() + limits.idleTimeoutMs + 50 });
      await eventually(() => conn.closed !== undefined);
      expect(conn.closed).toEqual({ code: 1001, reason: 'idle timeout' });
      expect(stats.disconnects['idle_timeout']).toBe(1);
    });

    it('counts a close the client started by its label, once, when the transport reports it', async () => {
      await eventually(() => stats.connections === 1);
      actor.tell({ type: 'closed', code: 1000 });
      await eventually(() => stats.connections === 0);
      expect(stats.disconnects).toEqual({ client_normal: 1 });
    });
  });

  describe('#strikes', () => {
    it("counts past the node's rateStrikes, and up to STRIKES_MAX without touching the state", () => {
      expect(Limits.rateStrikes).toBeLessThan(STRIKES_MAX);
      const env = { node: 'n1', router, dispatcher: stubDispatcher, limits, stats };
      const a = new ConnectionActor(env, new FakeConn(), msgpackCodec);
      a.strikes = Limits.rateStrikes;
      expect(a.strikes).toBe(Limits.rateStrikes);
      a.strikes = STRIKES_MAX + 10;
      expect(a.strikes).toBe(STRIKES_MAX);
      expect(a.open).toBe(true);
      a.strikes = 0;
      expect(a.strikes).toBe(0);
      expect(a.open).toBe(true);
    });
  });

  describe('#postStop', () => {
    it('sends bye and closes with the same reason when stopped from outside', async () => {
      await eventually(() => conn.sent.length === 1);
      system.stop(actor);
      await eventually(() => conn.closed !== undefined);
      const bye = conn.sent.find((m) => m['op'] === 'bye');
      expect(bye).toMatchObject({ code: 1001, reason: 'connection stopped by server' });
      expect(conn.closed).toEqual({ code: 1001, reason: bye!['reason'] });
      expect(stats.disconnects).toEqual({ stopped_by_server: 1 });
    });
  });

  describe('#onOverflow', () => {
    it('closes with 4008 when its mailbox is over its bound', async () => {
      const other = new FakeConn();
      const small = spawnConn('c2', other, { mailbox: { capacity: 1, overflow: 'fail' } });
      for (let i = 0; i < 4; i++) small.tell({ type: 'tick', now: 0 });
      await eventually(() => other.closed !== undefined);
      expect(other.closed).toEqual({ code: 4008, reason: 'slow consumer' });
      expect(stats.drops['mailbox_overflow']).toBeGreaterThan(0);
    });
  });

  describe('#subscribe (last)', () => {
    const held = Array.from({ length: 250 }, (_, i) => ({
      topic: 't',
      seq: i + 1,
      epoch: 'E',
      data: i + 1,
      t0: 0,
    }));

    it('passes last to the history read, acks, replays in chunks, then only newer live events', async () => {
      const asked: unknown[][] = [];
      const dispatcher = {
        ...stubDispatcher,
        history: (...args: unknown[]) => {
          asked.push(args);
          return Promise.resolve({ epoch: 'E', seq: 250, recovered: true, events: held });
        },
      };
      const socket = new FakeConn();
      let frames = 0;
      const send = socket.send.bind(socket);
      socket.send = (data) => (frames++, send(data));
      const env = { node: 'n1', router, dispatcher, limits, stats };
      const a = system.spawn<ConnMsg>('conn-last', () => {
        return new ConnectionActor(env, socket, msgpackCodec);
      });
      a.tell(frame({ op: 'sub', id: 1, topic: 't', last: 250 }));
      await eventually(() => socket.sent.length === 252);
      expect(asked).toEqual([['t', undefined, 250]]);
      expect(socket.sent[1]).toEqual({ op: 'ack', id: 1, epoch: 'E', seq: 250, recovered: true });
      expect(socket.sent.slice(2).map((m) => m['seq'])).toEqual(held.map((e) => e.seq));
      // hello, ack, then 250 events in frames of REPLAY_CHUNK (100): 100 + 100 + 50.
      expect(frames).toBe(5);
      const live = [249, 250, 251].map((seq) => ({ ...held[0]!, seq, data: seq }));
      const batch = new EventBatch('t', 'E', live);
      batch.expect(1);
      a.tell({ type: 'event', batch });
      await eventually(() => socket.sent.length === 253);
      expect(socket.sent[252]).toMatchObject({ op: 'ev', seq: 251, data: 251 });
    });
  });

  describe('live channels', () => {
    /** A socket that can join channels; records what it joined and left. */
    class JoiningConn extends FakeConn {
      readonly joined: string[] = [];
      readonly left: string[] = [];
      join(channel: string): boolean {
        this.joined.push(channel);
        return true;
      }
      leave(channel: string): void {
        this.left.push(channel);
      }
    }
    const told: RouterMsg[] = [];
    const event = (seq: number): EventBatch => {
      const b = new EventBatch('t', 'e', [
        { topic: 't', epoch: 'e', seq, data: seq, t0: 0 } as never,
      ]);
      b.expect(1);
      return b;
    };

    function spawnLive(socket: FakeConn, backlog: number[]): ActorRef<ConnMsg> {
      const r = system.spawn<RouterMsg>('live-router', () => ({
        receive: (msg) => {
          told.push(msg);
          if (msg.type === 'sub') msg.replyTo.tell(msg.topic);
        },
      }));
      const live = new LiveTable(1);
      live.backlog[0] = backlog[0]!;
      const env = {
        node: 'n1',
        router: r,
        dispatcher: stubDispatcher,
        limits,
        stats,
        live,
        shard: 0,
      };
      return system.spawn<ConnMsg>(
        'conn-live',
        () => new ConnectionActor(env, socket, msgpackCodec),
      );
    }

    beforeEach(() => (told.length = 0));

    it('joins the channel once caught up, tells the router, and drops the copies told after', async () => {
      const socket = new JoiningConn();
      const a = spawnLive(socket, [0]);
      a.tell(frame({ op: 'sub', id: 1, topic: 't' }));
      await eventually(() => told.some((m) => m.type === 'live'));
      expect(socket.joined).toEqual(['t']);
      expect(told.find((m) => m.type === 'live')).toMatchObject({ topic: 't', binary: true });
      a.tell({ type: 'event', batch: event(1) });
      a.tell(frame({ op: 'ping', id: 9 }));
      await eventually(() => socket.sent.some((m) => m['op'] === 'pong'));
      expect(socket.sent.filter((m) => m['op'] === 'ev')).toEqual([]);
    });

    it('writes what is queued before joining, and waits out a router backlog', async () => {
      const socket = new JoiningConn();
      const a = spawnLive(socket, [1]);
      a.tell(frame({ op: 'sub', id: 1, topic: 't' }));
      await eventually(() => socket.sent.some((m) => m['op'] === 'ack'));
      a.tell({ type: 'event', batch: event(1) });
      await eventually(() => socket.sent.some((m) => m['op'] === 'ev'));
      await new Promise((r) => setTimeout(r, 20));
      // The router still holds a batch: no join (the bounded retries ran out).
      expect(socket.joined).toEqual([]);
      expect(socket.sent.filter((m) => m['op'] === 'ev').map((m) => m['seq'])).toEqual([1]);
    });

    it('leaves the channel at unsub', async () => {
      const socket = new JoiningConn();
      const a = spawnLive(socket, [0]);
      a.tell(frame({ op: 'sub', id: 1, topic: 't' }));
      await eventually(() => socket.joined.length === 1);
      a.tell(frame({ op: 'unsub', id: 2, topic: 't' }));
      await eventually(() => socket.left.length === 1);
      expect(socket.left).toEqual(['t']);
    });
  });

  describe('permissions', () => {
    const publishing = {
      ...stubDispatcher,
      publish: () => Promise.resolve({ seq: 1, epoch: 'e' }),
    };
    const burst = { ...limits, rateBurst: 100, ratePerSec: 100 };

    function spawnWith(
      socket: FakeConn,
      identity: Identity | undefined,
      allowPublish = false,
    ): ActorRef<ConnMsg> {
      const env = {
        node: 'n1',
        router,
        dispatcher: publishing,
        limits: { ...burst, allowPublish },
        stats,
      };
      return system.spawn<ConnMsg>(
        'conn-p',
        () => new ConnectionActor(env, socket, msgpackCodec, identity),
      );
    }

    const ann = identityFromClaims({
      sub: 'ann',
      exp: 2e9,
      topics: ['live:*', 'inbox:{sub}'],
      pub: ['chat:{sub}'],
    });
    const replies = (socket: FakeConn) => socket.sent.slice(1);

    it('answers sub with 403 for a topic the token does not allow, and stays open', async () => {
      const socket = new FakeConn();
      const a = spawnWith(socket, ann);
      a.tell(frame({ op: 'sub', id: 1, topic: 'inbox:bob' }));
      a.tell(frame({ op: 'sub', id: 2, topic: 'inbox:ann' }));
      a.tell(frame({ op: 'sub', id: 3, topic: 'live:v1' }));
      await eventually(() => socket.sent.length === 4);
      expect(replies(socket)).toEqual([
        { op: 'err', id: 1, code: 403, msg: 'not allowed to subscribe to this topic' },
        { op: 'ack', id: 2, epoch: 'e', seq: 0, recovered: false },
        { op: 'ack', id: 3, epoch: 'e', seq: 0, recovered: false },
      ]);
      expect(socket.closed).toBeUndefined();
      expect(stats.badInput['forbidden']).toBe(1);
    });

    it('lets pub through only where the pub claim covers the topic', async () => {
      const socket = new FakeConn();
      const a = spawnWith(socket, ann);
      a.tell(frame({ op: 'pub', id: 1, topic: 'chat:bob', data: 1 }));
      a.tell(frame({ op: 'pub', id: 2, topic: 'chat:ann', data: 1 }));
      await eventually(() => socket.sent.length === 3);
      expect(replies(socket)).toEqual([
        { op: 'err', id: 1, code: 403, msg: 'not allowed to publish to this topic' },
        { op: 'ack', id: 2, seq: 1, epoch: 'e' },
      ]);
    });

    it('lets any pub through with allowPublish (no client auth, or --client-publish)', async () => {
      const socket = new FakeConn();
      const a = spawnWith(socket, ann, true);
      a.tell(frame({ op: 'pub', id: 1, topic: 'chat:bob', data: 1 }));
      await eventually(() => socket.sent.length === 2);
      expect(replies(socket)).toEqual([{ op: 'ack', id: 1, seq: 1, epoch: 'e' }]);
    });

    it("hands the dispatcher a pub's data without undefined map values, with its size", async () => {
      const told: unknown[][] = [];
      const env = {
        node: 'n1',
        router,
        dispatcher: {
          ...stubDispatcher,
          publish: (...args: unknown[]) => {
            told.push(args);
            return Promise.resolve({ seq: 1, epoch: 'e' });
          },
        },
        limits: { ...burst, allowPublish: true },
        stats,
      };
      const socket = new FakeConn();
      const a = system.spawn<ConnMsg>(
        'conn-sized',
        () => new ConnectionActor(env, socket, msgpackCodec, undefined),
      );
      // A stock msgpack writer: `undefined` goes out as fixext 0, which troupe's decoder reads.
      const data = { a: 1, b: undefined, c: [{ d: undefined, e: 2 }] };
      a.tell({
        type: 'frame',
        data: new Packr({ useRecords: false }).pack({ op: 'pub', id: 1, topic: 't', data }),
      });
      await eventually(() => socket.sent.length === 2);
      const kept = { a: 1, c: [{ e: 2 }] };
      expect(told).toStrictEqual([['t', kept, payloadBytes(kept)]]);
    });

    it('refuses pub without an identity unless allowPublish (static --auth-token)', async () => {
      const socket = new FakeConn();
      const a = spawnWith(socket, undefined);
      a.tell(frame({ op: 'pub', id: 1, topic: 'chat:ann', data: 1 }));
      a.tell(frame({ op: 'sub', id: 2, topic: 'anything' }));
      await eventually(() => socket.sent.length === 3);
      expect(replies(socket)).toEqual([
        { op: 'err', id: 1, code: 403, msg: 'not allowed to publish to this topic' },
        { op: 'ack', id: 2, epoch: 'e', seq: 0, recovered: false },
      ]);
    });
  });

  describe('expiry and refresh', () => {
    const SECRET = 'k'.repeat(32);
    const auth = {
      verifier: new JwtVerifier({ secret: SECRET }),
      throttle: new AuthThrottle(),
      timeoutMs: 200,
    };
    const token = (claims: object) =>
      sign({ exp: seconds(Date.now()) + 60, ...claims }, Buffer.from(SECRET), 'HS256');
    /** An identity expiring in `ms` (claims may carry fractional seconds). */
    const expiringIn = (ms: number, sub = 'ann') =>
      identityFromClaims({ sub, exp: (Date.now() + ms) / 1000, topics: ['*'] });

    function spawnWith(socket: FakeConn, identity: Identity | undefined): ActorRef<ConnMsg> {
      const env = {
        node: 'n1',
        router,
        dispatcher: stubDispatcher,
        limits: { ...limits, rateBurst: 100, ratePerSec: 100 },
        stats,
        auth,
      };
      return system.spawn<ConnMsg>(
        'conn-e',
        () => new ConnectionActor(env, socket, msgpackCodec, identity),
      );
    }

    it('sends bye and closes 4001 "token expired" at exp, by its own timer', async () => {
      const socket = new FakeConn();
      const at = Date.now() + 150;
      spawnWith(socket, expiringIn(150));
      await eventually(() => socket.closed !== undefined);
      expect(Date.now()).toBeGreaterThanOrEqual(at);
      expect(socket.closed).toEqual({ code: 4001, reason: 'token expired' });
      expect(socket.sent.slice(1)).toEqual([
        { op: 'bye', code: 4001, reason: 'token expired', retryMs: 0 },
      ]);
      expect(stats.disconnects['token_expired']).toBe(1);
    });

    it('closes on a tick once exp has passed', async () => {
      const socket = new FakeConn();
      const a = spawnWith(socket, expiringIn(60_000));
      await eventually(() => socket.sent.length === 1);
      jest.spyOn(Date, 'now').mockReturnValue(Date.now() + 61_000);
      a.tell({ type: 'tick', now: clockMs() });
      await eventually(() => socket.closed !== undefined);
      jest.restoreAllMocks();
      expect(socket.closed).toEqual({ code: 4001, reason: 'token expired' });
    });

    it('replaces the identity on refresh and acks with the new exp in seconds', async () => {
      const socket = new FakeConn();
      const a = spawnWith(socket, expiringIn(300));
      const exp = seconds(Date.now()) + 60;
      a.tell(frame({ op: 'refresh', id: 1, token: await token({ sub: 'ann', exp, topics: [] }) }));
      await eventually(() => socket.sent.length === 2);
      expect(socket.sent[1]).toEqual({ op: 'ack', id: 1, exp });
      await new Promise((r) => setTimeout(r, 400));
      expect(socket.closed).toBeUndefined();
      // The new token's permissions hold from now on.
      a.tell(frame({ op: 'sub', id: 2, topic: 'news' }));
      await eventually(() => socket.sent.length === 3);
      expect(socket.sent[2]).toMatchObject({ op: 'err', id: 2, code: 403 });
    });

    it('refuses a token for another sub with 403 and keeps the old identity', async () => {
      const socket = new FakeConn();
      const a = spawnWith(socket, expiringIn(60_000));
      a.tell(frame({ op: 'refresh', id: 1, token: await token({ sub: 'bob' }) }));
      a.tell(frame({ op: 'sub', id: 2, topic: 'news' }));
      await eventually(() => socket.sent.length === 3);
      expect(socket.sent[1]).toEqual({
        op: 'err',
        id: 1,
        code: 403,
        msg: "the token is for another 'sub'",
      });
      expect(socket.sent[2]).toMatchObject({ op: 'ack', id: 2 });
    });

    it('answers a token that fails verification with 401, the connection open', async () => {
      const socket = new FakeConn();
      const a = spawnWith(socket, expiringIn(60_000));
      a.tell(frame({ op: 'refresh', id: 1, token: 'not-a-jwt' }));
      await eventually(() => socket.sent.length === 2);
      expect(socket.sent[1]).toEqual({ op: 'err', id: 1, code: 401, msg: 'malformed token' });
      expect(socket.closed).toBeUndefined();
    });

    it('answers refresh with 400 where JWT auth is not configured', async () => {
      actor.tell(frame({ op: 'refresh', id: 1, token: 'a.b.c' }));
      await eventually(() => conn.sent.length === 2);
      expect(conn.sent[1]).toMatchObject({ op: 'err', id: 1, code: 400 });
    });

    describe('first-message auth', () => {
      it('answers other ops 401 until auth, then acks auth with exp and serves', async () => {
        const socket = new FakeConn();
        const a = spawnWith(socket, undefined);
        const exp = seconds(Date.now()) + 60;
        a.tell(frame({ op: 'sub', id: 1, topic: 'news' }));
        a.tell(
          frame({ op: 'auth', id: 2, token: await token({ sub: 'ann', exp, topics: ['*'] }) }),
        );
        a.tell(frame({ op: 'sub', id: 3, topic: 'news' }));
        a.tell(frame({ op: 'auth', id: 4, token: 'again' }));
        await eventually(() => socket.sent.length === 5);
        expect(socket.sent.slice(1)).toEqual([
          { op: 'err', id: 1, code: 401, msg: 'authenticate first with auth' },
          { op: 'ack', id: 2, exp },
          { op: 'ack', id: 3, epoch: 'e', seq: 0, recovered: false },
          { op: 'err', id: 4, code: 400, msg: 'auth is only the first message of a connection' },
        ]);
        await new Promise((r) => setTimeout(r, 300));
        expect(socket.closed).toBeUndefined();
      });

      it('closes with 4001 after err 401 when the token is refused', async () => {
        const socket = new FakeConn();
        const a = spawnWith(socket, undefined);
        a.tell(frame({ op: 'auth', id: 1, token: 'nope' }));
        await eventually(() => socket.closed !== undefined);
        expect(socket.closed).toEqual({ code: 4001, reason: 'authentication failed' });
        expect(socket.sent[1]).toEqual({ op: 'err', id: 1, code: 401, msg: 'malformed token' });
      });

      it('closes with 4001 when no auth came within the deadline', async () => {
        const socket = new FakeConn();
        const started = Date.now();
        spawnWith(socket, undefined);
        await eventually(() => socket.closed !== undefined);
        expect(Date.now() - started).toBeGreaterThanOrEqual(190);
        expect(socket.closed).toEqual({ code: 4001, reason: 'authentication failed' });
        expect(stats.badInput['auth_timeout']).toBe(1);
      });
    });
  });
});
