/**
 * What one TCP read of several frames does at the publisher port (publisher-server.ts): its
 * messages are acted on in order as they are read, and what each read answers comes in the
 * order a read decoded whole, then acted on, would give (`err`s of undecodable frames first).
 * Each test writes its frames in one `write`, which loopback delivers as one read.
 */
import { AuthThrottle, JwtVerifier, PublisherAuth } from '../auth';
import { encodeFrame, frameBody } from '../protocol';
import { seconds, sign } from '../testing/auth-keys';
import {
  barrier,
  Client,
  closeAll,
  item,
  MAX_FRAME,
  start,
  withoutBarrier,
} from '../testing/publisher-harness';
import { PublisherServer } from './publisher-server';

afterEach(closeAll);

const pub = (topic: string, data: unknown, id?: number): Buffer =>
  encodeFrame(id === undefined ? { op: 'pub', topic, data } : { op: 'pub', topic, data, id });
/** A pub the raw reader leaves to the decoder (a key it does not know), meaning the same. */
const decodedPub = (topic: string, data: unknown, id: number): Buffer =>
  encodeFrame({ op: 'pub', topic, data, id, extra: true });
const GARBAGE = frameBody(Buffer.from([0xc1]));
const EMPTY = frameBody(Buffer.alloc(0));

