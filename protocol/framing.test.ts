import { DecodeError, FrameTooLargeError } from './errors';
import {
  DEFAULT_MAX_PUBLISH_FRAME,
  decodePayload,
  encodeFrame,
  FrameDecoder,
  frameBody as rawFrame,
} from './framing';

describe('encodeFrame', () => {
  it('writes a 4-byte big-endian length, then the msgpack body', () => {
    const frame = encodeFrame({ a: 1 });
    expect([...frame]).toEqual([0, 0, 0, 4, 0x81, 0xa1, 0x61, 0x01]);
  });

  it('returns a buffer of its own, not a view of a shared slab', () => {
    const frame = encodeFrame({ op: 'pub', topic: 't', data: 'x' });
    expect(frame.byteLength).toBe(frame.readUInt32BE(0) + 4);
    const second = encodeFrame({ op: 'pub', topic: 'u', data: 'y' });
    expect(decodePayload(frame.subarray(4))).toEqual({ op: 'pub', topic: 't', data: 'x' });
    expect(decodePayload(second.subarray(4))).toEqual({ op: 'pub', topic: 'u', data: 'y' });
  });

  it('writes plain maps that decode with any msgpack reader', () => {
    const value = [
      { op: 'pub', topic: 't', data: { n: 1 } },
      { op: 'pub', topic: 't', data: { n: 2 } },
    ];
    expect(decodePayload(encodeFrame(value).subarray(4))).toEqual(value);
  });
});

describe('decodePayload', () => {
  it('throws DecodeError on an empty payload', () => {
    expect(() => decodePayload(Buffer.alloc(0))).toThrow(DecodeError);
  });

  it('throws DecodeError on truncated msgpack and on trailing bytes', () => {
    const body = encodeFrame({ op: 'auth', token: 'x' }).subarray(4);
    expect(() => decodePayload(body.subarray(0, body.length - 1))).toThrow(DecodeError);
    expect(() => decodePayload(Buffer.concat([body, Buffer.from([0])]))).toThrow(DecodeError);
  });
});

