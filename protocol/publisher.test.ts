import { payloadBytes } from './payload';
import { parsePublisherFrame, parsePublisherMessage } from './publisher';

const bad = (msg: string, id?: number) =>
  id === undefined ? { ok: false, code: 400, msg } : { ok: false, id, code: 400, msg };

describe('parsePublisherMessage', () => {
  describe('#auth', () => {
    it('parses an auth message', () => {
      expect(parsePublisherMessage({ op: 'auth', token: 'secret', extra: 1 })).toEqual({
        ok: true,
        msg: { op: 'auth', token: 'secret' },
      });
    });

    it.each([[undefined], [null], [1], [{}]])('answers 400 when token is %p', (token) => {
      expect(parsePublisherMessage({ op: 'auth', token })).toEqual(
        bad("field 'token' must be a string"),
      );
    });
  });

  describe('#pub', () => {
    it('parses a pub without id', () => {
      const res = parsePublisherMessage({ op: 'pub', topic: 't', data: { n: 1 } });
      expect(res).toEqual({
        ok: true,
        msg: { op: 'pub', topic: 't', data: { n: 1 }, bytes: payloadBytes({ n: 1 }) },
      });
      expect(res.ok && 'id' in res.msg).toBe(false);
    });

    it('parses a pub with id, and null data', () => {
      expect(parsePublisherMessage({ op: 'pub', topic: 't', data: null, id: 0 })).toEqual({
        ok: true,
        msg: { op: 'pub', topic: 't', data: null, id: 0, bytes: payloadBytes(null) },
      });
    });

    it('passes data on without its undefined map values, at any depth', () => {
      const data = { a: 1, b: undefined, c: [{ d: undefined, e: 2 }] };
      const res = parsePublisherMessage({ op: 'pub', topic: 't', data });
      expect(res.ok && res.msg.op === 'pub' && res.msg.data).toStrictEqual({ a: 1, c: [{ e: 2 }] });
    });

    it('answers 400 carrying the id when data cannot be carried by both subprotocols', () => {
      let deep: unknown = 1;
      for (let i = 0; i < 100; i++) deep = [deep];
      for (const data of [2n ** 80n, new Date(0), deep, NaN]) {
        expect(parsePublisherMessage({ op: 'pub', id: 4, topic: 't', data })).toMatchObject({
          ok: false,
          id: 4,
          code: 400,
          msg: expect.stringContaining("field 'data'"),
        });
      }
    });

    it('answers 400 carrying the id when data is missing', () => {
      expect(parsePublisherMessage({ op: 'pub', topic: 't', id: 4 })).toEqual(
        bad("missing field 'data'", 4),
      );
    });

    it('answers 400 carrying the id when the topic is bad', () => {
      expect(parsePublisherMessage({ op: 'pub', id: 5, data: 1 })).toEqual(
        bad("missing field 'topic'", 5),
      );
      expect(parsePublisherMessage({ op: 'pub', id: 5, topic: 1, data: 1 })).toEqual(
        bad("field 'topic' must be a string", 5),
      );
      expect(parsePublisherMessage({ op: 'pub', id: 5, topic: 'a b', data: 1 })).toEqual(
        bad("field 'topic' must be 1 to 200 bytes of A-Z a-z 0-9 _ - . : / @", 5),
      );
    });

    it.each([[-1], [0.5], [Number.MAX_SAFE_INTEGER + 1], ['1']])(
      'answers 400 without id when id is %p',
      (id) => {
        expect(parsePublisherMessage({ op: 'pub', topic: 't', data: 1, id })).toEqual(
          bad("field 'id' must be an unsigned safe integer"),
        );
      },
    );
  });

  describe('#op', () => {
    it('answers 400 for an unknown op, carrying the id', () => {
      expect(parsePublisherMessage({ op: 'sub', id: 1 })).toEqual(bad("unknown op 'sub'", 1));
    });

    it('answers 400 for a missing op', () => {
      expect(parsePublisherMessage({ topic: 't' })).toEqual(
        bad("missing or non-string field 'op'"),
      );
    });

    it.each([[null], [[]], ['pub'], [new Uint8Array(1)]])('answers 400 for %p', (raw) => {
      expect(parsePublisherMessage(raw)).toEqual(bad('message must be a map'));
    });
  });
});

describe('parsePublisherFrame', () => {
  it('parses a single map', () => {
    expect(parsePublisherFrame({ op: 'auth', token: 'x' })).toEqual([
      { ok: true, msg: { op: 'auth', token: 'x' } },
    ]);
  });

  it('parses every message of a batch, failures in place', () => {
    expect(parsePublisherFrame([{ op: 'pub', topic: 't', data: 1 }, 3])).toEqual([
      { ok: true, msg: { op: 'pub', topic: 't', data: 1, bytes: payloadBytes(1) } },
      bad('message must be a map'),
    ]);
  });

  it('accepts batches longer than the client limit', () => {
    const batch = Array.from({ length: 500 }, () => ({ op: 'pub', topic: 't', data: 0 }));
    expect(parsePublisherFrame(batch).every((p) => p.ok)).toBe(true);
  });

  it('answers an empty batch with one 400', () => {
    expect(parsePublisherFrame([])).toEqual([bad('empty batch')]);
  });
});