describe(PublisherServer, () => {
  describe('one read of several frames', () => {
    it('publishes frames of both readers as one dispatcher message, in order', async () => {
      const { port, dispatcher } = await start();
      const c = await Client.connect(port);
      c.socket.write(Buffer.concat([pub('a', 1, 1), decodedPub('b', 2, 2), pub('c', 3)]));
      await c.replyCount(2);
      expect(c.replies).toEqual([
        { op: 'ack', id: 1, seq: 1 },
        { op: 'ack', id: 2, seq: 1 },
      ]);
      expect(dispatcher.batches()).toEqual([[item('a', 1), item('b', 2), item('c', 3)]]);
    });

    it('acks each id with its own seq when only some pubs carry one', async () => {
      const { port, dispatcher } = await start();
      const c = await Client.connect(port);
      c.socket.write(Buffer.concat([pub('a', 1), pub('a', 2), pub('a', 3, 7), pub('a', 4)]));
      expect(await c.replyCount(1)).toEqual([{ op: 'ack', id: 7, seq: 3 }]);
      await barrier(c);
      expect(withoutBarrier(dispatcher.items()).map((i) => i.data)).toEqual([1, 2, 3, 4]);
    });

    it('answers its undecodable frames first, then its bad messages, then acks', async () => {
      const { port, dispatcher, stats } = await start();
      const c = await Client.connect(port);
      c.socket.write(
        Buffer.concat([pub('bad topic', 1, 1), GARBAGE, pub('ok', 2, 2), EMPTY, pub('ok', 3)]),
      );
      await c.replyCount(4);
      expect(c.replies).toEqual([
        { op: 'err', code: 400, msg: 'undecodable frame' },
        { op: 'err', code: 400, msg: 'undecodable frame' },
        expect.objectContaining({ op: 'err', id: 1, code: 400 }),
        { op: 'ack', id: 2, seq: 1 },
      ]);
      expect(stats.badInput).toMatchObject({ undecodable: 2, invalid: 1 });
      expect(dispatcher.batches()).toEqual([[item('ok', 2), item('ok', 3)]]);
    });

    it('acts on none of its frames when it ends in a header over the limit', async () => {
      const { port, dispatcher, stats } = await start();
      const c = await Client.connect(port);
      const over = Buffer.alloc(4);
      over.writeUInt32BE(MAX_FRAME + 1, 0);
      c.socket.write(Buffer.concat([pub('a', 1, 1), pub('bad topic', 2, 2), GARBAGE, over]));
      await c.closedByServer();
      expect(c.replies).toEqual([expect.objectContaining({ op: 'err', code: 413 })]);
      expect(stats.badInput).toEqual({ frame_too_large: 1 });
      expect(dispatcher.messages).toEqual([]);
    });

    it('publishes what comes before and after an auth in separate messages, in order', async () => {
      const { port, dispatcher } = await start({ authToken: 'sekrit' });
      const c = await Client.connect(port);
      c.socket.write(
        Buffer.concat([
          encodeFrame({ op: 'auth', token: 'sekrit' }),
          pub('a', 1, 1),
          encodeFrame({ op: 'auth', token: 'sekrit' }),
          pub('b', 2, 2),
          pub('b', 3),
        ]),
      );
      await c.replyCount(2);
      expect(c.replies).toEqual([
        { op: 'ack', id: 1, seq: 1 },
        { op: 'ack', id: 2, seq: 1 },
      ]);
      expect(dispatcher.batches()).toEqual([[item('a', 1)], [item('b', 2), item('b', 3)]]);
    });

    it('closes on a pub before auth, after answering the bad messages before it', async () => {
      const { port, dispatcher, stats } = await start({ authToken: 'sekrit' });
      const c = await Client.connect(port);
      c.socket.write(Buffer.concat([pub('bad topic', 1, 1), pub('a', 2, 2), pub('a', 3, 3)]));
      await c.closedByServer();
      expect(c.replies).toEqual([
        expect.objectContaining({ op: 'err', id: 1, code: 400 }),
        { op: 'err', id: 2, code: 401, msg: 'send auth first' },
      ]);
      expect(stats.badInput).toEqual({ invalid: 1, unauthenticated: 1 });
      expect(dispatcher.messages).toEqual([]);
    });

    it("answers a refused topic's err before the acks of the publishes around it", async () => {
      const SECRET = 'a-secret-of-at-least-thirty-two-bytes!!';
      const auth = new PublisherAuth({
        jwt: new JwtVerifier({ secret: SECRET }),
        throttle: new AuthThrottle(),
      });
      const { port, dispatcher } = await start({ auth });
      const c = await Client.connect(port);
      const token = await sign(
        { sub: 'svc', exp: seconds(Date.now()) + 60, pub: ['live:*'] },
        new TextEncoder().encode(SECRET),
        'HS256',
      );
      c.send({ op: 'auth', token });
      c.socket.write(Buffer.concat([pub('live:1', 1, 1), pub('other', 2, 2), pub('live:2', 3, 3)]));
      await c.replyCount(3);
      expect(c.replies).toEqual([
        expect.objectContaining({ op: 'err', id: 2, code: 403 }),
        { op: 'ack', id: 1, seq: 1 },
        { op: 'ack', id: 3, seq: 1 },
      ]);
      expect(dispatcher.items()).toEqual([item('live:1', 1), item('live:2', 3)]);
    });
  });

  describe('frames across reads', () => {
    const frames = [pub('a', 'x'.repeat(100), 1), pub('b', 2, 2), EMPTY, pub('c', 3, 3)];
    const stream = Buffer.concat(frames);

    it.each([
      ['inside a body', [30]],
      ['inside a header', [frames[0]!.length + 2]],
      ['at frame boundaries', [frames[0]!.length, frames[0]!.length + frames[1]!.length]],
      ['inside the empty frame', [frames[0]!.length + frames[1]!.length + 1]],
    ])('reads the same frames when the stream is cut %s', async (_name, cuts) => {
      const { port, dispatcher } = await start();
      const c = await Client.connect(port);
      let at = 0;
      for (const cut of [...cuts, stream.length]) {
        c.socket.write(stream.subarray(at, cut));
        at = cut;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      await c.replyCount(4);
      expect(c.replies).toEqual(
        expect.arrayContaining([
          { op: 'err', code: 400, msg: 'undecodable frame' },
          { op: 'ack', id: 1, seq: 1 },
          { op: 'ack', id: 2, seq: 1 },
          { op: 'ack', id: 3, seq: 1 },
        ]),
      );
      expect(dispatcher.items()).toEqual([item('a', 'x'.repeat(100)), item('b', 2), item('c', 3)]);
    });
  });
});
