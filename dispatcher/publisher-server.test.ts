import { JwtVerifier, PublisherAuth, AuthThrottle } from '../auth';
import { seconds, sign } from '../testing/auth-keys';
import net from 'node:net';
import { encodeFrame } from '../protocol';
import { PublisherServer } from './publisher-server';
import { eventually } from '../testing/eventually';
import {
  barrier,
  Client,
  closeAll,
  isReply,
  item,
  MAX_FRAME,
  start,
  servers,
  sockets,
  withoutBarrier,
} from '../testing/publisher-harness';

afterEach(closeAll);

describe(PublisherServer, () => {
  describe('#listen', () => {
    it('resolves with the port it bound when given port 0', async () => {
      const { port } = await start();
      expect(port).toBeGreaterThan(0);
      const c = await Client.connect(port);
      expect(c.socket.remotePort).toBe(port);
    });
  });

  describe('pub', () => {
    it('publishes and answers ack with the id and seq when the pub has an id', async () => {
      const { port, dispatcher } = await start();
      const c = await Client.connect(port);
      c.send({ op: 'pub', topic: 'room:1', data: { text: 'hi' }, id: 7 });
      expect(await c.replyCount(1)).toEqual([{ op: 'ack', id: 7, seq: 1 }]);
      expect(dispatcher.items()).toEqual([item('room:1', { text: 'hi' })]);
    });

    it('publishes without any reply when the pub has no id', async () => {
      const { port, dispatcher } = await start();
      const c = await Client.connect(port);
      c.send({ op: 'pub', topic: 'room:1', data: 'quiet' });
      await barrier(c);
      expect(withoutBarrier(dispatcher.items())).toEqual([item('room:1', 'quiet')]);
      expect(c.replies).toHaveLength(1); // the barrier's ack only
    });

    it('publishes every message of a batch frame as one dispatcher message and acks those with an id', async () => {
      const { port, dispatcher } = await start();
      const c = await Client.connect(port);
      c.send([
        { op: 'pub', topic: 'a', data: 1, id: 1 },
        { op: 'pub', topic: 'a', data: 2 },
        { op: 'pub', topic: 'b', data: 3, id: 3 },
      ]);
      expect(await c.replyCount(2)).toEqual([
        { op: 'ack', id: 1, seq: 1 },
        { op: 'ack', id: 3, seq: 1 },
      ]);
      expect(dispatcher.batches()).toEqual([[item('a', 1), item('a', 2), item('b', 3)]]);
    });

    it('reassembles a frame split over many TCP writes', async () => {
      const { port, dispatcher } = await start();
      const c = await Client.connect(port);
      const frame = encodeFrame({ op: 'pub', topic: 'split', data: 'x'.repeat(300), id: 4 });
      for (let i = 0; i < frame.length; i += 7) {
        c.socket.write(frame.subarray(i, i + 7));
        await new Promise((resolve) => setImmediate(resolve));
      }
      expect(await c.replyCount(1)).toEqual([{ op: 'ack', id: 4, seq: 1 }]);
      expect(dispatcher.items()).toEqual([item('split', 'x'.repeat(300))]);
    });

    it('answers err 503 to each pub with an id when the dispatcher refuses the message', async () => {
      const { port, dispatcher } = await start();
      dispatcher.accepting = false;
      const c = await Client.connect(port);
      c.send([
        { op: 'pub', topic: 'a', data: 1, id: 1 },
        { op: 'pub', topic: 'a', data: 2 },
      ]);
      const [reply] = await c.replyCount(1);
      expect(reply).toMatchObject({ op: 'err', id: 1, code: 503 });
    });
  });

  describe('bad input', () => {
    it('answers err 400 with the id to a bad message and keeps the connection', async () => {
      const { port, dispatcher, stats } = await start();
      const c = await Client.connect(port);
      c.send({ op: 'pub', topic: 'not a topic!', data: 1, id: 12 });
      const [reply] = await c.replyCount(1);
      expect(reply).toMatchObject({ op: 'err', id: 12, code: 400 });
      expect(stats.badInput['invalid']).toBe(1);
      c.send({ op: 'pub', topic: 'ok', data: 2, id: 13 });
      await c.replyCount(2);
      expect(c.replies[1]).toEqual({ op: 'ack', id: 13, seq: 1 });
      expect(c.closed).toBe(false);
      expect(dispatcher.items()).toEqual([item('ok', 2)]);
    });

    it('publishes the good messages of a batch and answers err for the bad ones', async () => {
      const { port, dispatcher } = await start();
      const c = await Client.connect(port);
      c.send([
        { op: 'pub', topic: 'a', data: 1, id: 1 },
        { op: 'nope', id: 2 },
        { op: 'pub', topic: 'a', id: 3 },
      ]);
      const replies = await c.replyCount(3);
      expect(replies).toEqual(
        expect.arrayContaining([
          { op: 'ack', id: 1, seq: 1 },
          expect.objectContaining({ op: 'err', id: 2, code: 400 }),
          expect.objectContaining({ op: 'err', id: 3, code: 400 }),
        ]),
      );
      expect(dispatcher.items()).toEqual([item('a', 1)]);
    });

    it('answers err 400 without id to an undecodable payload and keeps the connection', async () => {
      const { port, stats } = await start();
      const c = await Client.connect(port);
      const body = Buffer.from([0xc1]);
      const header = Buffer.alloc(4);
      header.writeUInt32BE(body.length, 0);
      c.socket.write(Buffer.concat([header, body]));
      const [reply] = await c.replyCount(1);
      expect(reply).toMatchObject({ op: 'err', code: 400 });
      expect(isReply(reply) && 'id' in reply).toBe(false);
      expect(stats.badInput['undecodable']).toBe(1);
      await barrier(c);
      expect(c.closed).toBe(false);
    });

    it('answers err 413 and closes the socket when a frame is over the limit', async () => {
      const { port, dispatcher, stats } = await start();
      const c = await Client.connect(port);
      const header = Buffer.alloc(4);
      header.writeUInt32BE(MAX_FRAME + 1, 0);
      c.socket.write(header);
      await c.closedByServer();
      expect(c.replies).toEqual([expect.objectContaining({ op: 'err', code: 413 })]);
      expect(stats.badInput['frame_too_large']).toBe(1);
      expect(dispatcher.items()).toEqual([]);
    });

    // Regression: the body of an oversized frame keeps arriving in later reads after the drop.
    it('counts one oversized frame once and answers it once while its body keeps arriving', async () => {
      const { port, stats } = await start();
      const c = await Client.connect(port);
      const big = Buffer.alloc(4 + 2 * 1024 * 1024, 0x61);
      big.writeUInt32BE(big.length - 4, 0);
      c.socket.write(big);
      await c.closedByServer();
      expect(c.replies).toEqual([expect.objectContaining({ op: 'err', code: 413 })]);
      expect(stats.badInput['frame_too_large']).toBe(1);
    });

    it('accepts a frame of exactly the limit', async () => {
      const limit = 40;
      const { port, dispatcher } = await start({ maxFrame: limit });
      const c = await Client.connect(port);
      const base = encodeFrame({ op: 'pub', topic: 't', data: '', id: 1 }).length - 4;
      const frame = encodeFrame({ op: 'pub', topic: 't', data: 'x'.repeat(limit - base), id: 1 });
      expect(frame.length - 4).toBe(limit);
      c.socket.write(frame);
      expect(await c.replyCount(1)).toEqual([{ op: 'ack', id: 1, seq: 1 }]);
      expect(dispatcher.items()).toHaveLength(1);
    });
  });

  describe('auth', () => {
    it('answers err 401 and closes when a pub comes before auth', async () => {
      const { port, dispatcher, stats } = await start({ authToken: 'sekrit' });
      const c = await Client.connect(port);
      c.send({ op: 'pub', topic: 't', data: 1, id: 5 });
      await c.closedByServer();
      expect(c.replies).toEqual([expect.objectContaining({ op: 'err', id: 5, code: 401 })]);
      expect(stats.badInput['unauthenticated']).toBe(1);
      expect(dispatcher.items()).toEqual([]);
    });

    it('closes the connection on a wrong token', async () => {
      const { port, dispatcher, stats } = await start({ authToken: 'sekrit' });
      const c = await Client.connect(port);
      c.send({ op: 'auth', token: 'guess' });
      await c.closedByServer();
      expect(c.replies).toEqual([expect.objectContaining({ op: 'err', code: 401 })]);
      expect(stats.badInput['auth_failed']).toBe(1);
      expect(dispatcher.items()).toEqual([]);
    });

    it('does not publish what follows a wrong token in the same frame', async () => {
      const { port, dispatcher } = await start({ authToken: 'sekrit' });
      const c = await Client.connect(port);
      c.send([
        { op: 'auth', token: 'guess' },
        { op: 'pub', topic: 't', data: 1, id: 1 },
      ]);
      await c.closedByServer();
      expect(dispatcher.items()).toEqual([]);
    });

    // Regression: the wrong-auth frame below is exactly 64 KiB, Node's socket read size, so
    // the frames after it land in the next 'data' event, after the connection was dropped.
    it('publishes nothing the publisher sends after a wrong token, even in a later read', async () => {
      const { port, dispatcher } = await start({ authToken: 'sekrit', maxFrame: 1024 * 1024 });
      const c = await Client.connect(port);
      const readSize = 64 * 1024;
      const empty = encodeFrame({ op: 'auth', token: '' }).length;
      const str16Extra = 2; // a 64 KiB token needs a 3-byte str16 header instead of fixstr's 1
      const wrong = encodeFrame({ op: 'auth', token: 'w'.repeat(readSize - empty - str16Extra) });
      expect(wrong.length).toBe(readSize);
      c.socket.write(
        Buffer.concat([
          wrong,
          encodeFrame({ op: 'auth', token: 'sekrit' }),
          encodeFrame({ op: 'pub', topic: 't', data: 'after-close' }),
        ]),
      );
      await c.closedByServer();
      expect(dispatcher.items()).toEqual([]);
    });

    it('publishes after auth with the right token', async () => {
      const { port, dispatcher } = await start({ authToken: 'sekrit' });
      const c = await Client.connect(port);
      c.send({ op: 'auth', token: 'sekrit' });
      c.send({ op: 'pub', topic: 't', data: 1, id: 1 });
      expect(await c.replyCount(1)).toEqual([{ op: 'ack', id: 1, seq: 1 }]);
      expect(dispatcher.items()).toEqual([item('t', 1)]);
      expect(c.closed).toBe(false);
    });

    it('accepts auth and pub in one batch frame', async () => {
      const { port, dispatcher } = await start({ authToken: 'sekrit' });
      const c = await Client.connect(port);
      c.send([
        { op: 'auth', token: 'sekrit' },
        { op: 'pub', topic: 't', data: 1, id: 1 },
      ]);
      expect(await c.replyCount(1)).toEqual([{ op: 'ack', id: 1, seq: 1 }]);
      expect(dispatcher.items()).toEqual([item('t', 1)]);
    });

    describe('with a JWT', () => {
      const SECRET = 'a-secret-of-at-least-thirty-two-bytes!!';
      const jwtAuth = () =>
        new PublisherAuth({
          jwt: new JwtVerifier({ secret: SECRET }),
          publisherToken: 'pub-token',
          throttle: new AuthThrottle({ burst: 1 }),
        });
      const token = (claims: Record<string, unknown>) =>
        sign(
          { sub: 'svc', exp: seconds(Date.now()) + 60, ...claims },
          new TextEncoder().encode(SECRET),
          'HS256',
        );

      it('publishes to the topics of its pub claim and answers err 403 to others, the connection staying', async () => {
        const { port, dispatcher } = await start({ auth: jwtAuth() });
        const c = await Client.connect(port);
        c.send([
          { op: 'auth', token: await token({ pub: ['live:*'] }) },
          { op: 'pub', topic: 'other', data: 0, id: 1 },
          { op: 'pub', topic: 'live:1', data: 1, id: 2 },
        ]);
        expect(await c.reply(1)).toMatchObject({ op: 'err', code: 403 });
        expect(await c.reply(2)).toMatchObject({ op: 'ack' });
        c.send({ op: 'pub', topic: 'live:2', data: 2, id: 3 });
        expect(await c.reply(3)).toMatchObject({ op: 'ack' });
        expect(dispatcher.items().map((i) => i.topic)).toEqual(['live:1', 'live:2']);
      });

      it('answers err 403 to every topic of a JWT without a pub claim', async () => {
        const { port, dispatcher } = await start({ auth: jwtAuth() });
        const c = await Client.connect(port);
        c.send([
          { op: 'auth', token: await token({}) },
          { op: 'pub', topic: 'live:1', data: 1, id: 1 },
        ]);
        expect(await c.reply(1)).toMatchObject({ op: 'err', code: 403 });
        expect(dispatcher.items()).toEqual([]);
      });

      it('answers err 401 to each publish after the JWT expired, the connection staying', async () => {
        const { port, dispatcher } = await start({ auth: jwtAuth() });
        const c = await Client.connect(port);
        // Within the verifier's clock tolerance: accepted, yet already past its exp.
        c.send([
          { op: 'auth', token: await token({ pub: ['live:*'], exp: seconds(Date.now()) - 2 }) },
          { op: 'pub', topic: 'live:1', data: 1, id: 1 },
        ]);
        expect(await c.reply(1)).toMatchObject({ op: 'err', code: 401 });
        c.send([
          { op: 'auth', token: await token({ pub: ['live:*'] }) },
          { op: 'pub', topic: 'live:1', data: 2, id: 2 },
        ]);
        expect(await c.reply(2)).toMatchObject({ op: 'ack' });
        expect(dispatcher.items()).toEqual([item('live:1', 2)]);
      });

      it('publishes anywhere with the publisher token', async () => {
        const { port } = await start({ auth: jwtAuth() });
        const c = await Client.connect(port);
        c.send([
          { op: 'auth', token: 'pub-token' },
          { op: 'pub', topic: 'anything', data: 1, id: 1 },
        ]);
        expect(await c.reply(1)).toMatchObject({ op: 'ack' });
      });

      it('closes with err 401 on a bad JWT, then 429 while the address is throttled', async () => {
        const auth = jwtAuth();
        const { port, stats } = await start({ auth });
        const first = await Client.connect(port);
        first.send({ op: 'auth', token: 'not.a.jwt' });
        await first.closedByServer();
        expect(first.replies).toEqual([expect.objectContaining({ op: 'err', code: 401 })]);
        const second = await Client.connect(port);
        second.send({ op: 'auth', token: 'pub-token' });
        await second.closedByServer();
        expect(second.replies).toEqual([expect.objectContaining({ op: 'err', code: 429 })]);
        expect(stats.badInput).toMatchObject({ auth_failed: 1, auth_throttled: 1 });
      });
    });

    it('ignores an auth message when no auth is configured', async () => {
      const { port, dispatcher } = await start();
      const c = await Client.connect(port);
      c.send({ op: 'auth', token: 'anything' });
      c.send({ op: 'pub', topic: 't', data: 1, id: 1 });
      expect(await c.replyCount(1)).toEqual([{ op: 'ack', id: 1, seq: 1 }]);
      expect(dispatcher.items()).toHaveLength(1);
    });
  });

  describe('deadlines', () => {
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

    /** The first 12 bytes of a frame whose body is longer: a frame begun and not finished. */
    function partialFrame(): Buffer {
      return encodeFrame({ op: 'pub', topic: 't', data: 'x'.repeat(64) }).subarray(0, 12);
    }

    it('closes with err 401 a connection that does not authenticate within authMs', async () => {
      const { port, stats } = await start({ authToken: 'sekrit', deadlines: { authMs: 100 } });
      const c = await Client.connect(port);
      const t0 = Date.now();
      await c.closedByServer();
      expect(Date.now() - t0).toBeGreaterThanOrEqual(90);
      expect(c.replies).toEqual([
        { op: 'err', code: 401, msg: 'authentication timeout: no auth within 100 ms' },
      ]);
      expect(stats.badInput['auth_timeout']).toBe(1);
    });

    it('keeps a connection that authenticated before authMs', async () => {
      const { port, stats } = await start({
        authToken: 'sekrit',
        deadlines: { authMs: 100, idleMs: 0 },
      });
      const c = await Client.connect(port);
      c.send({ op: 'auth', token: 'sekrit' });
      await sleep(200);
      await barrier(c);
      expect(c.closed).toBe(false);
      expect(stats.badInput['auth_timeout']).toBeUndefined();
    });

    it('closes with err 400 a connection that holds a partial frame past frameMs', async () => {
      const { port, stats, dispatcher } = await start({ deadlines: { frameMs: 100 } });
      const c = await Client.connect(port);
      const t0 = Date.now();
      c.socket.write(partialFrame());
      await c.closedByServer();
      expect(Date.now() - t0).toBeGreaterThanOrEqual(90);
      expect(c.replies).toEqual([
        { op: 'err', code: 400, msg: 'frame timeout: a frame was not completed within 100 ms' },
      ]);
      expect(stats.badInput['frame_timeout']).toBe(1);
      expect(dispatcher.items()).toEqual([]);
    });

    it('accepts a frame sent in pieces that completes within frameMs', async () => {
      // Pieces 15 ms apart (about 75 ms in all), well within the deadline even on a busy machine.
      const { port, stats } = await start({ deadlines: { frameMs: 2000 } });
      const c = await Client.connect(port);
      const frame = encodeFrame({ op: 'pub', topic: 't', data: 'x'.repeat(64), id: 1 });
      for (let i = 0; i < frame.length; i += 20) {
        c.socket.write(frame.subarray(i, i + 20));
        await sleep(15);
      }
      expect(await c.replyCount(1)).toEqual([{ op: 'ack', id: 1, seq: 1 }]);
      await sleep(200);
      expect(c.closed).toBe(false);
      expect(stats.badInput['frame_timeout']).toBeUndefined();
    });

    it('closes with err 400 a connection with no frame for idleMs', async () => {
      const { port, stats } = await start({ deadlines: { idleMs: 150 } });
      const c = await Client.connect(port);
      c.send({ op: 'pub', topic: 't', data: 1 });
      const t0 = Date.now();
      await c.closedByServer();
      expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
      expect(c.replies).toEqual([
        { op: 'err', code: 400, msg: 'idle timeout: no frame for 150 ms' },
      ]);
      expect(stats.badInput['idle_timeout']).toBe(1);
    });

    it('keeps a connection whose frames come more often than idleMs', async () => {
      const { port } = await start({ deadlines: { idleMs: 150 } });
      const c = await Client.connect(port);
      for (let i = 0; i < 6; i++) {
        c.send({ op: 'pub', topic: 't', data: i });
        await sleep(60);
      }
      expect(c.closed).toBe(false);
    });

    it('runs no deadline while publishes wait on the dispatcher', async () => {
      const { port, dispatcher } = await start({ deadlines: { idleMs: 100 } });
      dispatcher.hold = true;
      const c = await Client.connect(port);
      c.send({ op: 'pub', topic: 't', data: 1, id: 1 });
      await sleep(250);
      expect(c.closed).toBe(false);
      dispatcher.release();
      expect(await c.replyCount(1)).toEqual([{ op: 'ack', id: 1, seq: 1 }]);
    });
  });

  describe('stats', () => {
    it('counts open publisher connections up and down', async () => {
      const { port, stats } = await start();
      const a = await Client.connect(port);
      const b = await Client.connect(port);
      await eventually(() => stats.publishers === 2);
      a.socket.end();
      await eventually(() => stats.publishers === 1);
      b.socket.destroy();
      await eventually(() => stats.publishers === 0);
    });

    it('counts a connection the server closed as gone', async () => {
      const { port, stats } = await start({ authToken: 'sekrit' });
      const c = await Client.connect(port);
      await eventually(() => stats.publishers === 1);
      c.send({ op: 'auth', token: 'wrong' });
      await c.closedByServer();
      await eventually(() => stats.publishers === 0);
    });
  });

  describe('#close', () => {
    it('closes open publisher connections', async () => {
      const h = await start();
      const c = await Client.connect(h.port);
      await eventually(() => h.stats.publishers === 1);
      await h.server.close();
      servers.splice(servers.indexOf(h.server), 1);
      await c.closedByServer();
      expect(c.closed).toBe(true);
    });
  });
});

describe('PublisherServer backpressure', () => {
  it('stops reading a publisher while 64 batches wait for the dispatcher, and resumes after', async () => {
    const { port, dispatcher } = await start();
    dispatcher.hold = true;
    const sock = net.connect(port, '127.0.0.1');
    sockets.push(sock);
    await new Promise((r) => sock.once('connect', r));
    for (let i = 0; i < 200; i++) {
      sock.write(encodeFrame({ op: 'pub', topic: 'bp', data: i }));
      // One frame per read, so each is its own batch.
      await new Promise((r) => setTimeout(r, 1));
    }
    await eventually(() => dispatcher.batches().length >= 64);
    await new Promise((r) => setTimeout(r, 50));
    expect(dispatcher.batches().length).toBe(64);
    dispatcher.release();
    await eventually(() => dispatcher.items().length === 200);
    expect(dispatcher.items().map((it) => it.data)).toEqual(
      Array.from({ length: 200 }, (_, i) => i),
    );
  });
});
