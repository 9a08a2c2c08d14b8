import { payloadBytes } from './payload';
import { parseClientMessage } from './validate';

const bad = (msg: string, id?: number) =>
  id === undefined ? { ok: false, code: 400, msg } : { ok: false, id, code: 400, msg };
const TOPIC_CHARS = "field 'topic' must be 1 to 200 bytes of A-Z a-z 0-9 _ - . : / @";

describe('parseClientMessage', () => {
  describe('#shape', () => {
    it.each([
      ['null', null],
      ['undefined', undefined],
      ['a number', 1],
      ['a string', 'sub'],
      ['a boolean', true],
      ['an array', [{ op: 'ping' }]],
      ['a Uint8Array', new Uint8Array([1])],
      ['a Date', new Date(0)],
      ['a Map', new Map([['op', 'ping']])],
    ])('answers 400 without id when the message is %s', (_name, raw) => {
      expect(parseClientMessage(raw)).toEqual(bad('message must be a map'));
    });

    it('accepts a map without a prototype', () => {
      const raw = Object.assign(Object.create(null) as Record<string, unknown>, { op: 'ping' });
      expect(parseClientMessage(raw)).toEqual({ ok: true, msg: { op: 'ping' } });
    });
  });

  describe('#op', () => {
    it('answers 400 carrying the id when op is missing', () => {
      expect(parseClientMessage({ id: 4 })).toEqual(bad("missing or non-string field 'op'", 4));
    });

    it.each([[1], [null], [['sub']], [{}]])('answers 400 when op is %p', (op) => {
      expect(parseClientMessage({ op })).toEqual(bad("missing or non-string field 'op'"));
    });

    it('answers 400 naming an unknown op and carrying the id', () => {
      expect(parseClientMessage({ op: 'subscribe', id: 9 })).toEqual(
        bad("unknown op 'subscribe'", 9),
      );
    });

    it('answers 400 without id for an unknown op without id', () => {
      expect(parseClientMessage({ op: 'x' })).toEqual(bad("unknown op 'x'"));
    });

    it('clips a long unknown op in the error text', () => {
      const res = parseClientMessage({ op: 'y'.repeat(10_000) });
      expect(res).toEqual(bad(`unknown op '${'y'.repeat(32)}...'`));
    });

    it('matches ops case-sensitively', () => {
      expect(parseClientMessage({ op: 'PING' })).toEqual(bad("unknown op 'PING'"));
    });
  });

  describe('#id', () => {
    it.each([
      ['negative', -1],
      ['a float', 1.5],
      ['above MAX_SAFE_INTEGER', Number.MAX_SAFE_INTEGER + 1],
      ['a string', '1'],
      ['NaN', NaN],
      ['Infinity', Infinity],
      ['a boolean', true],
      ['a bigint', 1n],
      ['a map', { n: 1 }],
    ])('answers 400 without id when id is %s', (_name, id) => {
      for (const op of ['sub', 'unsub', 'pub', 'ping', 'nope']) {
        expect(parseClientMessage({ op, id, topic: 't', data: 1 })).toEqual(
          bad("field 'id' must be an unsigned safe integer"),
        );
      }
    });

    it('accepts 0 and MAX_SAFE_INTEGER', () => {
      for (const id of [0, Number.MAX_SAFE_INTEGER]) {
        expect(parseClientMessage({ op: 'unsub', id, topic: 't' })).toEqual({
          ok: true,
          msg: { op: 'unsub', id, topic: 't' },
        });
      }
    });

    it.each(['sub', 'unsub', 'pub'])('answers 400 when %s has no id', (op) => {
      expect(parseClientMessage({ op, topic: 't', data: 1 })).toEqual(bad("missing field 'id'"));
      expect(parseClientMessage({ op, id: null, topic: 't', data: 1 })).toEqual(
        bad("missing field 'id'"),
      );
    });
  });

  describe('#ping', () => {
    it('parses a ping without id', () => {
      expect(parseClientMessage({ op: 'ping' })).toEqual({ ok: true, msg: { op: 'ping' } });
    });

    it('parses a ping with id, and treats a null id as absent', () => {
      expect(parseClientMessage({ op: 'ping', id: 7 })).toEqual({
        ok: true,
        msg: { op: 'ping', id: 7 },
      });
      const res = parseClientMessage({ op: 'ping', id: null });
      expect(res).toEqual({ ok: true, msg: { op: 'ping' } });
      expect(res.ok && 'id' in res.msg).toBe(false);
    });
  });

  describe('#topic', () => {
    it.each(['sub', 'unsub', 'pub'])('answers 400 naming the field when %s has no topic', (op) => {
      expect(parseClientMessage({ op, id: 1, data: 1 })).toEqual(bad("missing field 'topic'", 1));
      expect(parseClientMessage({ op, id: 1, topic: null, data: 1 })).toEqual(
        bad("missing field 'topic'", 1),
      );
    });

    it.each([[5], [true], [['t']], [{ t: 1 }]])('answers 400 when topic is %p', (topic) => {
      expect(parseClientMessage({ op: 'sub', id: 2, topic })).toEqual(
        bad("field 'topic' must be a string", 2),
      );
    });

    it.each([[''], ['a b'], ['a'.repeat(201)], ['caf\u00e9'], ['#']])(
      'answers 400 carrying the id when topic is %p',
      (topic) => {
        expect(parseClientMessage({ op: 'pub', id: 3, topic, data: 1 })).toEqual(
          bad(TOPIC_CHARS, 3),
        );
      },
    );
  });

  describe('#sub', () => {
    it('parses a sub without since', () => {
      expect(parseClientMessage({ op: 'sub', id: 1, topic: 'a/b' })).toEqual({
        ok: true,
        msg: { op: 'sub', id: 1, topic: 'a/b' },
      });
    });

    it('parses a sub with since', () => {
      expect(
        parseClientMessage({ op: 'sub', id: 1, topic: 't', since: { epoch: 'e1', seq: 0 } }),
      ).toEqual({
        ok: true,
        msg: { op: 'sub', id: 1, topic: 't', since: { epoch: 'e1', seq: 0 } },
      });
    });

    it.each([[true], [false]])('parses a sub with count %p', (count) => {
      expect(
        parseClientMessage({ op: 'sub', id: 1, topic: 't', count, since: { epoch: 'e', seq: 2 } }),
      ).toEqual({
        ok: true,
        msg: { op: 'sub', id: 1, topic: 't', count, since: { epoch: 'e', seq: 2 } },
      });
    });

    it('treats a null count as absent', () => {
      const res = parseClientMessage({ op: 'sub', id: 1, topic: 't', count: null });
      expect(res).toEqual({ ok: true, msg: { op: 'sub', id: 1, topic: 't' } });
    });

    it.each([[1], ['true'], [{}], [[true]], [0]])(
      'answers 400 naming count when it is %p',
      (count) => {
        expect(parseClientMessage({ op: 'sub', id: 7, topic: 't', count })).toEqual(
          bad("field 'count' must be a boolean", 7),
        );
      },
    );

    it.each([[1], [5], [1000]])('parses a sub with last %p', (last) => {
      expect(parseClientMessage({ op: 'sub', id: 1, topic: 't', last })).toEqual({
        ok: true,
        msg: { op: 'sub', id: 1, topic: 't', last },
      });
    });

    it('keeps both last and since (the connection lets since win)', () => {
      const since = { epoch: 'e', seq: 2 };
      expect(parseClientMessage({ op: 'sub', id: 1, topic: 't', last: 3, since })).toEqual({
        ok: true,
        msg: { op: 'sub', id: 1, topic: 't', last: 3, since },
      });
    });

    it('treats a null last as absent', () => {
      const res = parseClientMessage({ op: 'sub', id: 1, topic: 't', last: null });
      expect(res).toEqual({ ok: true, msg: { op: 'sub', id: 1, topic: 't' } });
    });

    it.each([[0], [-1], [1001], [1.5], ['5'], [true], [{}], [[5]], [NaN], [Infinity], [2 ** 53]])(
      'answers 400 naming last when it is %p',
      (last) => {
        expect(parseClientMessage({ op: 'sub', id: 9, topic: 't', last })).toEqual(
          bad("field 'last' must be an integer of 1 to 1000", 9),
        );
      },
    );

    it('treats a null since as absent', () => {
      const res = parseClientMessage({ op: 'sub', id: 1, topic: 't', since: null });
      expect(res).toEqual({ ok: true, msg: { op: 'sub', id: 1, topic: 't' } });
      expect(res.ok && 'since' in res.msg).toBe(false);
    });

    it.each([[1], ['e:1'], [[{ epoch: 'e', seq: 1 }]], [true]])(
      'answers 400 when since is %p',
      (since) => {
        expect(parseClientMessage({ op: 'sub', id: 5, topic: 't', since })).toEqual(
          bad("field 'since' must be a map {epoch, seq}", 5),
        );
      },
    );

    it.each([[undefined], [null], [1], [{}]])('answers 400 when since.epoch is %p', (epoch) => {
      expect(
        parseClientMessage({ op: 'sub', id: 5, topic: 't', since: { epoch, seq: 1 } }),
      ).toEqual(bad("field 'since.epoch' must be a string", 5));
    });

    it.each([[undefined], [-1], [1.5], ['1'], [Number.MAX_SAFE_INTEGER + 1], [null]])(
      'answers 400 when since.seq is %p',
      (seq) => {
        expect(
          parseClientMessage({ op: 'sub', id: 5, topic: 't', since: { epoch: 'e', seq } }),
        ).toEqual(bad("field 'since.seq' must be an unsigned safe integer", 5));
      },
    );

    it('keeps only the known fields of since', () => {
      const res = parseClientMessage({
        op: 'sub',
        id: 1,
        topic: 't',
        since: { epoch: 'e', seq: 3, extra: true },
      });
      expect(res).toEqual({
        ok: true,
        msg: { op: 'sub', id: 1, topic: 't', since: { epoch: 'e', seq: 3 } },
      });
    });
  });

  describe('#unsub', () => {
    it('parses an unsub', () => {
      expect(parseClientMessage({ op: 'unsub', id: 8, topic: 't' })).toEqual({
        ok: true,
        msg: { op: 'unsub', id: 8, topic: 't' },
      });
    });
  });

  describe('#pub', () => {
    it.each([[null], [0], [''], [false], [{ a: [1] }], [[1, 2]], [new Uint8Array([1])]])(
      'accepts data %p',
      (data) => {
        const res = parseClientMessage({ op: 'pub', id: 1, topic: 't', data });
        expect(res).toEqual({
          ok: true,
          msg: { op: 'pub', id: 1, topic: 't', data, bytes: payloadBytes(data) },
        });
      },
    );

    it('passes data through by reference, without a copy', () => {
      const data = { big: 'x' };
      const res = parseClientMessage({ op: 'pub', id: 1, topic: 't', data });
      expect(res.ok && res.msg.op === 'pub' && res.msg.data).toBe(data);
    });

    it('passes data on without its undefined map values, at any depth', () => {
      const data = { a: 1, b: undefined, c: [{ d: undefined, e: 2 }] };
      const res = parseClientMessage({ op: 'pub', id: 1, topic: 't', data });
      expect(res.ok && res.msg.op === 'pub' && res.msg.data).toStrictEqual({ a: 1, c: [{ e: 2 }] });
      expect(res.ok && res.msg.op === 'pub' && res.msg.bytes).toBe(
        payloadBytes({ a: 1, c: [{ e: 2 }] }),
      );
    });

    it('answers 400 carrying the id when data is missing or undefined', () => {
      expect(parseClientMessage({ op: 'pub', id: 6, topic: 't' })).toEqual(
        bad("missing field 'data'", 6),
      );
      expect(parseClientMessage({ op: 'pub', id: 6, topic: 't', data: undefined })).toEqual(
        bad("missing field 'data'", 6),
      );
    });

    it.each([
      ['a 128-bit bigint', 2n ** 100n],
      ['a timestamp', new Date(0)],
      ['nesting past 64 levels', JSON.parse('['.repeat(65) + ']'.repeat(65)) as unknown],
      ['Infinity', Infinity],
    ])('answers 400 carrying the id when data is %s', (_name, data) => {
      expect(parseClientMessage({ op: 'pub', id: 8, topic: 't', data })).toMatchObject({
        ok: false,
        id: 8,
        code: 400,
        msg: expect.stringContaining("field 'data'"),
      });
    });
  });

  describe.each(['auth', 'refresh'] as const)('#%s', (op) => {
    it('parses the id and the token, and nothing else', () => {
      expect(parseClientMessage({ op, id: 3, token: 'a.b.c', extra: 1 })).toEqual({
        ok: true,
        msg: { op, id: 3, token: 'a.b.c' },
      });
    });

    it('answers 400 without id when the id is missing', () => {
      expect(parseClientMessage({ op, token: 'a.b.c' })).toEqual(bad("missing field 'id'"));
    });

    it.each([
      ['missing', undefined],
      ['empty', ''],
      ['a number', 1],
      ['null', null],
    ])('answers 400 carrying the id when the token is %s', (_name, token) => {
      expect(parseClientMessage({ op, id: 4, token })).toEqual(
        bad("field 'token' must be a non-empty string", 4),
      );
    });
  });

  describe('#forward compatibility', () => {
    it('ignores unknown fields and leaves them out of the parsed message', () => {
      const res = parseClientMessage({ op: 'unsub', id: 1, topic: 't', future: { x: 1 } });
      expect(res).toEqual({ ok: true, msg: { op: 'unsub', id: 1, topic: 't' } });
      expect(res.ok && 'future' in res.msg).toBe(false);
    });

    it('ignores an own __proto__ field from JSON.parse', () => {
      const raw: unknown = JSON.parse('{"op":"ping","__proto__":{"op":"sub"}}');
      expect(parseClientMessage(raw)).toEqual({ ok: true, msg: { op: 'ping' } });
    });
  });
});
