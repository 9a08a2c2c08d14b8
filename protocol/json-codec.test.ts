import { DecodeError } from './errors';
import { jsonCodec, jsonData } from './json-codec';
import type { ServerMessage } from './messages';

describe('jsonCodec', () => {
  it('speaks troupe.v1.json in text frames', () => {
    expect(jsonCodec.subprotocol).toBe('troupe.v1.json');
    expect(jsonCodec.binary).toBe(false);
  });

  describe('#decode', () => {
    it('decodes a text frame', () => {
      expect(jsonCodec.decode('{"op":"ping","id":1}')).toEqual({ op: 'ping', id: 1 });
    });

    it('decodes a binary frame as UTF-8 JSON', () => {
      expect(jsonCodec.decode(Buffer.from('{"op":"pub","data":"é"}'))).toEqual({
        op: 'pub',
        data: 'é',
      });
    });

    it.each([
      ['invalid JSON', '{"op":'],
      ['an empty frame', ''],
      ['trailing garbage', '{"op":"ping"} x'],
      ['two values', '{} {}'],
    ])('throws DecodeError on %s', (_name, frame) => {
      expect(() => jsonCodec.decode(frame)).toThrow(DecodeError);
      expect(() => jsonCodec.decode(Buffer.from(frame))).toThrow(DecodeError);
    });

    it('throws DecodeError on a binary frame that is not UTF-8', () => {
      expect(() => jsonCodec.decode(Uint8Array.from([0x7b, 0xff, 0x7d]))).toThrow(
        'undecodable JSON: invalid UTF-8',
      );
    });

    it('keeps the input out of the error message', () => {
      expect(() => jsonCodec.decode('{"token":"hunter2"')).toThrow(
        'undecodable JSON: syntax error',
      );
    });
  });

  describe('#encode', () => {
    it('round trips every server message', () => {
      const msgs: ServerMessage[] = [
        { op: 'hello', v: 1, conn: 'c1', node: 'n1', hb: 25000 },
        { op: 'ack', id: 1, epoch: 'e', seq: 4, recovered: true },
        { op: 'err', id: 2, code: 403, msg: 'forbidden' },
        { op: 'ev', topic: 't', seq: 1, epoch: 'e', data: { x: [1, 'two', null] } },
        { op: 'count', topic: 't', n: 3 },
        {
          op: 'presence',
          topic: 'presence:u',
          user: 'u',
          online: false,
          lastSeen: null,
          seq: 2,
          epoch: 'e',
        },
        { op: 'pong' },
        { op: 'bye', code: 1001, reason: 'server shutting down', retryMs: 500 },
      ];
      for (const m of msgs) expect(jsonCodec.decode(jsonCodec.encode(m))).toEqual(m);
      expect(jsonCodec.decode(jsonCodec.encode(msgs))).toEqual(msgs);
    });

    it('leaves out fields that are undefined', () => {
      expect(jsonCodec.encode({ op: 'ack', id: 1, epoch: undefined })).toBe('{"op":"ack","id":1}');
    });

    it('writes binary data as {"$bin": base64}', () => {
      const msg: ServerMessage = {
        op: 'ev',
        topic: 't',
        seq: 1,
        epoch: 'e',
        data: { u: new Uint8Array([1, 2, 3]), b: Buffer.from('hi'), list: [new Uint8Array([255])] },
      };
      expect(JSON.parse(jsonCodec.encode(msg) as string).data).toEqual({
        u: { $bin: 'AQID' },
        b: { $bin: 'aGk=' },
        list: [{ $bin: '/w==' }],
      });
    });

    it('writes binary data inside a batch', () => {
      const msgs: ServerMessage[] = [
        { op: 'pong' },
        { op: 'ev', topic: 't', seq: 1, epoch: 'e', data: new Uint8Array([0]) },
      ];
      expect(JSON.parse(jsonCodec.encode(msgs) as string)[1].data).toEqual({ $bin: 'AA==' });
    });
  });
});

describe('jsonData', () => {
  it.each([
    [null, 'null'],
    [undefined, 'null'],
    [1.5, '1.5'],
    ['s"', '"s\\""'],
    [true, 'true'],
    [12345678901234567890n, '"12345678901234567890"'],
    [{ n: 2n }, '{"n":"2"}'],
    [new Uint8Array([1]), '{"$bin":"AQ=="}'],
    [new Date(0), '"1970-01-01T00:00:00.000Z"'],
  ])('writes %p as %s', (data, text) => {
    expect(jsonData(data)).toBe(text);
  });

  it('finds binary and bigint values nested deep in a small payload', () => {
    const data = { a: [{ b: { c: [1, new Uint8Array([1])] } }], d: { e: [{ f: 3n }] } };
    expect(JSON.parse(jsonData(data))).toEqual({
      a: [{ b: { c: [1, { $bin: 'AQ==' }] } }],
      d: { e: [{ f: '3' }] },
    });
  });

  it('writes large payloads right when binary sits past the scan budget', () => {
    const list: unknown[] = Array.from({ length: 500 }, (_, i) => ({ i }));
    list.push(Buffer.from([0xff]));
    const parsed = JSON.parse(jsonData({ list })) as { list: unknown[] };
    expect(parsed.list[500]).toEqual({ $bin: '/w==' });
    expect(parsed.list[499]).toEqual({ i: 499 });
  });

  it('writes plain payloads exactly as JSON.stringify does', () => {
    const data = { s: 'x"\\', n: [1, 2.5, null], o: { t: true }, d: new Date(0) };
    expect(jsonData(data)).toBe(JSON.stringify(data));
  });
});
