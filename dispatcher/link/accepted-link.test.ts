import { encodeFrame } from '../../protocol';
import { authFrame, newNonce, parseHello, serverMac } from './handshake';
import { LinkServer } from './link-server';
import { newLinkStats, type LinkStats } from './link-stats';
import type { ActorSystem } from '../../actors';
import {
  linkOptions,
  newSystem,
  parsedPub,
  pub,
  RawPeer,
  Recorder,
  SECRET,
  type LogLine,
} from '../../testing/link-peers';
import type { LinkOptions } from './types';
import { eventually } from '../../testing/eventually';

const GATEWAY = { node: 'gw-1', role: 'gateway', dc: 'local' } as const;

describe('acceptedLinkBehavior', () => {
  let system: ActorSystem;
  let server: LinkServer;
  let rec: Recorder;
  let logs: LogLine[];
  let port: number;
  let stats: LinkStats;
  const peers: RawPeer[] = [];

  async function start(over: Partial<LinkOptions> = {}): Promise<void> {
    rec = new Recorder();
    logs = [];
    system = newSystem();
    stats = newLinkStats();
    server = new LinkServer(system, linkOptions('disp-1', { stats, ...over }, logs), rec);
    port = await server.listen('127.0.0.1', 0);
  }
  async function connect(): Promise<RawPeer> {
    const p = await RawPeer.connect(port);
    peers.push(p);
    return p;
  }
  async function handshake(secret: string | undefined = SECRET): Promise<RawPeer> {
    const p = await RawPeer.handshake(port, GATEWAY, secret);
    peers.push(p);
    return p;
  }
  const dropped = (why: string): boolean =>
    logs.some((l) => l.level === 'warn' && l.meta?.why === why);

  afterEach(async () => {
    for (const p of peers.splice(0)) p.destroy();
    await server.close();
    await system.terminate();
  });

  describe('#handshake', () => {
    it('says hello first with its identity and a fresh 16-byte nonce', async () => {
      await start();
      const a = parseHello(await (await connect()).next());
      const b = parseHello(await (await connect()).next());
      expect(a).toMatchObject({
        op: 'hello',
        v: 1,
        node: 'disp-1',
        role: 'dispatcher',
        dc: 'local',
      });
      expect(a!.nonce).toMatch(/^[0-9a-f]{32}$/);
      expect(b!.nonce).not.toBe(a!.nonce);
    });

    it('answers a good auth with a welcome whose mac proves the secret', async () => {
      await start();
      const p = await connect();
      const hello = parseHello(await p.next())!;
      const clientNonce = newNonce();
      p.send(authFrame(GATEWAY, SECRET, hello.nonce, clientNonce));
      expect(await p.next()).toEqual({
        op: 'welcome',
        mac: serverMac(SECRET, clientNonce, hello.nonce, {
          node: 'disp-1',
          role: 'dispatcher',
          dc: 'local',
        }),
      });
    });

    it('reports the link up only once the client confirms after welcome', async () => {
      await start();
      const p = await connect();
      const hello = parseHello(await p.next())!;
      p.send(authFrame(GATEWAY, SECRET, hello.nonce, newNonce()));
      await p.next();
      expect(rec.ups).toHaveLength(0);
      p.send({ op: 'hb' });
      await eventually(() => rec.ups.length === 1);
      expect(rec.last.peer).toEqual(GATEWAY);
      expect(rec.last.remote).toMatch(/^127\.0\.0\.1:\d+$/);
    });

    it('drops a client whose mac is wrong and keeps accepting good clients', async () => {
      await start();
      const bad = await connect();
      const hello = parseHello(await bad.next())!;
      bad.send(authFrame(GATEWAY, 'not-the-secret', hello.nonce, newNonce()));
      await eventually(() => bad.closed);
      expect(dropped('auth-failed')).toBe(true);
      expect(bad.values).toHaveLength(0);
      await handshake();
      await eventually(() => rec.ups.length === 1);
    });

    it('drops a client that replays an auth made for another nonce', async () => {
      await start();
      const first = await connect();
      const hello = parseHello(await first.next())!;
      const recorded = authFrame(GATEWAY, SECRET, hello.nonce, newNonce());
      const replay = await connect();
      await replay.next();
      replay.send(recorded);
      await eventually(() => replay.closed);
      expect(dropped('auth-failed')).toBe(true);
    });

    it('drops a gateway auth relabelled as a dispatcher (the mac covers node, role and dc)', async () => {
      await start();
      const p = await connect();
      const hello = parseHello(await p.next())!;
      p.send({ ...authFrame(GATEWAY, SECRET, hello.nonce, newNonce()), role: 'dispatcher' });
      await eventually(() => p.closed);
      expect(dropped('auth-failed')).toBe(true);
      expect(rec.ups).toHaveLength(0);
    });

    it('drops a client that sends no mac when the server has a secret', async () => {
      await start();
      const p = await connect();
      const hello = parseHello(await p.next())!;
      p.send(authFrame(GATEWAY, undefined, hello.nonce, newNonce()));
      await eventually(() => p.closed);
      expect(dropped('auth-failed')).toBe(true);
      expect(rec.ups).toHaveLength(0);
    });

    it('drops a client that sends something else than auth', async () => {
      await start();
      const p = await connect();
      await p.next();
      p.send(pub(1));
      await eventually(() => p.closed);
      expect(dropped('bad-frame')).toBe(true);
    });

    it('drops a client that does not finish the handshake in time', async () => {
      await start({ acceptTimeoutMs: 50 });
      const p = await connect();
      await eventually(() => p.closed);
      expect(dropped('handshake-timeout')).toBe(true);
    });
  });

  describe('#onData', () => {
    it('delivers application frames in order and never heartbeats', async () => {
      await start();
      const p = await handshake();
      await eventually(() => rec.ups.length === 1);
      p.socket.write(
        Buffer.concat([encodeFrame(pub(1)), encodeFrame({ op: 'hb' }), encodeFrame(pub(2))]),
      );
      await eventually(() => rec.msgs.length === 2);
      expect(rec.msgs).toEqual([parsedPub(1), parsedPub(2)]);
    });

    it.each([
      ['undecodable bytes', Buffer.from([0, 0, 0, 2, 0xc1, 0xc1])],
      ['a map without a known op', encodeFrame({ op: 'rm -rf' })],
      ['a map without an op', encodeFrame({ topic: 't' })],
      ['a batch (an array)', encodeFrame([pub(1)])],
      ['a scalar', encodeFrame(42)],
      ['interest whose topics is a number', encodeFrame({ op: 'interest', topics: 5, on: true })],
      ['a pub to a name the client grammar refuses', encodeFrame({ ...pub(1), topic: 'a b' })],
      ['a pub whose data is a msgpack timestamp', encodeFrame({ ...pub(1), data: new Date(0) })],
      ['a fwd (an op only a dispatcher may send)', encodeFrame({ op: 'fwd', items: [] })],
      ['an ev (an op only a dispatcher may send)', encodeFrame({ op: 'ev', events: [] })],
    ])('drops the link and keeps serving when an up peer sends %s', async (_what, bytes) => {
      await start();
      const p = await handshake();
      await eventually(() => rec.ups.length === 1);
      p.socket.write(bytes);
      await eventually(() => rec.downs.length === 1);
      expect(rec.downs[0]!.reason).toBe('bad-frame');
      expect(dropped('bad-frame')).toBe(true);
      await handshake();
      await eventually(() => rec.ups.length === 2);
    });

    it('drops a dispatcher peer whose fwd carries a null item, counted and logged', async () => {
      await start();
      const p = await RawPeer.handshake(port, { ...GATEWAY, role: 'dispatcher' }, SECRET);
      peers.push(p);
      await eventually(() => rec.ups.length === 1);
      const before = stats.protocolDrops;
      p.send({ op: 'fwd', items: [null] });
      await eventually(() => rec.downs.length === 1);
      expect(rec.msgs).toEqual([]);
      expect(rec.downs[0]!.reason).toBe('bad-frame');
      expect(stats.protocolDrops).toBe(before + 1);
      const line = logs.find((l) => l.meta?.why === 'bad-frame');
      expect(line?.meta?.detail).toBe("fwd: 'items[0]' must be a map");
    });

    it('drops the link on a frame header over maxFrame before reading its body', async () => {
      await start({ maxFrame: 1024 });
      const p = await handshake();
      await eventually(() => rec.ups.length === 1);
      const header = Buffer.alloc(4);
      header.writeUInt32BE(1025);
      p.socket.write(header);
      await eventually(() => rec.downs.length === 1);
      expect(rec.downs[0]!.reason).toBe('frame-too-large');
      expect(dropped('frame-too-large')).toBe(true);
    });

    it('drops garbage sent instead of the handshake', async () => {
      await start();
      const p = await connect();
      p.socket.write(Buffer.from('GET / HTTP/1.1\r\n\r\n'));
      await eventually(() => p.closed);
      expect(dropped('frame-too-large') || dropped('bad-frame')).toBe(true);
    });
  });

  describe('#tick', () => {
    it('drops a peer that goes silent after the handshake', async () => {
      await start({ heartbeatMs: 20, deadAfterMs: 100 });
      await handshake();
      await eventually(() => rec.ups.length === 1);
      await eventually(() => rec.downs.length === 1, 2000);
      expect(rec.downs[0]!.reason).toBe('peer-dead');
    });

    it('sends heartbeats to an idle peer', async () => {
      await start({ heartbeatMs: 20, deadAfterMs: 1000 });
      const p = await handshake();
      await eventually(() => p.values.filter((v) => (v as { op: string }).op === 'hb').length >= 3);
    });
  });

  describe('#close', () => {
    it('reports down exactly once however often it is closed', async () => {
      await start();
      const p = await handshake();
      await eventually(() => rec.ups.length === 1);
      rec.last.close('first');
      rec.last.close('second');
      expect(rec.last.send(pub(1))).toBe(false);
      await eventually(() => p.closed);
      expect(rec.events).toEqual(['up', 'down:first']);
    });
  });
});
