import fc from 'fast-check';
import { packMsgpack } from '../protocol/msgpack';
import { decodeMsgpack } from './msgpack-decode';
import { MAX_DEPTH } from './msgpack-encode';

/** The client's reading of what the server sends. */
const clientReads = (v: unknown): unknown => decodeMsgpack(packMsgpack(v));

describe('decodeMsgpack', () => {
  describe('#decodeMsgpack', () => {
    it('reads whatever JSON value the server writes', () => {
      fc.assert(
        fc.property(fc.jsonValue(), (v) => {
          expect(clientReads(v)).toEqual(JSON.parse(JSON.stringify(v)));
        }),
        { numRuns: 300 },
      );
    });

    it('reads integers of every width and floats', () => {
      for (const n of [
        0,
        200,
        70_000,
        2 ** 32 + 5,
        -1,
        -100,
        -40_000,
        -(2 ** 31) - 1,
        0.5,
        1e300,
      ]) {
        expect(clientReads(n)).toBe(n);
      }
      const i64 = Uint8Array.from([0xd3, 0xff, 0xff, 0xff, 0xfe, 0, 0, 0, 0]);
      expect(decodeMsgpack(i64)).toBe(-(2 ** 33));
      const f32 = Uint8Array.from([0xca, 0x3f, 0xc0, 0, 0]);
      expect(decodeMsgpack(f32)).toBe(1.5);
    });

    it('reads long strings, non-ASCII and bin as a copy', () => {
      const s = 'héllo '.repeat(20_000);
      expect(clientReads(s)).toBe(s);
      const frame = packMsgpack({ b: Buffer.from([1, 2, 3]) });
      const v = decodeMsgpack(frame) as { b: Uint8Array };
      frame.fill(0);
      expect([...v.b]).toEqual([1, 2, 3]);
    });

    it('keeps __proto__ as an own key, not as the prototype', () => {
      const frame = Uint8Array.from([0x81, 0xa9, ...Buffer.from('__proto__'), 0x81, 0xa1, 0x78, 1]);
      const v = decodeMsgpack(frame) as Record<string, unknown>;
      expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
      expect(Object.keys(v)).toEqual(['__proto__']);
      expect((v as { x?: unknown }).x).toBeUndefined();
    });

    it('throws for a truncated value, trailing bytes, an extension and 0xc1', () => {
      expect(() => decodeMsgpack(Uint8Array.from([0xa5, 0x61]))).toThrow(RangeError);
      expect(() => decodeMsgpack(Uint8Array.from([0x01, 0x02]))).toThrow(RangeError);
      expect(() => decodeMsgpack(Uint8Array.from([0xd4, 0x01, 0x00]))).toThrow(RangeError);
      expect(() => decodeMsgpack(Uint8Array.from([0xc1]))).toThrow(RangeError);
      expect(() => decodeMsgpack(new Uint8Array(0))).toThrow(RangeError);
    });

    it('refuses a container longer than the frame before allocating it', () => {
      const huge = Uint8Array.from([0xdd, 0xff, 0xff, 0xff, 0xff, 0x01]);
      expect(() => decodeMsgpack(huge)).toThrow(/container/);
      const hugeMap = Uint8Array.from([0xdf, 0x7f, 0xff, 0xff, 0xff]);
      expect(() => decodeMsgpack(hugeMap)).toThrow(/container/);
    });

    it('reads nesting up to MAX_DEPTH and refuses one level more', () => {
      const nested = (n: number): Uint8Array =>
        Uint8Array.from([...new Array<number>(n).fill(0x91), 0x01]);
      expect(() => decodeMsgpack(nested(MAX_DEPTH))).not.toThrow();
      expect(() => decodeMsgpack(nested(MAX_DEPTH + 1))).toThrow(/deeper/);
    });
  });
});
