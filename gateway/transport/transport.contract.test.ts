/**
 * The transport contract: every Transport implementation must pass this whole suite
 * unchanged (Phoenix PubSub style). Clients are the `ws` package over loopback; the harness
 * is in `contract-kit.ts`.
 */
import { createServer, type Server } from 'node:net';
import WebSocket from 'ws';
import { TransportKind, createTransport, type SendResult, type TransportOptions } from '.';
import {
  MAX_BACKPRESSURE,
  MAX_HTTP_BODY,
  MAX_PAYLOAD,
  WS_PATH,
  abandonUpgrade,
  closed,
  http,
  nextMessage,
  pauseReading,
  rejectedUpgrade,
  slowHandshake,
  start,
  stopAll,
  writeUntilReset,
} from '../../testing/transport-contract';
import { TransportListenError } from './errors';
import { UWS_MAX_PAYLOAD } from './uws';
import { eventually } from '../../testing/eventually';

afterEach(stopAll);

describe.each(Object.values(TransportKind))('Transport (%s)', (kind) => {
  describe('#listen', () => {
    it('resolves with the picked port when given port 0', async () => {
      const h = await start(kind);
      expect(h.transport.kind).toBe(kind);
      expect(h.port).toBeGreaterThan(0);
      expect(h.transport.connections).toBe(0);
    });

    it('rejects with TransportListenError when the port is taken', async () => {
      const blocker: Server = createServer();
      await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
      const port = (blocker.address() as { port: number }).port;
      const transport = createTransport(kind, {
        wsPath: WS_PATH,
        maxPayload: MAX_PAYLOAD,
        maxBackpressure: MAX_BACKPRESSURE,
        maxHttpBody: MAX_HTTP_BODY,
        handlers: {
          upgrade: () => ({ accept: false, status: 500, body: '' }),
          open: () => undefined,
          message: () => undefined,
          close: () => undefined,
          http: () => ({ status: 500, body: '' }),
        },
      });
      try {
        await expect(transport.listen('127.0.0.1', port)).rejects.toBeInstanceOf(
          TransportListenError,
        );
      } finally {
        await transport.close();
        await new Promise((r) => blocker.close(r));
      }
    });
  });

  describe('#close', () => {
    it('stops accepting connections and leaves open ones to the gateway', async () => {
      const h = await start(kind);
      const client = await h.connect();
      await h.transport.close();
      await expect(h.connect()).rejects.toThrow();
      client.send('still here');
      await eventually(() => h.events.messages.length === 1, 3000, 'message after close()');
      expect(h.transport.connections).toBe(1);
    });
  });

  describe('upgrade', () => {
    it('passes path, query, headers, offered protocols and address to the handler', async () => {
      const h = await start(kind);
      await h.connect(['troupe.v1.msgpack', 'troupe.v1.json'], `${WS_PATH}?token=abc&x=1`, {
        authorization: 'Bearer t0k',
      });
      const req = h.events.upgrades[0]!;
      expect(req.path).toBe(WS_PATH);
      expect(req.query.get('token')).toBe('abc');
      expect(req.query.get('x')).toBe('1');
      expect(req.headers['authorization']).toBe('Bearer t0k');
      expect(req.protocols).toEqual(['troupe.v1.msgpack', 'troupe.v1.json']);
      expect(req.remoteAddress).toBe('127.0.0.1');
    });

    it('answers with the chosen subprotocol and attaches userData before open', async () => {
      const actor = { id: 'conn-1' };
      let userDataAtOpen: unknown;
      const h = await start(kind, {
        upgrade: () => ({ accept: true, protocol: 'troupe.v1.json', userData: actor }),
        open: (conn) => {
          userDataAtOpen = conn.userData;
        },
      });
      const client = await h.connect(['troupe.v1.msgpack', 'troupe.v1.json']);
      expect(client.protocol).toBe('troupe.v1.json');
      await eventually(() => userDataAtOpen !== undefined, 3000, 'open');
      expect(userDataAtOpen).toBe(actor);
      expect(h.transport.connections).toBe(1);
    });

    it('agrees on no subprotocol when the client offered none', async () => {
      const h = await start(kind, {
        upgrade: (req) => {
          h.events.upgrades.push(req);
          return { accept: true, protocol: 'troupe.v1.json' };
        },
      });
      const { client, conn } = await h.pair();
      expect(client.protocol).toBe('');
      expect(conn.subprotocol).toBe('');
      expect(conn.remoteAddress).toBe('127.0.0.1');
    });

    it('accepts when the handler decides asynchronously', async () => {
      const h = await start(kind, {
        upgrade: async (req) => {
          await new Promise((r) => setTimeout(r, 20));
          return { accept: true, protocol: req.protocols[0] ?? null, userData: 'late' };
        },
      });
      const client = await h.connect(['troupe.v1.json']);
      expect(client.protocol).toBe('troupe.v1.json');
      await eventually(() => h.events.opened.length === 1, 3000, 'open');
      expect(h.events.opened[0]!.userData).toBe('late');
    });

    it('sends the rejection status and body without opening', async () => {
      const h = await start(kind, {
        upgrade: async () => ({ accept: false, status: 401, body: 'bad token' }),
      });
      const res = await rejectedUpgrade(h.url());
      expect(res.status).toBe(401);
      expect(res.body).toBe('bad token');
      expect(h.events.opened).toHaveLength(0);
      expect(h.transport.connections).toBe(0);
    });

    it('answers 500 and reports the error when the handler throws', async () => {
      const boom = new Error('boom');
      const h = await start(kind, {
        upgrade: () => {
          throw boom;
        },
      });
      const res = await rejectedUpgrade(h.url());
      expect(res.status).toBe(500);
      expect(h.events.errors).toEqual([boom]);
    });

    it('answers 404 without calling the handler on another path', async () => {
      const h = await start(kind);
      const res = await rejectedUpgrade(h.url('/elsewhere'));
      expect(res.status).toBe(404);
      expect(h.events.upgrades).toHaveLength(0);
      expect(h.events.http).toHaveLength(0);
    });
    it('neither opens nor closes when the client leaves during an async decision', async () => {
      let deciding!: () => void;
      const started = new Promise<void>((r) => (deciding = r));
      let finish!: () => void;
      const decided = new Promise<void>((r) => (finish = r));
      const h = await start(kind, {
        upgrade: async (req) => {
          deciding();
          await new Promise((r) => setTimeout(r, 60));
          finish();
          return { accept: true, protocol: req.protocols[0] ?? null };
        },
      });
      await abandonUpgrade(h.url(), started);
      await decided;
      await new Promise((r) => setTimeout(r, 30));
      expect(h.events.opened).toHaveLength(0);
      expect(h.events.closes).toHaveLength(0);
      expect(h.transport.connections).toBe(0);
      // Still serving.
      await h.connect();
    });

    it('reports IPv6 peers the way Node does', async () => {
      const h = await start(kind, {}, {}, '::1');
      await h.connect();
      await eventually(() => h.events.opened.length === 1, 3000, 'open');
      expect(h.events.upgrades[0]!.remoteAddress).toBe('::1');
      expect(h.events.opened[0]!.remoteAddress).toBe('::1');
    });
  });

  describe('maxConnections', () => {
    const MAX = 5;

    it('answers 503 to the upgrade past it, still serves HTTP, and accepts again after a close', async () => {
      let refused = 0;
      const h = await start(kind, { refused: () => refused++ }, { maxConnections: MAX });
      const clients: WebSocket[] = [];
      for (let i = 0; i < MAX; i++) clients.push(await h.connect());
      await eventually(() => h.transport.connections === MAX, 3000, `${MAX} opens`);

      const res = await rejectedUpgrade(h.url());
      expect(res.status).toBe(503);
      expect(refused).toBe(1);
      expect(h.events.upgrades).toHaveLength(MAX);
      expect((await http(h, 'GET', '/healthz')).status).toBe(200);

      const gone = closed(clients[0]!);
      clients[0]!.close(1000, 'leaving');
      await gone;
      await eventually(() => h.transport.connections === MAX - 1, 3000, 'count drops');
      await h.connect();
      await eventually(() => h.transport.connections === MAX, 3000, 'reopened');
      expect(refused).toBe(1);
    });

    it('counts upgrades still being decided against it', async () => {
      let deciding = 0;
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      const h = await start(
        kind,
        {
          upgrade: async (req) => {
            deciding++;
            await held;
            return { accept: true, protocol: req.protocols[0] ?? null };
          },
        },
        { maxConnections: 1 },
      );
      const first = h.connect();
      await eventually(() => deciding === 1, 3000, 'deciding');
      expect((await rejectedUpgrade(h.url())).status).toBe(503);
      expect(deciding).toBe(1);
      release();
      await first;
      await eventually(() => h.transport.connections === 1, 3000, 'open');
    });
  });

  describe('message', () => {
    it('delivers text frames as strings and echoes them as text', async () => {
      const h = await start(kind, {
        message: (conn, data, binary) => {
          h.events.messages.push({ conn, data, binary });
          conn.send(data, binary);
        },
      });
      const client = await h.connect();
      const echo = nextMessage(client);
      client.send('héllo ✓');
      const got = await echo;
      expect(got.isBinary).toBe(false);
      expect(got.data.toString()).toBe('héllo ✓');
      expect(h.events.messages[0]!.data).toBe('héllo ✓');
      expect(h.events.messages[0]!.binary).toBe(false);
    });

    it('delivers binary frames as Uint8Array copies the handler owns', async () => {
      const h = await start(kind, {
        message: (conn, data, binary) => {
          h.events.messages.push({ conn, data, binary });
          conn.send(data, binary);
        },
      });
      const client = await h.connect();
      const first = Buffer.from([1, 2, 3, 4, 5, 6, 7, 8]);
      const echo = nextMessage(client);
      client.send(first);
      const got = await echo;
      expect(got.isBinary).toBe(true);
      expect(Buffer.compare(got.data, first)).toBe(0);

      client.send(Buffer.alloc(16, 0xee));
      await eventually(() => h.events.messages.length === 2, 3000, 'second message');
      await new Promise((r) => setTimeout(r, 10));
      const kept = h.events.messages[0]!.data;
      expect(kept).toBeInstanceOf(Uint8Array);
      expect(Array.from(kept as Uint8Array)).toEqual(Array.from(first));
      (kept as Uint8Array).fill(0);
      expect(Array.from(h.events.messages[1]!.data as Uint8Array)).toEqual(
        new Array(16).fill(0xee),
      );
    });

    it('closes with 1009 on a frame above maxPayload and reports it once', async () => {
      const h = await start(kind);
      const client = await h.connect();
      const gone = closed(client);
      client.send(Buffer.alloc(MAX_PAYLOAD + 1));
      expect((await gone).code).toBe(1009);
      await h.closeReports();
      expect(h.events.closes[0]!.code).toBe(1009);
      expect(h.events.messages).toHaveLength(0);
      expect(h.transport.connections).toBe(0);
    });

    it('accepts a frame of exactly maxPayload', async () => {
      const h = await start(kind);
      const client = await h.connect();
      client.send('x'.repeat(MAX_PAYLOAD));
      await eventually(() => h.events.messages.length === 1, 3000, 'message');
      expect(h.events.closes).toHaveLength(0);
    });

    it.each([65_537, 1024 * 1024, 4 * 1024 * 1024])(
      'closes with 1009 on a frame of %i bytes over a maxPayload of 64 KiB',
      async (size) => {
        const h = await start(kind, {}, { maxPayload: 65_536 });
        const client = await h.connect();
        const gone = closed(client);
        client.send(Buffer.alloc(size));
        expect((await gone).code).toBe(1009);
        await h.closeReports();
        expect(h.events.closes[0]!.code).toBe(1009);
        expect(h.events.messages).toHaveLength(0);
      },
    );

    // uWS validates text itself and drops the connection before any handler runs: the wire
    // shows 1006 there, and the close handler reports 1007 (see uws.ts).
    it('closes with 1007 on a text frame that is not UTF-8', async () => {
      const h = await start(kind);
      const client = await h.connect();
      const gone = closed(client);
      client.send(Buffer.from([0x68, 0xff, 0xfe]), { binary: false });
      expect((await gone).code).toBe(kind === TransportKind.Ws ? 1007 : 1006);
      await h.closeReports();
      expect(h.events.closes[0]!.code).toBe(1007);
      expect(h.events.messages).toHaveLength(0);
    });

    it('lets the handler close the connection without being re-entered', async () => {
      let closesWhenCloseReturned = -1;
      const h = await start(kind, {
        message: (conn) => {
          conn.close(4000, 'undecodable');
          closesWhenCloseReturned = h.events.closes.length;
        },
      });
      const client = await h.connect();
      const gone = closed(client);
      client.send('not msgpack');
      expect(await gone).toEqual({ code: 4000, reason: 'undecodable' });
      await h.closeReports();
      expect(closesWhenCloseReturned).toBe(0);
    });
  });

  describe('TransportConnection', () => {
    it('#close sends code and reason and reports the close once, not re-entrantly', async () => {
      const h = await start(kind);
      const { client, conn } = await h.pair();
      const gone = closed(client);
      conn.close(4008, 'slow consumer');
      expect(h.events.closes).toHaveLength(0);
      conn.close(4008, 'again');
      expect(await gone).toEqual({ code: 4008, reason: 'slow consumer' });
      await h.closeReports();
      expect(h.events.closes[0]).toMatchObject({ conn, code: 4008, reason: 'slow consumer' });
      await new Promise((r) => setTimeout(r, 50));
      expect(h.events.closes).toHaveLength(1);
      expect(h.transport.connections).toBe(0);
    });

    it('#close trims a reason longer than a close frame allows', async () => {
      const h = await start(kind);
      const { client, conn } = await h.pair();
      const gone = closed(client);
      conn.close(4000, 'é'.repeat(100));
      const got = await gone;
      expect(got.code).toBe(4000);
      expect(got.reason).toBe('é'.repeat(61));
    });

    it('#close works from inside the open handler', async () => {
      const h = await start(kind, { open: (conn) => conn.close(4001, 'token expired') });
      const client = new WebSocket(h.url());
      const gone = closed(client);
      expect(await gone).toEqual({ code: 4001, reason: 'token expired' });
      await h.closeReports();
      expect(h.events.closes[0]).toMatchObject({ code: 4001, reason: 'token expired' });
      expect(h.transport.connections).toBe(0);
    });

    it('#terminate drops the connection without a close frame', async () => {
      const h = await start(kind);
      const { client, conn } = await h.pair();
      const gone = closed(client);
      conn.terminate();
      conn.terminate();
      expect((await gone).code).toBe(1006);
      await h.closeReports();
      expect(h.events.closes[0]!.code).toBe(1006);
    });

    it('reports a client close exactly once with its code and reason', async () => {
      const h = await start(kind);
      const { client } = await h.pair();
      const gone = closed(client);
      client.close(1000, 'bye');
      await h.closeReports();
      expect(h.events.closes[0]).toMatchObject({ code: 1000, reason: 'bye' });
      await gone;
      await new Promise((r) => setTimeout(r, 50));
      expect(h.events.closes).toHaveLength(1);
      expect(h.transport.connections).toBe(0);
    });

    it('reports a client that vanished with 1006', async () => {
      const h = await start(kind);
      const { client } = await h.pair();
      client.terminate();
      await h.closeReports();
      expect(h.events.closes[0]!.code).toBe(1006);
    });

    it('is safe to use after close: send is dropped, nothing throws', async () => {
      const h = await start(kind);
      const { client, conn } = await h.pair();
      conn.close(1000, 'done');
      expect(conn.send('late', false)).toBe('dropped');
      expect(conn.send(new Uint8Array([1]), true)).toBe('dropped');
      expect(conn.bufferedAmount()).toBe(0);
      let corked = false;
      conn.cork(() => (corked = true));
      expect(corked).toBe(true);
      conn.close(1000, 'twice');
      conn.terminate();
      await closed(client);
      expect(conn.send('later', false)).toBe('dropped');
    });

    it('is safe to use after the peer left', async () => {
      const h = await start(kind);
      const { client, conn } = await h.pair();
      client.terminate();
      await h.closeReports();
      expect(conn.send('late', false)).toBe('dropped');
      expect(() => conn.close(1000, 'late')).not.toThrow();
      expect(() => conn.terminate()).not.toThrow();
      expect(h.events.closes).toHaveLength(1);
    });

    it('#cork delivers every send made inside it, in order', async () => {
      const h = await start(kind);
      const { client, conn } = await h.pair();
      const got: string[] = [];
      client.on('message', (data) => got.push(String(data)));
      const results: SendResult[] = [];
      conn.cork(() => {
        for (let i = 0; i < 5; i++) results.push(conn.send(`m${i}`, false));
      });
      expect(results).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
      await eventually(() => got.length === 5, 3000, '5 messages');
      expect(got).toEqual(['m0', 'm1', 'm2', 'm3', 'm4']);
    });

    it('#send reports backpressure, then drops, for a client that does not read', async () => {
      const h = await start(kind);
      const { client, conn } = await h.pair();
      const socket = pauseReading(client);
      const chunk = new Uint8Array(64 * 1024);
      const seen = new Set<SendResult>();
      const deadline = Date.now() + 5000;
      // Loopback kernel buffers absorb a few MiB first; yield so they can fill.
      for (let i = 0; i < 2000 && !seen.has('dropped') && Date.now() < deadline; i++) {
        seen.add(conn.send(chunk, true));
        if (i % 16 === 15) await new Promise((r) => setImmediate(r));
      }
      expect(seen.has('dropped')).toBe(true);
      expect(seen.has('backpressure') || seen.has('dropped')).toBe(true);
      expect(conn.bufferedAmount()).toBeGreaterThan(0);
      expect(conn.bufferedAmount()).toBeLessThanOrEqual(MAX_BACKPRESSURE + chunk.length);

      socket.resume();
      await eventually(() => h.events.drains.length > 0, 10_000, 'drain');
      await eventually(() => conn.bufferedAmount() === 0, 10_000, 'buffer empty');
      expect(conn.send('after', false)).toBe('ok');
    });
    it('destroys the socket of a client that does not read within 2 s of a 4008 close', async () => {
      const h = await start(kind);
      const { client, conn } = await h.pair();
      const socket = pauseReading(client);
      const chunk = new Uint8Array(64 * 1024);
      const deadline = Date.now() + 5000;
      for (let i = 0; conn.send(chunk, true) !== 'dropped' && Date.now() < deadline; i++) {
        if (i % 16 === 15) await new Promise((r) => setImmediate(r));
      }
      conn.close(4008, 'slow consumer');
      const decided = Date.now();
      // The client reads nothing, so it learns the server's side is gone when a write fails.
      const gone = await writeUntilReset(socket, 3000);
      expect(gone).toBe(true);
      expect(Date.now() - decided).toBeLessThan(2000);
      await h.closeReports();
      expect(h.events.closes[0]).toMatchObject({ code: 4008, reason: 'slow consumer' });
    });

    // ws: closeGraceMs (1 s); uWS: its own closing timeout (measured 2.9 s), not ws's 30 s.
    it('destroys the socket of a client that does not answer a close frame within 4 s', async () => {
      const h = await start(kind);
      const { client, conn } = await h.pair();
      const socket = pauseReading(client);
      conn.close(1000, 'bye');
      const decided = Date.now();
      expect(await writeUntilReset(socket, 5000)).toBe(true);
      expect(Date.now() - decided).toBeLessThan(4000);
    });
  });

  describe('http', () => {
    it('passes GET requests with query and headers to the handler', async () => {
      const h = await start(kind, {
        http: (req) => {
          h.events.http.push(req);
          return {
            status: 200,
            headers: { 'content-type': 'text/plain', 'x-troupe': 'yes' },
            body: 'healthy',
          };
        },
      });
      const res = await http(h, 'GET', '/healthz?verbose=1', undefined, { 'x-probe': 'k8s' });
      expect(res.status).toBe(200);
      expect(res.body).toBe('healthy');
      expect(res.headers['x-troupe']).toBe('yes');
      const req = h.events.http[0]!;
      expect(req).toMatchObject({ method: 'GET', path: '/healthz' });
      expect(req.query.get('verbose')).toBe('1');
      expect(req.headers['x-probe']).toBe('k8s');
      expect(req.body.length).toBe(0);
    });

    it('passes POST bodies and answers asynchronously', async () => {
      const h = await start(kind, {
        http: async (req) => {
          h.events.http.push(req);
          await new Promise((r) => setTimeout(r, 10));
          return { status: 201, body: Buffer.from(`got ${req.body.length}`) };
        },
      });
      const payload = JSON.stringify({ topic: 'live/1', data: 'x'.repeat(1500) });
      const res = await http(h, 'POST', '/v1/publish', payload, {
        'content-type': 'application/json',
      });
      expect(res.status).toBe(201);
      expect(res.body).toBe(`got ${payload.length}`);
      expect(h.events.http[0]!.method).toBe('POST');
      expect(h.events.http[0]!.body.toString()).toBe(payload);
    });

    it('answers 413 without calling the handler when the body is over maxHttpBody', async () => {
      const h = await start(kind);
      const res = await http(h, 'POST', '/v1/publish', Buffer.alloc(MAX_HTTP_BODY + 1));
      expect(res.status).toBe(413);
      expect(h.events.http).toHaveLength(0);
    });

    it('counts a chunked body against maxHttpBody too', async () => {
      const h = await start(kind);
      const small = await http(h, 'POST', '/v1/publish', [Buffer.from('ab'), Buffer.from('cd')]);
      expect(small.status).toBe(200);
      expect(h.events.http[0]!.body.toString()).toBe('abcd');
      const big = await http(h, 'POST', '/v1/publish', [
        Buffer.alloc(MAX_HTTP_BODY / 2),
        Buffer.alloc(MAX_HTTP_BODY / 2 + 1),
      ]);
      expect(big.status).toBe(413);
      expect(h.events.http).toHaveLength(1);
    });

    it('answers HEAD with headers only', async () => {
      const h = await start(kind, { http: () => ({ status: 200, body: 'ready' }) });
      const res = await http(h, 'HEAD', '/readyz');
      expect(res.status).toBe(200);
      expect(res.headers['content-length']).toBe('5');
      expect(res.body).toBe('');
    });

    it('answers 500 and reports the error when the handler rejects', async () => {
      const boom = new Error('boom');
      const h = await start(kind, { http: () => Promise.reject(boom) });
      const res = await http(h, 'GET', '/metrics');
      expect(res.status).toBe(500);
      expect(h.events.errors).toEqual([boom]);
    });

    it('treats a plain GET on the WebSocket path as HTTP', async () => {
      const h = await start(kind);
      const res = await http(h, 'GET', WS_PATH);
      expect(res.status).toBe(200);
      expect(h.events.http[0]!.path).toBe(WS_PATH);
      expect(h.events.upgrades).toHaveLength(0);
    });
  });

  describe('#closeAll and #connections', () => {
    it('counts open connections and closes them all with code and reason', async () => {
      const h = await start(kind);
      const clients = await Promise.all([h.connect(), h.connect(), h.connect()]);
      await eventually(() => h.events.opened.length === 3, 3000, '3 opens');
      expect(h.transport.connections).toBe(3);

      const first = closed(clients[0]!);
      clients[0]!.close(1000, 'leaving');
      await first;
      await eventually(() => h.transport.connections === 2, 3000, 'count drops');

      const rest = clients.slice(1).map(closed);
      h.transport.closeAll(1001, 'going away');
      expect(h.transport.connections).toBe(0);
      for (const got of await Promise.all(rest))
        expect(got).toEqual({ code: 1001, reason: 'going away' });
      await eventually(() => h.events.closes.length === 3, 3000, '3 close reports');
      expect(h.events.closes.slice(1).map((c) => c.code)).toEqual([1001, 1001]);
    });
  });
});

