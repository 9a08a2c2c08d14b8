import { Packr, pack as referencePack } from 'msgpackr';
import { DecodeError } from './errors';
import { packMsgpack, packMsgpackEvents, unpackMsgpack } from './msgpack';

describe('packMsgpack', () => {
  it('writes plain msgpack maps, not msgpackr records', () => {
    // fixmap of 1 entry: 0x81, fixstr "a", positive fixint 1
    expect([...packMsgpack({ a: 1 })]).toEqual([0x81, 0xa1, 0x61, 0x01]);
  });

  it('writes the same map for two objects of one shape (no record definitions)', () => {
    expect([...packMsgpack({ op: 'ev', n: 1 })]).toEqual([...packMsgpack({ op: 'ev', n: 1 })]);
  });

  it('leaves out map entries whose value is undefined', () => {
    expect(unpackMsgpack(packMsgpack({ a: 1, b: undefined }))).toEqual({ a: 1 });
    expect(Object.keys(unpackMsgpack(packMsgpack({ a: undefined })) as object)).toEqual([]);
  });
});

/** A small seeded PRNG (mulberry32), so a failing value can be found again. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Lengths around msgpack's header boundaries (fix/8/16 for strings, fix/16 for maps, arrays). */
const LENGTHS = [0, 1, 15, 16, 17, 31, 32, 255, 256, 300];
const KEYS = ['a', 'op', 'data', '', 'é', 'hasOwnProperty', 'constructor', 'x'.repeat(40)];

/** A random value without `undefined`: what a checked, stripped payload may hold. */
function randomValue(rnd: () => number, depth: number): unknown {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const kind = Math.floor(rnd() * (depth >= 4 ? 7 : 9));
  switch (kind) {
    case 0:
      return null;
    case 1:
      return rnd() < 0.5;
    case 2: {
      // ints of every width msgpack has, both signs
      const span = pick([0x7f, 0xff, 0xffff, 0xffffffff, 2 ** 40, Number.MAX_SAFE_INTEGER]);
      const n = Math.floor(rnd() * span);
      return rnd() < 0.3 ? -n : n;
    }
    case 3:
      return (rnd() - 0.5) * pick([1, 1e3, 1e12, 1e-6]);
    case 4:
      return pick(['', 'x', 'héllo😀']) + 'y'.repeat(pick(LENGTHS));
    case 5:
      return Uint8Array.from({ length: pick(LENGTHS) }, () => Math.floor(rnd() * 256));
    case 6:
      return Math.fround(rnd());
    case 7:
      return Array.from({ length: pick(LENGTHS.slice(0, 5)) }, () => randomValue(rnd, depth + 1));
    default: {
      const map: Record<string, unknown> = rnd() < 0.1 ? Object.create(null) : {};
      const n = pick(LENGTHS.slice(0, 5));
      for (let i = 0; i < n; i++)
        map[i < KEYS.length ? pick(KEYS) : `k${i}`] = randomValue(rnd, depth + 1);
      return map;
    }
  }
}

describe('packMsgpackEvents', () => {
  it('writes the same bytes as packMsgpack for 3,000 random values without undefined', () => {
    const rnd = prng(14);
    let maps = 0;
    for (let i = 0; i < 3000; i++) {
      const data = randomValue(rnd, 0);
      if (typeof data === 'object' && data !== null && !Array.isArray(data)) maps++;
      const msg = { op: 'ev', topic: `t${i}`, seq: i + 1, epoch: 'e1', data };
      const general = Buffer.from(packMsgpack(msg)); // both may share msgpackr's output slab
      expect(packMsgpackEvents(msg).equals(general)).toBe(true);
      const batch = [msg, { ...msg, seq: i + 2 }, { ...msg, data: null }];
      const generalBatch = Buffer.from(packMsgpack(batch));
      expect(packMsgpackEvents(batch).equals(generalBatch)).toBe(true);
    }
    expect(maps).toBeGreaterThan(100); // the generator did make maps at the top
  });

  it('writes map headers of the smallest size (fixmap, then map 16)', () => {
    expect([...packMsgpackEvents({ a: 1 })]).toEqual([0x81, 0xa1, 0x61, 0x01]);
    const wide = Object.fromEntries(Array.from({ length: 16 }, (_, i) => [`k${i}`, i]));
    expect([...packMsgpackEvents(wide).subarray(0, 3)]).toEqual([0xde, 0x00, 0x10]);
  });

  it('does not skip an undefined map value: ingress must strip them (payload.ts)', () => {
    expect(packMsgpackEvents({ a: undefined }).toString('hex')).toBe('81a161d40000');
  });
});

describe('unpackMsgpack', () => {
  it('round trips nested values', () => {
    const value = { s: 'é😀', n: -3, f: 1.5, b: true, z: null, a: [1, [2]], m: { k: 'v' } };
    expect(unpackMsgpack(packMsgpack(value))).toEqual(value);
  });

  it('reads uint64 as a number', () => {
    // {id: uint64 2^53 - 1}
    const bytes = Buffer.from([
      0x81, 0xa2, 0x69, 0x64, 0xcf, 0, 0x1f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    ]);
    expect(unpackMsgpack(bytes)).toEqual({ id: Number.MAX_SAFE_INTEGER });
  });

  it('returns bin values that do not alias the frame', () => {
    const frame = packMsgpack({ b: new Uint8Array([1, 2, 3]) });
    const copy = Uint8Array.from(frame);
    const value = unpackMsgpack(copy) as { b: Uint8Array };
    copy.fill(0);
    expect([...value.b]).toEqual([1, 2, 3]);
  });

  it('reads a map key __proto__ as an ordinary, renamed key', () => {
    const bytes = Buffer.concat([
      Buffer.from([0x81, 0xa9]),
      Buffer.from('__proto__'),
      Buffer.from([1]),
    ]);
    const value = unpackMsgpack(bytes) as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(value.__proto_).toBe(1);
  });

  it.each([
    ['empty input', []],
    ['a truncated map', [0x82, 0xa1, 0x61]],
    ['a truncated string', [0xa5, 0x61]],
    ['trailing bytes after a value', [0x81, 0xa1, 0x61, 0x01, 0x01]],
    ['the reserved byte 0xc1', [0xc1]],
    ['an unknown extension', [0xd4, 0x05, 0x01]],
    ['a map with a map key', [0x81, 0x81, 0xa1, 0x61, 0x01, 0x02]],
  ])('throws DecodeError on %s', (_name, bytes) => {
    expect(() => unpackMsgpack(Uint8Array.from(bytes))).toThrow(DecodeError);
  });

  it('refuses msgpackr structured-clone references, which could build cycles', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    const bytes = new Packr({ structuredClone: true }).pack(cyclic);
    expect(() => unpackMsgpack(bytes)).toThrow(DecodeError);
  });

  it('keeps the decoded value out of the error message', () => {
    const bytes = Buffer.concat([referencePack({ secret: 'hunter2' }), Buffer.from([1])]);
    try {
      unpackMsgpack(bytes);
      throw new Error('expected a DecodeError');
    } catch (err) {
      expect(err).toBeInstanceOf(DecodeError);
      expect((err as Error).message).not.toContain('hunter2');
    }
  });

  it('throws DecodeError, not RangeError, on absurdly deep nesting', () => {
    const bytes = new Uint8Array(200_000).fill(0x91); // [[[[...
    expect(() => unpackMsgpack(bytes)).toThrow(DecodeError);
  });
});
