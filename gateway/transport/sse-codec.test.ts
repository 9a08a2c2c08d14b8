import { encodeEvents, type ServerMessage } from '../../protocol';
import { EventBatch } from '../event-batch';
import { jsonCodec } from '../../protocol';
import { SSE_KEEPALIVE, SseCodec } from './sse-codec';
import { parsePosition } from './sse-position';

/** Splits SSE text into its events: field -> value, comments left out. */
function events(text: string): Record<string, string>[] {
  expect(text.endsWith('\n\n')).toBe(true);
  return text
    .slice(0, -2)
    .split('\n\n')
    .map((block) => {
      const e: Record<string, string> = {};
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) continue;
        const at = line.indexOf(': ');
        e[line.slice(0, at)] = line.slice(at + 2);
      }
      return e;
    });
}

const ev = (topic: string, seq: number, epoch = 'E1'): ServerMessage => ({
  op: 'ev',
  topic,
  seq,
  epoch,
  data: { n: seq },
});
const ack = (id: number, seq: number, epoch = 'E1', recovered = false): ServerMessage => ({
  op: 'ack',
  id,
  epoch,
  seq,
  recovered,
});

describe('SseCodec', () => {
  describe('#encode', () => {
    it('writes each message as id, event and one data line holding its JSON', () => {
      const c = new SseCodec(['a', 'b'], undefined);
      const [e] = events(c.encode(ev('b', 3)));
      expect(e).toEqual({
        id: '1~E1~3',
        event: 'ev',
        data: '{"op":"ev","topic":"b","seq":3,"epoch":"E1","data":{"n":3}}',
      });
    });

    it('gives each event of a batch the position after that event, in every topic', () => {
      const c = new SseCodec(['a', 'b'], undefined);
      c.encode([ack(0, 0), ack(1, 5, 'E2')]);
      const out = events(c.encode([ev('a', 1), ev('b', 6, 'E2'), ev('a', 2)]));
      expect(out.map((e) => e.id)).toEqual(['0~E1~1.1~E2~5', '0~E1~1.1~E2~6', '0~E1~2.1~E2~6']);
    });

    it('keeps data on one line when the payload holds newlines', () => {
      const c = new SseCodec(['a'], undefined);
      const msg: ServerMessage = { op: 'ev', topic: 'a', seq: 1, epoch: 'E', data: 'x\ny\r\nz' };
      const [e] = events(c.encode(msg));
      expect((JSON.parse(e!.data!) as { data: string }).data).toBe('x\ny\r\nz');
    });

    it('names the topic in the ack of a sub and starts a fresh topic at the ack', () => {
      const c = new SseCodec(['a'], undefined);
      const [e] = events(c.encode(ack(0, 41)));
      expect(e!.event).toBe('ack');
      expect(e!.id).toBe('0~E1~15');
      expect(JSON.parse(e!.data!)).toMatchObject({ topic: 'a', seq: 41 });
    });

    it('keeps a resumed topic at its since until the replayed events move it', () => {
      const c = new SseCodec(['a'], [{ epoch: 'E1', seq: 2 }]);
      const [a] = events(c.encode(ack(0, 5, 'E1', true)));
      expect(a!.id).toBe('0~E1~2');
      const replay = events(c.encode([ev('a', 3), ev('a', 4)]));
      expect(replay.map((e) => e.id)).toEqual(['0~E1~3', '0~E1~4']);
    });

    it("takes the ack's position when the topic is in a new epoch or the since is ahead", () => {
      const moved = new SseCodec(['a'], [{ epoch: 'OLD', seq: 9 }]);
      expect(events(moved.encode(ack(0, 4, 'NEW')))[0]!.id).toBe('0~NEW~4');
      const ahead = new SseCodec(['a'], [{ epoch: 'E1', seq: 90 }]);
      expect(events(ahead.encode(ack(0, 4)))[0]!.id).toBe('0~E1~4');
    });

    it('sends hello and err without an id, naming the topic of a failed sub', () => {
      const c = new SseCodec(['a'], undefined);
      const out = events(
        c.encode([
          { op: 'hello', v: 1, conn: 'c1', node: 'n', hb: 1000 },
          { op: 'err', id: 0, code: 503, msg: 'subscribe failed' },
        ]),
      );
      expect(out[0]).toEqual({ event: 'hello', data: expect.any(String) });
      expect(out[1]!.id).toBeUndefined();
      expect(JSON.parse(out[1]!.data!)).toMatchObject({ topic: 'a', code: 503 });
    });

    it('sends a count with the current position', () => {
      const c = new SseCodec(['a'], undefined);
      c.encode(ack(0, 1));
      expect(events(c.encode({ op: 'count', topic: 'a', n: 2 }))[0]).toMatchObject({
        id: '0~E1~1',
        event: 'count',
      });
    });

    it('sends bye with a retry line, so EventSource waits retryMs before it reconnects', () => {
      const c = new SseCodec(['a'], undefined);
      const text = c.encode({
        op: 'bye',
        code: 1001,
        reason: 'server shutting down',
        retryMs: 1234,
      });
      expect(text.startsWith('retry: 1234\nevent: bye\n')).toBe(true);
    });

    it('reads presence events of a presence topic into the position', () => {
      const c = new SseCodec(['presence:ann'], undefined);
      const text = c.encode({
        op: 'presence',
        topic: 'presence:ann',
        user: 'ann',
        online: true,
        lastSeen: null,
        seq: 4,
        epoch: 'P',
      });
      expect(events(text)[0]).toMatchObject({ id: '0~P~4', event: 'presence' });
    });

    it('writes ids that parse back to the positions', () => {
      const c = new SseCodec(['a', 'b', 'c'], undefined);
      c.encode([ack(0, 0), ack(2, 7, 'E3')]);
      const [e] = events(c.encode(ev('a', 1)));
      expect(parsePosition(e!.id, 3)).toEqual([
        { epoch: 'E1', seq: 1 },
        undefined,
        { epoch: 'E3', seq: 7 },
      ]);
    });
  });

  describe('#farewell', () => {
    it('is a bye with the close code and reason when none was sent, else nothing', () => {
      const c = new SseCodec(['a'], undefined);
      const [bye] = events(c.farewell(4008, 'slow consumer', 1000));
      expect(JSON.parse(bye!.data!)).toEqual({
        op: 'bye',
        code: 4008,
        reason: 'slow consumer',
        retryMs: 1000,
      });
      expect(c.farewell(4008, 'slow consumer', 1000)).toBe('');
    });

    it('is nothing after the actor sent its own bye (drain)', () => {
      const c = new SseCodec(['a'], undefined);
      c.encode({ op: 'bye', code: 1001, reason: 'server shutting down', retryMs: 5 });
      expect(c.farewell(1001, 'server shutting down', 1000)).toBe('');
    });
  });

  describe('#subFrames', () => {
    it('subscribes every topic with its index as id, its since where known, and count', () => {
      const c = new SseCodec(['a', 'b'], [undefined, { epoch: 'E', seq: 3 }]);
      const frames = c.subFrames(true).map((f) => c.decode(f));
      expect(frames).toEqual([
        [
          { op: 'sub', id: 0, topic: 'a', count: true },
          { op: 'sub', id: 1, topic: 'b', since: { epoch: 'E', seq: 3 }, count: true },
        ],
      ]);
    });

    it('splits the subs into frames a client batch may hold', () => {
      const topics = Array.from({ length: 150 }, (_, i) => `t${i}`);
      const frames = new SseCodec(topics, undefined).subFrames(false);
      expect(frames.map((f) => (JSON.parse(f) as unknown[]).length)).toEqual([100, 50]);
    });
  });

  describe('with EventBatch', () => {
    it('encodes a batch per stream, never sharing one stream’s ids with another', () => {
      const batch = new EventBatch('a', 'E1', [
        { topic: 'a', seq: 1, epoch: 'E1', data: 1, t0: 0 },
        { topic: 'a', seq: 2, epoch: 'E1', data: 2, t0: 0 },
      ]);
      const one = new SseCodec(['a'], undefined);
      const two = new SseCodec(['x', 'a'], undefined);
      expect(events(batch.frame(one) as string).map((e) => e.id)).toEqual(['0~E1~1', '0~E1~2']);
      expect(events(batch.frame(two) as string).map((e) => e.id)).toEqual(['1~E1~1', '1~E1~2']);
      expect(batch.frame(jsonCodec)).toMatch(/^\[/);
    });

    it('leaves out an event it cannot encode and keeps the others as SSE events', () => {
      const skipped: number[] = [];
      const c = new SseCodec(['a'], undefined);
      const bad = {
        toJSON: () => {
          throw new Error('nope');
        },
      };
      const text = encodeEvents(
        c,
        'a',
        'E1',
        [
          { seq: 1, data: 1 },
          { seq: 2, data: bad },
          { seq: 3, data: 3 },
        ],
        (_t, e) => skipped.push(e.seq),
      );
      expect(skipped).toEqual([2]);
      expect(events(text as string).map((e) => e.id)).toEqual(['0~E1~1', '0~E1~3']);
    });
  });

  it('keeps a connection alive with a comment', () => {
    expect(new SseCodec(['a'], undefined).keepAlive).toBe(SSE_KEEPALIVE);
    expect(SSE_KEEPALIVE.startsWith(':')).toBe(true);
  });
});
