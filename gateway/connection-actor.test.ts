import { ActorSystem, clockMs, type ActorRef, type SpawnOptions } from '../actors';

import { msgpackCodec } from '../protocol';
import { packMsgpack } from '../protocol/msgpack';
import { ConnectionActor, type ConnectionLimits } from './connection-actor';
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
      () => new ConnectionActor(env, name, socket, msgpackCodec),
      opts,
    );
  }

  beforeEach(() => {
    system = ActorSystem.create('test', { log: () => undefined });
    conn = new FakeConn();
    stats = newGatewayStats();
    router = system.spawn<RouterMsg>('router', () => ({
      receive: (msg) => void (msg.type === 'sub' && msg.replyTo.tell(true)),
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
});
