import { jsonCodec } from './json-codec';
import { packMsgpack, unpackMsgpack } from './msgpack';
import { checkPayload, MAX_DATA_DEPTH, payloadBytes } from './payload';
import { DEEP_MSGPACK, nested, WIDE_BIGINT } from '../testing/poison';

describe('checkPayload', () => {
  it.each([
    ['null', null],
    ['a boolean', true],
    ['an integer', 42],
    ['a float', -1.5],
    ['a string', 'héllo'],
    ['bytes', new Uint8Array([1, 2, 3])],
    ['an array', [1, 'a', null, [true]]],
    ['a map', { a: 1, b: { c: [1, 2] } }],
    ['a map without prototype', Object.assign(Object.create(null) as object, { a: 1 })],
    ['a map with an undefined entry (both codecs leave it out)', { a: 1, b: undefined }],
  ])('accepts %s', (_name, data) => {
    const c = checkPayload(data);
    expect(c.ok).toBe(true);
    // What is accepted, both codecs can encode.
    expect(() => packMsgpack({ data })).not.toThrow();
    expect(() =>
      jsonCodec.encode({ op: 'ev', topic: 't', seq: 1, epoch: 'e', data }),
    ).not.toThrow();
  });

  it(`accepts nesting of exactly ${MAX_DATA_DEPTH} levels and refuses one more`, () => {
    expect(checkPayload(nested(MAX_DATA_DEPTH)).ok).toBe(true);
    const deeper = checkPayload(nested(MAX_DATA_DEPTH + 1));
    expect(deeper).toEqual({ ok: false, msg: expect.stringContaining('nested deeper than 64') });
  });

  it('refuses 4,000 levels of JSON nesting without overflowing the stack', () => {
    const text = '['.repeat(4000) + ']'.repeat(4000);
    expect(checkPayload(JSON.parse(text)).ok).toBe(false);
  });

  it('refuses 2,000 levels of msgpack nesting (msgpackr decodes it, re-encoding overflows)', () => {
    const value = unpackMsgpack(DEEP_MSGPACK);
    expect(checkPayload(value).ok).toBe(false);
  });

  it('refuses a 128-bit msgpack bigint that msgpack cannot re-encode', () => {
    const value = unpackMsgpack(WIDE_BIGINT);
    expect(typeof value).toBe('bigint');
    expect(() => packMsgpack(value)).toThrow(RangeError); // what crashed the subscribers
    expect(checkPayload(value)).toEqual({
      ok: false,
      msg: expect.stringContaining('bigint (extension 0x42)'),
    });
    expect(checkPayload({ a: [value] }).ok).toBe(false);
  });

  it('refuses a msgpack timestamp (extension -1)', () => {
    const value = unpackMsgpack(Buffer.from('d6ff00000001', 'hex'));
    expect(value).toBeInstanceOf(Date);
    expect(checkPayload({ at: value })).toEqual({
      ok: false,
      msg: expect.stringContaining('timestamp (msgpack extension -1)'),
    });
  });

  it('refuses undefined inside an array (msgpack extension 0)', () => {
    const value = unpackMsgpack(Buffer.from('91d40000', 'hex'));
    expect(checkPayload(value).ok).toBe(false);
  });

  it.each([NaN, Infinity, -Infinity])('refuses %d', (n) => {
    expect(checkPayload({ n }).ok).toBe(false);
  });

  it.each([
    ['a Map', new Map([[1, 2]])],
    ['a Set', new Set([1])],
    [
      'a class instance',
      new (class Point {
        x = 1;
      })(),
    ],
    ['a function', () => 1],
    ['a symbol', Symbol('s')],
  ])('refuses %s', (_name, data) => {
    expect(checkPayload(data).ok).toBe(false);
  });

  describe('data', () => {
    it('is the input itself when it holds no undefined map value', () => {
      const data = { a: [{ b: 1 }, 'x'], c: { d: null } };
      const c = checkPayload(data);
      expect(c.ok && c.data).toBe(data);
    });

    it('is a copy without undefined map values, at any depth, and the input is left alone', () => {
      const data = { a: 1, b: undefined, c: [{ d: undefined, e: 2 }], f: { g: [3] } };
      const c = checkPayload(data);
      if (!c.ok) throw new Error(c.msg);
      expect(c.data).toStrictEqual({ a: 1, c: [{ e: 2 }], f: { g: [3] } });
      expect(Object.keys(c.data as object)).toEqual(['a', 'c', 'f']); // order kept
      expect((c.data as { f: unknown }).f).toBe(data.f); // what needs no change is shared
      expect(data).toHaveProperty('b'); // the input is not changed
      expect(data.c[0]).toHaveProperty('d');
      expect(c.bytes).toBe(payloadBytes(c.data));
    });

    it('strips inside an array at the top and in a map without prototype', () => {
      const bare = Object.assign(Object.create(null) as object, { a: undefined, b: 1 });
      const c = checkPayload([1, { x: undefined }, bare]);
      expect(c.ok && c.data).toStrictEqual([1, {}, { b: 1 }]);
    });

    it('keeps an own key __proto__ as an entry, not as a prototype', () => {
      const data = JSON.parse('{"__proto__": {"p": 1}, "u": 0}') as Record<string, unknown>;
      data.u = undefined;
      const c = checkPayload(data);
      if (!c.ok) throw new Error(c.msg);
      expect(Object.getPrototypeOf(c.data)).toBe(Object.prototype);
      expect(Object.keys(c.data as object)).toEqual(['__proto__']);
      expect(JSON.stringify(c.data)).toBe('{"__proto__":{"p":1}}');
    });

    it('refuses as before, whatever was stripped before the refusal', () => {
      expect(checkPayload({ a: undefined, b: [undefined] }).ok).toBe(false);
      expect(checkPayload({ a: undefined, b: NaN }).ok).toBe(false);
    });
  });

  it('names the field in its reason, so the err reply says what was wrong', () => {
    const c = checkPayload(nested(100));
    expect(c.ok).toBe(false);
    if (!c.ok) expect(c.msg.startsWith("field 'data': ")).toBe(true);
  });
});

describe('payloadBytes', () => {
  it('grows with the size of strings, bytes and collections', () => {
    const small = payloadBytes('x');
    expect(payloadBytes('x'.repeat(1000))).toBeGreaterThanOrEqual(small + 999);
    expect(payloadBytes(new Uint8Array(10_000))).toBeGreaterThan(10_000);
    expect(payloadBytes([1, 2, 3, 4])).toBeGreaterThan(payloadBytes([1]));
    expect(payloadBytes({ key: 'value' })).toBeGreaterThan(payloadBytes({}));
  });

  it('is positive for every accepted value, null included', () => {
    for (const v of [null, 0, '', [], {}]) expect(payloadBytes(v)).toBeGreaterThan(0);
  });
});
