import { Packr, pack as referencePack } from 'msgpackr';
import { DecodeError } from './errors';
import { packMsgpack, unpackMsgpack } from './msgpack';

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