describe('FrameDecoder', () => {
  describe('#constructor', () => {
    it('defaults the limit to 1 MiB', () => {
      expect(DEFAULT_MAX_PUBLISH_FRAME).toBe(1024 * 1024);
      const decoder = new FrameDecoder();
      const header = Buffer.alloc(4);
      header.writeUInt32BE(DEFAULT_MAX_PUBLISH_FRAME, 0);
      expect(decoder.push(header)).toEqual([]);
      const over = Buffer.alloc(4);
      over.writeUInt32BE(DEFAULT_MAX_PUBLISH_FRAME + 1, 0);
      expect(() => new FrameDecoder().push(over)).toThrow(FrameTooLargeError);
    });

    it.each([[-1], [1.5], [2 ** 32], [NaN]])('refuses the limit %p', (limit) => {
      expect(() => new FrameDecoder(limit)).toThrow(RangeError);
    });
  });

  describe('#push', () => {
    it('returns one payload for one whole frame', () => {
      const decoder = new FrameDecoder();
      const out = decoder.push(encodeFrame({ op: 'auth', token: 't' }));
      expect(out.map(decodePayload)).toEqual([{ op: 'auth', token: 't' }]);
      expect(decoder.buffered).toBe(0);
    });

    it('returns every frame of a chunk that holds many, in order', () => {
      const values = Array.from({ length: 50 }, (_, i) => ({ op: 'pub', topic: 't', data: i }));
      const decoder = new FrameDecoder();
      const out = decoder.push(Buffer.concat(values.map(encodeFrame)));
      expect(out.map(decodePayload)).toEqual(values);
      expect(decoder.buffered).toBe(0);
    });

    it('reassembles frames fed one byte at a time (split header and split body)', () => {
      const values = [{ a: 'x'.repeat(300) }, { b: 2 }, [{ c: 3 }]];
      const stream = Buffer.concat(values.map(encodeFrame));
      const decoder = new FrameDecoder();
      const out: Buffer[] = [];
      for (let i = 0; i < stream.length; i++) out.push(...decoder.push(stream.subarray(i, i + 1)));
      expect(out.map(decodePayload)).toEqual(values);
      expect(decoder.buffered).toBe(0);
    });

    it('reassembles a frame whose header is split across chunks', () => {
      const frame = encodeFrame({ op: 'auth', token: 'abc' });
      const decoder = new FrameDecoder();
      expect(decoder.push(frame.subarray(0, 2))).toEqual([]);
      expect(decoder.buffered).toBe(2);
      expect(decoder.push(frame.subarray(2, 3))).toEqual([]);
      expect(decoder.push(frame.subarray(3)).map(decodePayload)).toEqual([
        { op: 'auth', token: 'abc' },
      ]);
    });

    it('returns the complete frames of a chunk and keeps the partial rest', () => {
      const a = encodeFrame({ a: 1 });
      const b = encodeFrame({ b: 'two' });
      const decoder = new FrameDecoder();
      const out = decoder.push(Buffer.concat([a, b.subarray(0, 6)]));
      expect(out.map(decodePayload)).toEqual([{ a: 1 }]);
      expect(decoder.buffered).toBe(6);
      expect(decoder.push(b.subarray(6)).map(decodePayload)).toEqual([{ b: 'two' }]);
      expect(decoder.buffered).toBe(0);
    });

    it('returns a zero-length frame as an empty payload', () => {
      const decoder = new FrameDecoder();
      const out = decoder.push(Buffer.concat([rawFrame(Buffer.alloc(0)), encodeFrame(1)]));
      expect(out.length).toBe(2);
      expect(out[0].length).toBe(0);
      expect(decodePayload(out[1])).toBe(1);
    });

    // Found by the publisher fuzz suite: the header of an empty frame that ends a chunk used to
    // leave no chunk to read the (empty) body from, and push threw a TypeError.
    it('returns a zero-length frame whose header ends the chunk, then reads on', () => {
      const decoder = new FrameDecoder();
      const first = decoder.push(rawFrame(Buffer.alloc(0)));
      expect(first.map((p) => p.length)).toEqual([0]);
      expect(decoder.push(encodeFrame(7)).map(decodePayload)).toEqual([7]);
      expect(decoder.buffered).toBe(0);
    });

    it('returns a zero-length frame split over chunks', () => {
      const decoder = new FrameDecoder();
      expect(decoder.push(Buffer.from([0, 0]))).toEqual([]);
      expect(decoder.push(Buffer.from([0, 0])).map((p) => p.length)).toEqual([0]);
      expect(decoder.push(encodeFrame('x')).map(decodePayload)).toEqual(['x']);
    });

    it('ignores an empty chunk', () => {
      const decoder = new FrameDecoder();
      expect(decoder.push(Buffer.alloc(0))).toEqual([]);
      expect(decoder.buffered).toBe(0);
    });

    it('accepts a frame of exactly the limit', () => {
      const decoder = new FrameDecoder(10);
      expect(decoder.push(rawFrame(Buffer.alloc(10, 1)))[0].length).toBe(10);
    });

    it('throws FrameTooLargeError from the header alone, before any body byte arrives', () => {
      const decoder = new FrameDecoder(10);
      const header = Buffer.alloc(4);
      header.writeUInt32BE(11, 0);
      let caught: unknown;
      try {
        decoder.push(header);
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(FrameTooLargeError);
      expect(caught).toMatchObject({ code: 'FRAME_TOO_LARGE', size: 11, limit: 10 });
      expect(decoder.buffered).toBe(0);
    });

    it('throws when the oversized header arrives split, without buffering the body', () => {
      const decoder = new FrameDecoder(1000);
      const frame = rawFrame(Buffer.alloc(5000));
      expect(decoder.push(frame.subarray(0, 3))).toEqual([]);
      expect(() => decoder.push(frame.subarray(3, 100))).toThrow(FrameTooLargeError);
      expect(decoder.buffered).toBe(0);
    });

    it('keeps throwing after a too-large frame: the link is broken for good', () => {
      const decoder = new FrameDecoder(1);
      expect(() => decoder.push(rawFrame(Buffer.alloc(2)))).toThrow(FrameTooLargeError);
      expect(() => decoder.push(encodeFrame(1))).toThrow(FrameTooLargeError);
    });

    it('returns a view, not a copy, when a frame sits inside one chunk', () => {
      const chunk = Buffer.concat([encodeFrame({ a: 1 }), encodeFrame({ b: 2 })]);
      const [first] = new FrameDecoder().push(chunk);
      expect(first.buffer).toBe(chunk.buffer);
    });

    it('handles many tiny chunks of one large frame in linear time', () => {
      const body = Buffer.alloc(200_000, 7);
      const frame = rawFrame(body);
      const decoder = new FrameDecoder();
      const started = process.hrtime.bigint();
      let out: Buffer[] = [];
      for (let i = 0; i < frame.length; i += 10)
        out = out.concat(decoder.push(frame.subarray(i, i + 10)));
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      expect(out.length).toBe(1);
      expect(out[0].equals(body)).toBe(true);
      // 20k chunks; a quadratic decoder copies ~2 GB here and takes seconds.
      expect(ms).toBeLessThan(1000);
    });
  });

  describe('#each', () => {
    /** Each frame `each` hands over: the chunk it was read from, and its payload. */
    function collect(decoder: FrameDecoder, chunk: Buffer): { buf: Buffer; payload: Buffer }[] {
      const out: { buf: Buffer; payload: Buffer }[] = [];
      const n = decoder.each(chunk, (buf, start, end) =>
        out.push({ buf, payload: Buffer.from(buf.subarray(start, end)) }),
      );
      expect(n).toBe(out.length);
      return out;
    }

    it('hands over a frame inside one chunk as offsets in that chunk', () => {
      const chunk = Buffer.concat([encodeFrame({ a: 1 }), encodeFrame({ b: 2 })]);
      const seen: [Buffer, number, number][] = [];
      new FrameDecoder().each(chunk, (buf, start, end) => seen.push([buf, start, end]));
      expect(seen).toEqual([
        [chunk, 4, 8],
        [chunk, 12, 16],
      ]);
      expect(seen[0]![0]).toBe(chunk);
    });

    it('hands over every frame of a chunk that holds many, in order', () => {
      const values = Array.from({ length: 50 }, (_, i) => ({ op: 'pub', topic: 't', data: i }));
      const decoder = new FrameDecoder();
      const out = collect(decoder, Buffer.concat(values.map(encodeFrame)));
      expect(out.map((f) => decodePayload(f.payload))).toEqual(values);
      expect(decoder.buffered).toBe(0);
    });

    it('copies a frame split across chunks once, then reads the rest of the chunk in place', () => {
      const a = encodeFrame({ a: 'x'.repeat(40) });
      const b = encodeFrame({ b: 2 });
      const decoder = new FrameDecoder();
      expect(collect(decoder, a.subarray(0, 20))).toEqual([]);
      expect(decoder.buffered).toBe(20);
      const second = Buffer.concat([a.subarray(20), b]);
      const out = collect(decoder, second);
      expect(out.map((f) => decodePayload(f.payload))).toEqual([{ a: 'x'.repeat(40) }, { b: 2 }]);
      expect(out[0]!.buf).not.toBe(second);
      expect(out[1]!.buf).toBe(second);
      expect(decoder.buffered).toBe(0);
    });

    it('reads a frame whose header is split across chunks', () => {
      const frame = encodeFrame({ op: 'auth', token: 'abc' });
      const decoder = new FrameDecoder();
      expect(collect(decoder, frame.subarray(0, 1))).toEqual([]);
      expect(collect(decoder, frame.subarray(1, 3))).toEqual([]);
      expect(decoder.buffered).toBe(3);
      const rest = frame.subarray(3);
      const out = collect(decoder, rest);
      expect(out.map((f) => decodePayload(f.payload))).toEqual([{ op: 'auth', token: 'abc' }]);
      // The header's last byte came with the body: the body is read where it lies.
      expect(out[0]!.buf).toBe(rest);
    });

    it('hands over zero-length frames: alone, between frames, ending a chunk, split', () => {
      const empty = rawFrame(Buffer.alloc(0));
      const decoder = new FrameDecoder();
      const sizes = (chunk: Buffer): number[] =>
        collect(decoder, chunk).map((f) => f.payload.length);
      expect(sizes(empty)).toEqual([0]);
      expect(sizes(Buffer.concat([encodeFrame(1), empty, encodeFrame(2), empty]))).toEqual([
        1, 0, 1, 0,
      ]);
      expect(sizes(empty.subarray(0, 3))).toEqual([]);
      expect(sizes(Buffer.concat([empty.subarray(3), encodeFrame(3)]))).toEqual([0, 1]);
      expect(decoder.buffered).toBe(0);
    });

    it('hands over no frame of a chunk that ends in a header over the limit, then throws', () => {
      const decoder = new FrameDecoder(10);
      const over = Buffer.alloc(4);
      over.writeUInt32BE(11, 0);
      const onFrame = jest.fn();
      expect(() =>
        decoder.each(Buffer.concat([encodeFrame(1), encodeFrame(2), over]), onFrame),
      ).toThrow(FrameTooLargeError);
      expect(onFrame).not.toHaveBeenCalled();
      expect(decoder.buffered).toBe(0);
      expect(() => decoder.each(encodeFrame(3), onFrame)).toThrow(FrameTooLargeError);
    });

    it('hands over the same payloads however a stream is cut into chunks', () => {
      const values = [{ a: 'x'.repeat(300) }, 1, [{ c: 3 }], 'y'.repeat(70), null];
      const frames = [...values.map(encodeFrame), rawFrame(Buffer.alloc(0))];
      const payloads = frames.map((f) => Buffer.from(f.subarray(4)));
      const stream = Buffer.concat(frames);
      let seed = 5;
      const rnd = (n: number): number =>
        Math.floor(((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31) * n);
      for (let run = 0; run < 100; run++) {
        const decoder = new FrameDecoder();
        const out: Buffer[] = [];
        for (let at = 0; at < stream.length;) {
          const next = Math.min(stream.length, at + 1 + rnd(rnd(2) === 0 ? 8 : 400));
          for (const f of collect(decoder, stream.subarray(at, next))) out.push(f.payload);
          at = next;
        }
        expect(out).toEqual(payloads);
        expect(decoder.buffered).toBe(0);
      }
    });
  });
});