describe('createTransport', () => {
  it('throws on an unknown kind', () => {
    expect(() => createTransport('tcp' as TransportKind, {} as TransportOptions)).toThrow(
      TypeError,
    );
  });
});

async function freePort(): Promise<number> {
  const probe: Server = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const { port } = probe.address() as { port: number };
  await new Promise((r) => probe.close(r));
  return port;
}

describe('WsTransport', () => {
  it('closes an upgrade whose headers are not complete within handshakeTimeoutMs', async () => {
    const h = await start('ws', {}, { handshakeTimeoutMs: 300 });
    const ms = await slowHandshake(h, 100, 3000);
    expect(ms).toBeGreaterThanOrEqual(250);
    expect(ms).toBeLessThan(1000);
    expect(h.events.upgrades).toHaveLength(0);
  });

  it('keeps an upgrade whose headers complete within handshakeTimeoutMs', async () => {
    const h = await start('ws', {}, { handshakeTimeoutMs: 300 });
    const client = await h.connect();
    await new Promise((r) => setTimeout(r, 500));
    expect(client.readyState).toBe(WebSocket.OPEN);
  });
});

describe('UwsTransport', () => {
  const options: TransportOptions = {
    wsPath: WS_PATH,
    maxPayload: MAX_PAYLOAD,
    maxBackpressure: MAX_BACKPRESSURE,
    maxHttpBody: MAX_HTTP_BODY,
    handlers: {
      upgrade: () => ({ accept: true, protocol: null }),
      open: () => undefined,
      message: () => undefined,
      close: () => undefined,
      http: () => ({ status: 200, body: 'ok' }),
    },
  };

  it('drops a frame above its hard cap without a close frame, reporting 1009', async () => {
    const h = await start('uws');
    const client = await h.connect();
    const gone = closed(client);
    client.send(Buffer.alloc(UWS_MAX_PAYLOAD + 1));
    expect((await gone).code).toBe(1006);
    await h.closeReports();
    expect(h.events.closes[0]!.code).toBe(1009);
  });

  // Linux lets a second SO_REUSEPORT socket join an explicit port, not one picked by port 0.
  it('shares an explicit port with another listener by default (SO_REUSEPORT)', async () => {
    const a = createTransport('uws', options);
    const b = createTransport('uws', options);
    try {
      const port = await freePort();
      await expect(a.listen('127.0.0.1', port)).resolves.toBe(port);
      await expect(b.listen('127.0.0.1', port)).resolves.toBe(port);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('binds exclusively when reusePort is false', async () => {
    const a = createTransport('uws', { ...options, reusePort: false });
    const b = createTransport('uws', { ...options, reusePort: false });
    try {
      const port = await a.listen('127.0.0.1', await freePort());
      await expect(b.listen('127.0.0.1', port)).rejects.toBeInstanceOf(TransportListenError);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
