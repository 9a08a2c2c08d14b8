import type { ActorRef, ActorSystem } from '../../actors';
import { linkActorName, linkClientBehavior, type LinkClientMsg } from './link-client';
import { LinkServer } from './link-server';
import {
  linkOptions,
  newSystem,
  fail,
  pub,
  rawServer,
  Recorder,
  recordingProxy,
  SECRET,
  type LogLine,
} from '../../testing/link-peers';
import type { LinkOptions } from './types';
import { eventually } from '../../testing/eventually';

describe('linkClientBehavior', () => {
  let system: ActorSystem;
  const servers: LinkServer[] = [];

  beforeEach(() => {
    system = newSystem();
  });
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
    await system.terminate();
  });

  async function startServer(
    over: Partial<LinkOptions> = {},
    port = 0,
  ): Promise<{ server: LinkServer; rec: Recorder; port: number }> {
    const rec = new Recorder();
    const server = new LinkServer(
      system,
      linkOptions('dispatcher-a', over),
      rec,
      `links-${servers.length}`,
    );
    servers.push(server);
    return { server, rec, port: await server.listen('127.0.0.1', port) };
  }

  function dial(
    port: number,
    over: Partial<LinkOptions> = {},
    logs: LogLine[] = [],
  ): { ref: ActorRef<LinkClientMsg>; rec: Recorder } {
    const rec = new Recorder();
    const opts = {
      ...linkOptions(
        'gateway-1',
        { ...over, self: { node: 'gateway-1', role: 'gateway', dc: 'local' } },
        logs,
      ),
      target: { host: '127.0.0.1', port },
      backoff: { baseMs: 10, maxMs: 50 },
    };
    const ref = system.spawn(linkActorName(opts.target), () => linkClientBehavior(opts, rec), {
      kind: 'link',
    });
    return { ref, rec };
  }

  describe('#handshake', () => {
    it('brings the link up on both sides with the peer info when both hold the secret', async () => {
      const { rec: srv, port } = await startServer();
      const { rec } = dial(port);
      await eventually(() => rec.ups.length === 1 && srv.ups.length === 1);
      expect(rec.last.peer).toEqual({ node: 'dispatcher-a', role: 'dispatcher', dc: 'local' });
      expect(rec.last.remote).toBe(`127.0.0.1:${port}`);
      expect(srv.last.peer).toEqual({ node: 'gateway-1', role: 'gateway', dc: 'local' });
    });

    it('brings the link up on loopback when neither side has a secret', async () => {
      const { rec: srv, port } = await startServer({ secret: undefined });
      const { rec } = dial(port, { secret: undefined });
      await eventually(() => rec.ups.length === 1 && srv.ups.length === 1);
    });

    it.each([
      ['the client has the wrong secret', SECRET, 'wrong'],
      ['the server has the wrong secret', 'wrong', SECRET],
      ['only the client has a secret', undefined, SECRET],
      ['only the server has a secret', SECRET, undefined],
    ])('never reports the link up when %s', async (_what, serverSecret, clientSecret) => {
      const { server, rec: srv, port } = await startServer({ secret: serverSecret });
      const logs: LogLine[] = [];
      const { ref, rec } = dial(port, { secret: clientSecret }, logs);
      // Two failed attempts: the first refusal did not end the client, and nothing came up.
      await eventually(() => (system.inspect(ref.path)?.state.attempts as number) >= 2);
      expect(rec.ups).toHaveLength(0);
      expect(srv.ups).toHaveLength(0);
      expect(server.links).toBe(0);
    });

    it('never sends the secret in any frame', async () => {
      const { rec: srv, port } = await startServer();
      const proxy = await recordingProxy(port);
      const { rec } = dial(proxy.port);
      await eventually(() => rec.ups.length === 1 && srv.ups.length === 1);
      rec.last.send(pub(1));
      srv.last.send(fail(2));
      await eventually(() => rec.msgs.length === 1 && srv.msgs.length === 1);
      const wire = Buffer.concat(proxy.bytes);
      expect(wire.length).toBeGreaterThan(0);
      expect(wire.includes(Buffer.from(SECRET))).toBe(false);
      expect(wire.includes(Buffer.from(Buffer.from(SECRET).toString('hex')))).toBe(false);
      await proxy.close();
    });

    it('drops the link and retries when the server answers garbage', async () => {
      const raw = await rawServer();
      const logs: LogLine[] = [];
      const { ref, rec } = dial(raw.port, {}, logs);
      await eventually(() => raw.peers.length === 1);
      raw.peers[0]!.socket.write(Buffer.from([0, 0, 0, 3, 0xc1, 0xc1, 0xc1]));
      await eventually(() => logs.some((l) => l.meta?.why === 'bad-frame'));
      await eventually(() => raw.peers.length >= 2);
      expect(rec.ups).toHaveLength(0);
      expect(system.inspect(ref.path)?.state.lastError).toMatch(/^bad-frame/);
      await raw.close();
    });

    it('drops the link when the server never says hello within the handshake timeout', async () => {
      const raw = await rawServer();
      const logs: LogLine[] = [];
      dial(raw.port, { handshakeTimeoutMs: 100 }, logs);
      await eventually(() => logs.some((l) => l.meta?.why === 'handshake-timeout'));
      await raw.close();
    });
  });

  describe('#send', () => {
    it('carries messages both ways in order', async () => {
      const { rec: srv, port } = await startServer();
      const { rec } = dial(port);
      await eventually(() => rec.ups.length === 1 && srv.ups.length === 1);
      for (let i = 0; i < 500; i++) expect(rec.last.send(pub(i))).toBe(true);
      for (let i = 0; i < 500; i++) expect(srv.last.send(fail(1000 + i))).toBe(true);
      await eventually(() => srv.msgs.length === 500 && rec.msgs.length === 500);
      expect(srv.msgs.map((m) => (m as { rid: number }).rid)).toEqual([...Array(500).keys()]);
      expect(rec.msgs.map((m) => (m as { rid: number }).rid)).toEqual(
        [...Array(500).keys()].map((i) => 1000 + i),
      );
    });
  });

  describe('#reconnect', () => {
    it('reconnects with backoff and reports up again after the server restarts', async () => {
      const first = await startServer();
      const { ref, rec } = dial(first.port);
      await eventually(() => rec.ups.length === 1);
      await first.server.close();
      await eventually(() => rec.downs.length === 1);
      await eventually(() => (system.inspect(ref.path)?.state.attempts as number) >= 2);
      const second = await startServer({}, first.port);
      await eventually(() => rec.ups.length === 2 && second.rec.ups.length === 1, 5000);
      expect(rec.events).toEqual(['up', 'down:socket-closed', 'up']);
      expect(system.inspect(ref.path)?.state).toMatchObject({ state: 'up', attempts: 0 });
    });

    it('reports down when the endpoint is closed, then reconnects', async () => {
      const { rec: srv, port } = await startServer();
      const { rec } = dial(port);
      await eventually(() => rec.ups.length === 1);
      rec.last.close('test');
      expect(rec.last.send(pub(1))).toBe(false);
      await eventually(() => rec.ups.length === 2 && srv.ups.length === 2);
      expect(rec.events).toEqual(['up', 'down:test', 'up']);
      expect(srv.events).toEqual(['up', 'down:socket-closed', 'up']);
    });
  });

  describe('#heartbeat', () => {
    it('drops the link when the server completes the handshake and then goes silent', async () => {
      const raw = await rawServer();
      const logs: LogLine[] = [];
      const { rec } = dial(
        raw.port,
        { secret: undefined, heartbeatMs: 50, deadAfterMs: 200 },
        logs,
      );
      await eventually(() => raw.peers.length === 1);
      const peer = raw.peers[0]!;
      const serverNonce = 'ab'.repeat(16);
      peer.send({
        op: 'hello',
        v: 1,
        node: 'mute',
        role: 'dispatcher',
        dc: 'local',
        nonce: serverNonce,
      });
      await eventually(() => peer.values.length >= 1);
      peer.send({ op: 'welcome', mac: '' });
      await eventually(() => rec.ups.length === 1);
      await eventually(() => rec.downs.length === 1, 3000);
      expect(rec.downs[0]!.reason).toBe('peer-dead');
      // The client kept its side alive meanwhile: heartbeats reached the silent server.
      expect(
        peer.values.filter((v) => (v as { op: string }).op === 'hb').length,
      ).toBeGreaterThanOrEqual(2);
      await raw.close();
    });

    it('keeps an idle link up past deadAfterMs with heartbeats on both sides', async () => {
      const over = { heartbeatMs: 20, deadAfterMs: 100 };
      const { rec: srv, port } = await startServer(over);
      const { rec } = dial(port, over);
      await eventually(() => rec.ups.length === 1 && srv.ups.length === 1);
      await new Promise((r) => setTimeout(r, 400));
      expect(rec.downs).toHaveLength(0);
      expect(srv.downs).toHaveLength(0);
      expect(rec.msgs).toHaveLength(0);
    });
  });

  describe('#stop', () => {
    it('reports down once and stops reconnecting when the actor is stopped', async () => {
      const { server, rec: srv, port } = await startServer();
      const { ref, rec } = dial(port);
      await eventually(() => rec.ups.length === 1 && srv.ups.length === 1);
      system.stop(ref);
      await eventually(() => rec.downs.length === 1 && srv.downs.length === 1);
      expect(rec.downs[0]!.reason).toBe('stopped');
      await new Promise((r) => setTimeout(r, 150));
      expect(rec.ups).toHaveLength(1);
      expect(srv.ups).toHaveLength(1);
      expect(server.links).toBe(0);
    });

    it('stops retrying when stopped while backing off', async () => {
      const raw = await rawServer();
      const port = raw.port;
      await raw.close();
      const { ref, rec } = dial(port);
      await eventually(() => (system.inspect(ref.path)?.state.attempts as number) >= 1);
      system.stop(ref);
      await eventually(() => !ref.isAlive());
      expect(rec.downs).toHaveLength(0);
    });
  });

  describe('#inspect', () => {
    it('shows state, target, peer and traffic counters', async () => {
      const { port } = await startServer();
      const { ref, rec } = dial(port);
      await eventually(() => rec.ups.length === 1);
      rec.last.send(pub(1));
      const state = system.inspect(ref.path)!.state;
      expect(state).toMatchObject({
        state: 'up',
        target: `127.0.0.1:${port}`,
        peer: { node: 'dispatcher-a', role: 'dispatcher', dc: 'local' },
        attempts: 0,
      });
      expect(state.framesIn).toBeGreaterThanOrEqual(2);
      expect(state.framesOut).toBeGreaterThanOrEqual(3);
      expect(state.bytesOut).toBeGreaterThan(0);
    });
  });

  describe('linkActorName', () => {
    it('makes a valid actor name of any target', () => {
      expect(linkActorName({ host: '10.0.0.1', port: 7072 })).toBe('link-10.0.0.1:7072');
      expect(linkActorName({ host: 'a/b c', port: 1 })).toBe('link-a_b_c:1');
    });
  });
});
