import fc from 'fast-check';
import { unpack } from 'msgpackr';
import { packMsgpack, unpackMsgpack } from '../protocol/msgpack';
import { encodeMsgpack, MAX_DEPTH } from './msgpack-encode';

/** The server's reading of what the client sends. */
const serverReads = (v: unknown): unknown => unpackMsgpack(encodeMsgpack(v));

describe('encodeMsgpack', () => {
  describe('#encodeMsgpack', () => {
    it('writes any JSON value so that the server reads it back equal', () => {
      fc.assert(
        // msgpackr renames a `__proto__` key (to `__proto_`): the server's rule, not the encoder's.
        fc.property(
          fc.jsonValue().filter((v) => !JSON.stringify(v).includes('__proto__')),
          (v) => {
            expect(serverReads(v)).toEqual(JSON.parse(JSON.stringify(v)));
          },
        ),
        { numRuns: 300 },
      );
    });

    it('writes integers at every width boundary as the same integers', () => {
      const edges = [0, 127, 128, 255, 256, 65535, 65536, 2 ** 32 - 1, 2 ** 32, 2 ** 53 - 1];
      for (const n of edges.flatMap((e) => [e, -e, -e - 1])) {
        expect(serverReads(n)).toBe(n === 0 ? 0 : n);
      }
      expect(serverReads(-32)).toBe(-32);
      expect(serverReads(-33)).toBe(-33);
    });

    it('writes strings and bins of every length form', () => {
      for (const n of [0, 31, 32, 255, 256, 65535, 65536]) {
        const s = 'é'.repeat(Math.ceil(n / 2)).slice(0, Math.ceil(n / 2)) + 'a'.repeat(n % 2);
        expect(serverReads(s)).toBe(s);
        const b = new Uint8Array(n).fill(7);
        expect(Buffer.from(serverReads(b) as Uint8Array).equals(Buffer.from(b))).toBe(true);
      }
    });

    it('writes arrays and maps of 16-bit and 32-bit lengths', () => {
      for (const n of [15, 16, 65535, 65536]) {
        const arr = Array.from({ length: n }, (_, i) => i % 3);
        expect(serverReads(arr)).toEqual(arr);
        const map = Object.fromEntries(
          arr.slice(0, Math.min(n, 70_000)).map((v, i) => [`k${i}`, v]),
        );
        expect(serverReads(map)).toEqual(map);
      }
    });

    it('leaves out undefined map values and writes undefined array items as nil, as JSON does', () => {
      expect(serverReads({ a: 1, b: undefined, f: () => 1 })).toEqual({ a: 1 });
      expect(serverReads([1, undefined, 2])).toEqual([1, null, 2]);
    });

    it('uses toJSON (a Date travels as its ISO string)', () => {
      const d = new Date(0);
      expect(serverReads({ d })).toEqual({ d: d.toISOString() });
    });

    it('writes floats, NaN included, as float64', () => {
      expect(serverReads(0.1)).toBe(0.1);
      expect(serverReads(1e300)).toBe(1e300);
      expect(Number.isNaN(serverReads(NaN))).toBe(true);
    });

    it('writes a bigint within 64 bits as a 64-bit integer, and refuses one outside', () => {
      expect(unpack(encodeMsgpack(BigInt(2) ** BigInt(63)))).toBe(BigInt(2) ** BigInt(63));
      expect(serverReads(-(BigInt(2) ** BigInt(40)))).toBe(-(2 ** 40));
      expect(() => encodeMsgpack(BigInt(2) ** BigInt(64))).toThrow(RangeError);
    });

    it('writes a Map as a map', () => {
      expect(serverReads(new Map([['a', 1]]))).toEqual({ a: 1 });
    });

    it('throws a RangeError for a cycle instead of overflowing the stack', () => {
      const o: Record<string, unknown> = {};
      o.self = o;
      expect(() => encodeMsgpack(o)).toThrow(RangeError);
    });

    it('accepts nesting up to MAX_DEPTH and refuses one level more', () => {
      const deep = (n: number): unknown => (n === 0 ? 1 : [deep(n - 1)]);
      expect(() => encodeMsgpack(deep(MAX_DEPTH))).not.toThrow();
      expect(() => encodeMsgpack(deep(MAX_DEPTH + 1))).toThrow(RangeError);
    });

    it('writes a small message byte for byte as the server encodes it', () => {
      const v = { op: 'sub', id: 7, topic: 'live:1' };
      expect(Buffer.from(encodeMsgpack(v)).equals(packMsgpack(v))).toBe(true);
    });
  });
});
