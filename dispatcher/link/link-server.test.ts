import net from 'node:net';
import { formatRemote, LinkServer } from './link-server';
import type { ActorSystem } from '../../actors';
import {
  linkOptions,
  newSystem,
  pub,
  RawPeer,
  Recorder,
  type LogLine,
} from '../../testing/link-peers';
import { eventually } from '../../testing/eventually';

const GATEWAY = { node: 'gw-1', role: 'gateway', dc: 'local' } as const;

describe('LinkServer', () => {
  let system: ActorSystem;
  let server: LinkServer;
  let rec: Recorder;
  let logs: LogLine[];
  const peers: RawPeer[] = [];

  beforeEach(() => {
    rec = new Recorder();
    logs = [];
    system = newSystem();
    server = new LinkServer(system, linkOptions('disp-1', {}, logs), rec);
  });
  afterEach(async () => {
    for (const p of peers.splice(0)) p.destroy();
    await server.close();
    await system.terminate();
  });

  async function handshake(port: number): Promise<RawPeer> {
    const p = await RawPeer.handshake(port, GATEWAY, 's3cr3t-cluster-key');
    peers.push(p);
    return p;
  }

  describe('#listen', () => {
    it('resolves the bound port when asked for port 0', async () => {
      const port = await server.listen('127.0.0.1', 0);
      expect(port).toBeGreaterThan(0);
    });

    it('rejects when the port is taken', async () => {
      const port = await server.listen('127.0.0.1', 0);
      const other = new LinkServer(system, linkOptions('disp-2'), new Recorder(), 'links-2');
      await expect(other.listen('127.0.0.1', port)).rejects.toThrow(/EADDRINUSE/);
      await other.close();
    });
  });

  describe('#links', () => {
    it('counts the links that are up, not the handshakes in flight', async () => {
      const port = await server.listen('127.0.0.1', 0);
      const half = await RawPeer.connect(port);
      peers.push(half);
      await handshake(port);
      await handshake(port);
      await eventually(() => rec.ups.length === 2);
      expect(server.links).toBe(2);
      rec.ups[0]!.close('test');
      expect(server.links).toBe(1);
    });
  });

  describe('#close', () => {
    it('drops every link with onDown once each, and stops accepting', async () => {
      const port = await server.listen('127.0.0.1', 0);
      const a = await handshake(port);
      const b = await handshake(port);
      await eventually(() => rec.ups.length === 2);
      await server.close();
      expect(rec.downs.map((d) => d.reason)).toEqual(['server-closing', 'server-closing']);
      await eventually(() => a.closed && b.closed);
      await expect(RawPeer.connect(port)).rejects.toThrow(/ECONNREFUSED/);
      expect(server.links).toBe(0);
    });

    it('can be called before listen and twice', async () => {
      await server.close();
      await server.close();
    });
  });

  describe('#send', () => {
    it('returns false once the peer stops reading and the socket queue is full', async () => {
      const s = new LinkServer(
        system,
        linkOptions('disp-q', { sendQueueLimit: 128 * 1024, deadAfterMs: 60_000 }),
        rec,
        'links-q',
      );
      const port = await s.listen('127.0.0.1', 0);
      const p = await handshake(port);
      await eventually(() => rec.ups.length === 1);
      p.socket.pause();
      const big = { op: 'pub', rid: 0, topic: 't', data: Buffer.alloc(32 * 1024, 7) } as const;
      let refused = false;
      for (let turn = 0; turn < 2000 && !refused; turn++) {
        for (let i = 0; i < 8 && !refused; i++) refused = !rec.last.send(big);
        await new Promise((r) => setImmediate(r));
      }
      expect(refused).toBe(true);
      // The link itself stays up: a full queue drops messages, not the peer.
      expect(s.links).toBe(1);
      expect(rec.downs).toHaveLength(0);
      await s.close();
    });

    it('hands each frame to the link actor, which writes it in its own turn', async () => {
      const port = await server.listen('127.0.0.1', 0);
      const p = await handshake(port);
      await eventually(() => rec.ups.length === 1);
      const path = `/user/links/link-127.0.0.1:${p.socket.localPort}`;
      expect(rec.last.send(pub(1))).toBe(true);
      const queued = system.inspect(path)!;
      expect(queued.mailbox).toBe(1);
      expect(queued.state.queuedBytes).toBeGreaterThan(0);
      await eventually(() => p.values.some((v) => (v as { op: string }).op === 'pub'));
      expect(system.inspect(path)!.state.queuedBytes).toBe(0);
    });

    it('reaches a peer that reads normally', async () => {
      const port = await server.listen('127.0.0.1', 0);
      const p = await handshake(port);
      await eventually(() => rec.ups.length === 1);
      expect(rec.last.send(pub(1))).toBe(true);
      await eventually(() => p.values.some((v) => (v as { op: string }).op === 'pub'));
    });
  });

  describe('#accept', () => {
    it('accepts loopback peers without a secret', async () => {
      const open = new LinkServer(
        system,
        linkOptions('disp-open', { secret: undefined }),
        rec,
        'links-open',
      );
      const port = await open.listen('127.0.0.1', 0);
      const p = await RawPeer.handshake(port, GATEWAY, undefined);
      peers.push(p);
      await eventually(() => rec.ups.length === 1);
      await open.close();
    });
  });

  describe('#actor', () => {
    const children = (): { name: string; kind: string }[] =>
      (system.snapshot('/user/links', 1)?.children ?? []).map((c) => ({
        name: c.name,
        kind: c.kind,
      }));

    it('shows each accepted link as a child of /user/links, gone when the peer disconnects', async () => {
      const port = await server.listen('127.0.0.1', 0);
      expect(system.snapshot('/user/links', 0)).toMatchObject({ kind: 'link-server' });
      const p = await handshake(port);
      await eventually(() => rec.ups.length === 1);
      const name = `link-127.0.0.1:${p.socket.localPort}`;
      expect(children()).toEqual([{ name, kind: 'link' }]);
      expect(system.inspect(`/user/links/${name}`)?.state).toMatchObject({
        side: 'accepted',
        state: 'up',
        peer: GATEWAY,
        remote: `127.0.0.1:${p.socket.localPort}`,
        framesIn: 2,
        framesOut: 2,
      });
      p.destroy();
      await eventually(() => children().length === 0);
      expect(rec.downs.map((d) => d.reason)).toEqual(['socket-closed']);
      expect(server.links).toBe(0);
    });

    it('shows a link still in its handshake with its state', async () => {
      const port = await server.listen('127.0.0.1', 0);
      const p = await RawPeer.connect(port);
      peers.push(p);
      await p.next();
      const name = `link-127.0.0.1:${p.socket.localPort}`;
      expect(system.inspect(`/user/links/${name}`)?.state).toMatchObject({
        state: 'awaiting-auth',
        framesOut: 1,
      });
    });

    it('drops the link with `stopped` when its actor is stopped (admin stop)', async () => {
      const port = await server.listen('127.0.0.1', 0);
      const p = await handshake(port);
      await eventually(() => rec.ups.length === 1);
      system.stop(system.lookup(`/user/links/link-127.0.0.1:${p.socket.localPort}`)!);
      await eventually(() => p.closed && children().length === 0);
      expect(rec.events).toEqual(['up', 'down:stopped']);
    });

    it('stops listening when the server actor is stopped', async () => {
      const port = await server.listen('127.0.0.1', 0);
      await handshake(port);
      await eventually(() => rec.ups.length === 1);
      system.stop(server.actor!);
      await eventually(() => rec.downs.length === 1 && system.lookup('/user/links') === undefined);
      await expect(RawPeer.connect(port)).rejects.toThrow(/ECONNREFUSED/);
    });
  });

  describe('#accept (handshakes in flight)', () => {
    /** Idle connections from `localAddress` (any 127.x.y.z is loopback on Linux). */
    async function flood(port: number, localAddress: string, n: number): Promise<net.Socket[]> {
      const sockets: net.Socket[] = [];
      for (let i = 0; i < n; i += 100) {
        const batch = Array.from({ length: Math.min(100, n - i) }, () => {
          const s = net.connect({ host: '127.0.0.1', port, localAddress });
          s.on('error', () => undefined);
          sockets.push(s);
          return new Promise<void>((resolve) => {
            s.once('connect', () => resolve());
            s.once('close', () => resolve());
          });
        });
        await Promise.all(batch);
      }
      return sockets;
    }
    const state = (): Record<string, unknown> => system.inspect('/user/links')!.state;
    const seen = (): number => (state().accepted as number) + (state().refused as number);

    it('links up a real peer from 127.0.0.1 while 1,100 idle connections from 127.0.0.2 wait', async () => {
      const port = await server.listen('127.0.0.1', 0);
      const idle = await flood(port, '127.0.0.2', 1100);
      try {
        await eventually(() => seen() === 1100, 10_000);
        // Slots free up as idle ones time out (2 s), so a slow flood may get a few more in.
        expect(state().handshakes).toBeLessThanOrEqual(64);
        expect(state().refused).toBeGreaterThan(900);
        await handshake(port);
        await eventually(() => rec.ups.length === 1);
        expect(logs.some((l) => l.meta?.why === 'too-many-handshakes')).toBe(true);
      } finally {
        for (const s of idle) s.destroy();
      }
    });

    it('refuses at accept an address whose handshakes kept failing, and nobody else', async () => {
      const port = await server.listen('127.0.0.1', 0);
      // 12 peers from 127.0.0.3 that send garbage instead of `auth`: each failure spends.
      for (let i = 0; i < 12; i++) {
        const s = net.connect({ host: '127.0.0.1', port, localAddress: '127.0.0.3' });
        s.on('error', () => undefined);
        s.resume(); // read the hello, so the server's close reaches us
        await new Promise<void>((resolve) => s.once('connect', () => resolve()));
        s.write(Buffer.from([0, 0, 0, 1, 0xc1]));
        await new Promise<void>((resolve) => s.once('close', () => resolve()));
      }
      const before = state().accepted as number;
      const late = net.connect({ host: '127.0.0.1', port, localAddress: '127.0.0.3' });
      late.on('error', () => undefined);
      late.resume();
      await new Promise<void>((resolve) => late.once('close', () => resolve()));
      // Refused before any actor: nothing accepted, one more refused, logged as throttled.
      expect(state().accepted).toBe(before);
      expect(logs.some((l) => l.meta?.why === 'throttled')).toBe(true);
      // A peer from another address, and many good handshakes from one, are never throttled.
      for (let i = 0; i < 12; i++) (await handshake(port)).destroy();
      await eventually(() => rec.ups.length === 12);
    });

    it('drops an accepted connection that does not finish its handshake in acceptTimeoutMs', async () => {
      await server.close();
      server = new LinkServer(system, linkOptions('disp-1', { acceptTimeoutMs: 100 }, logs), rec);
      const port = await server.listen('127.0.0.1', 0);
      const p = await RawPeer.connect(port);
      peers.push(p);
      await eventually(() => p.closed, 2000);
      expect(logs.some((l) => l.meta?.why === 'handshake-timeout')).toBe(true);
    });
  });

  describe('formatRemote', () => {
    it('brackets IPv6 hosts', () => {
      expect(formatRemote('127.0.0.1', 80)).toBe('127.0.0.1:80');
      expect(formatRemote('::1', 80)).toBe('[::1]:80');
    });
  });
});
