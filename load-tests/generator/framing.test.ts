import { encodeFrame, FrameReader, unpackr } from './framing';
import { padFor, EVENT_DATA_BYTES } from './event-data';
import { packr } from './framing';

describe('encodeFrame', () => {
  it('prefixes the msgpack body with its 4-byte big-endian length', () => {
    const f = encodeFrame({ op: 'pub', topic: 't', data: 1 });
    expect(f.readUInt32BE(0)).toBe(f.length - 4);
    expect(unpackr.unpack(f.subarray(4))).toEqual({ op: 'pub', topic: 't', data: 1 });
  });
});

describe('FrameReader', () => {
  describe('#push', () => {
    it('returns whole frames however the stream is split', () => {
      const bytes = Buffer.concat([
        encodeFrame({ a: 1 }),
        encodeFrame('x'.repeat(500)),
        encodeFrame([1, 2]),
      ]);
      const r = new FrameReader();
      const out: unknown[] = [];
      for (let i = 0; i < bytes.length; i += 7)
        for (const b of r.push(bytes.subarray(i, i + 7))) out.push(unpackr.unpack(b));
      expect(out).toEqual([{ a: 1 }, 'x'.repeat(500), [1, 2]]);
    });

    it('throws when a length exceeds the limit', () => {
      const r = new FrameReader(10);
      expect(() => r.push(encodeFrame('x'.repeat(20)))).toThrow(RangeError);
    });
  });
});

describe('padFor', () => {
  it('makes the event data encode to 64 bytes', () => {
    expect(packr.pack({ t: 1712345678901.123, pad: padFor() }).length).toBe(EVENT_DATA_BYTES);
  });
});
