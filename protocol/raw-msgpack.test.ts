import { Packr } from 'msgpackr';
import { jsonCodec, jsonData } from './json-codec';
import { packMsgpack, unpackMsgpack } from './msgpack';
import { checkPayload, MAX_DATA_DEPTH, payloadBytes } from './payload';
import { MAX_SCANNED_KEYS, RawMsgpack, scanData } from './raw-msgpack';
import type { ServerMessage } from './messages';

/** A plain msgpack writer (what a publisher in another language would send). */
const plain = new Packr({ useRecords: false });
const bytes = (v: unknown): Buffer => plain.pack(v);
const hex = (h: string): Buffer => Buffer.from(h.replace(/ /g, ''), 'hex');
const whole = (b: Buffer): number => scanData(b, 0, b.length);
const raw = (b: Buffer): RawMsgpack => new RawMsgpack(b.toString('latin1'));

function nested(depth: number): unknown {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = [v];
  return v;
}

const TAKEN: [string, unknown][] = [
  ['nil', null],
  ['booleans', [true, false]],
  ['fixints', [0, 127, -1, -32]],
  ['8, 16 and 32-bit integers', [200, -100, 40000, -30000, 4_000_000_000, -2_000_000_000]],
  ['a finite float64', 1.5],
  ['strings of every length class', ['', 'x'.repeat(31), 'y'.repeat(200), 'z'.repeat(70_000)]],
  ['UTF-8 strings', ['héllo', '日本', '😀']],
  ['bin', new Uint8Array([1, 2, 3])],
  ['maps and arrays', { t: 1.25, pad: 'abc', list: [{ a: 1 }, [2, [3]]], empty: {}, none: [] }],
  ['the bench payload', { t: 1733150000000.123, pad: 'x'.repeat(45) }],
  [
    `${MAX_SCANNED_KEYS} keys`,
    Object.fromEntries(Array.from({ length: 16 }, (_, i) => [`k${i}`, i])),
  ],
  [`nesting of ${MAX_DATA_DEPTH} levels`, nested(MAX_DATA_DEPTH)],
];

describe('scanData', () => {
  it.each(TAKEN)('takes %s, up to the end of the value', (_name, value) => {
    const b = bytes(value);
    expect(whole(b)).toBe(b.length);
    // The same value followed by more bytes ends where the value does.
    expect(scanData(Buffer.concat([b, hex('c0')]), 0, b.length + 1)).toBe(b.length);
  });

  it.each(TAKEN)(
    'answers -1 for every proper prefix of %s (never reads past the end)',
    (_n, value) => {
      const b = bytes(value);
      if (b.length > 300) return; // the 70,000-byte string: its prefixes are all alike
      for (let end = 0; end < b.length; end++) expect(scanData(b, 0, end)).toBe(-1);
    },
  );

  const NOT_TAKEN: [string, Buffer][] = [
    ['float32', hex('ca 3f c0 00 00')],
    ['NaN', hex('cb 7f f8 00 00 00 00 00 00')],
    ['Infinity', hex('cb 7f f0 00 00 00 00 00 00')],
    ['uint64', hex('cf 00 00 00 01 00 00 00 00')],
    ['int64', hex('d3 ff ff ff ff 00 00 00 00')],
    ['undefined (fixext 0)', hex('d4 00 00')],
    ['undefined as a map value', hex('81 a1 61 d4 00 00')],
    ['a timestamp', hex('d6 ff 00 00 00 01')],
    ['ext 8', hex('c7 01 05 00')],
    ['the reserved byte', hex('c1')],
    ['invalid UTF-8', hex('a2 c3 28')],
    ['an encoded surrogate', hex('a3 ed a0 80')],
    ['a number as a map key', hex('81 01 02')],
    ['a duplicate key', hex('82 a1 61 01 a1 61 02')],
    ['a __proto__ key', Buffer.concat([hex('81 a9'), Buffer.from('__proto__'), hex('c0')])],
    [
      `more than ${MAX_SCANNED_KEYS} keys`,
      bytes(Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, i]))),
    ],
    [`nesting of ${MAX_DATA_DEPTH + 1} levels`, bytes(nested(MAX_DATA_DEPTH + 1))],
    ['an array count past the bytes', hex('dd ff ff ff ff 01')],
    ['a string length past the bytes', hex('db ff ff ff ff 61')],
  ];

  it.each(NOT_TAKEN)('leaves %s to the decoder (-1)', (_name, b) => {
    expect(whole(b)).toBe(-1);
  });

  it('takes a nesting the decoder accepts and leaves one it refuses', () => {
    // The same bound as checkPayload's: what scanData takes, checkPayload would take decoded.
    expect(checkPayload(unpackMsgpack(bytes(nested(MAX_DATA_DEPTH)))).ok).toBe(true);
    expect(checkPayload(unpackMsgpack(bytes(nested(MAX_DATA_DEPTH + 1)))).ok).toBe(false);
  });

  it('checks keys of maps at each depth apart', () => {
    // The inner map reuses the outer one's key names: not duplicates.
    expect(whole(bytes({ a: { a: 1, b: 2 }, b: [{ a: 1 }, { a: 2 }] }))).toBeGreaterThan(0);
  });

  it('survives random bytes: an end inside the input or -1, never a throw', () => {
    let seed = 7;
    const rnd = (): number => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 20_000; i++) {
      const b = Buffer.from(Array.from({ length: 1 + Math.floor(rnd() * 24) }, () => rnd() * 256));
      const end = whole(b);
      expect(end === -1 || (end > 0 && end <= b.length)).toBe(true);
      // Whatever it takes, the decoder reads the same way and checkPayload accepts.
      if (end > 0) expect(checkPayload(unpackMsgpack(b.subarray(0, end))).ok).toBe(true);
    }
  });
});

describe('RawMsgpack', () => {
  const value = { t: 1.5, pad: 'abc', bin: new Uint8Array([9, 8]), list: [1, 'two', null] };

  it('is written by every Packr as its bytes, without an extension header', () => {
    // Bytes in troupe's own encoding: the frame is byte for byte the one a decoded value makes.
    const own = { op: 'ev', topic: 't', seq: 1, epoch: 'e', data: raw(packMsgpack(value)) };
    expect(packMsgpack(own)).toEqual(packMsgpack({ ...own, data: value }));
    // Another writer's bytes (map 16 headers): the subscriber decodes the same value.
    const msg = { ...own, data: raw(bytes(value)) };
    const decoded = unpackMsgpack(packMsgpack(value)); // bin decodes as a Buffer
    expect(unpackMsgpack(packMsgpack([msg, msg]))).toEqual([
      { ...msg, data: decoded },
      { ...msg, data: decoded },
    ]);
  });

  it('keeps the publisher encoding of its bytes (values do not go through a decode)', () => {
    // 5 as uint 32: msgpackr would write a fixint; the subscriber reads 5 either way.
    const b = hex('ce 00 00 00 05');
    expect(packMsgpack({ data: raw(b) }).subarray(-5)).toEqual(b);
    expect(unpackMsgpack(packMsgpack({ data: raw(b) }))).toEqual({ data: 5 });
  });

  it('is written in JSON as its value, bin as {"$bin": base64}, on every JSON path', () => {
    const r = raw(bytes(value));
    const expected = '{"t":1.5,"pad":"abc","bin":{"$bin":"CQg="},"list":[1,"two",null]}';
    expect(jsonData(r)).toBe(expected);
    const ev = { op: 'ev', topic: 't', seq: 1, epoch: 'e', data: r } as ServerMessage;
    expect(jsonCodec.encode(ev)).toBe(jsonCodec.encode({ ...ev, data: value } as ServerMessage));
    // A bare bin, where toJSON hands the replacer a Buffer.
    const bare = { ...ev, data: raw(bytes(new Uint8Array([1]))) } as ServerMessage;
    expect(jsonCodec.encode(bare)).toContain('"data":{"$bin":"AQ=="}');
    expect(jsonData(raw(bytes(new Uint8Array([1]))))).toBe('{"$bin":"AQ=="}');
  });

  it('is charged its bytes and a fixed overhead against the history, and passes checkPayload', () => {
    const r = raw(bytes(value));
    expect(payloadBytes(r)).toBe(r.heapBytes);
    expect(r.heapBytes).toBe(32 + r.bin.length);
    expect(checkPayload(r)).toEqual({ ok: true, bytes: r.heapBytes, data: r });
  });

  it('decodes a batch once for readers in turn (SSE writes each connection its own frame)', () => {
    const batch = [raw(bytes({ a: [1] })), raw(bytes({ b: 2 })), raw(bytes('c'))];
    const first = batch.map((r) => r.value);
    // The next connection reads the same events: the same decodes.
    batch.forEach((r, i) => expect(r.value).toBe(first[i]));
    // 16 other events later the first is decoded again (equal, not the same object).
    for (let i = 0; i < 16; i++) expect(raw(bytes(i)).value).toBe(i);
    expect(batch[0]!.value).not.toBe(first[0]);
    expect(batch[0]!.value).toEqual({ a: [1] });
  });

  it('does not remember the value of a payload over 64 KiB', () => {
    const big = raw(bytes({ s: 'x'.repeat(70_000) }));
    expect(big.value).not.toBe(big.value);
  });

  it('cannot be sent in: its extension type is refused when decoding', () => {
    expect(() => unpackMsgpack(hex('d4 5f 00'))).toThrow(/undecodable/);
  });
});
