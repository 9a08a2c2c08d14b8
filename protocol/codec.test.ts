import {
  chooseSubprotocol,
  type Codec,
  codecFor,
  decodeClientFrame,
  encodeEvents,
  jsonCodec,
  MAX_CLIENT_BATCH,
  msgpackCodec,
  Subprotocol,
} from './codec';
import { Packr } from 'msgpackr';
import { packMsgpack } from './msgpack';
import { payloadBytes } from './payload';

const codecs: Array<[string, Codec]> = [
  ['msgpack', msgpackCodec],
  ['json', jsonCodec],
];

/** A frame as the client would send it with this codec. */
function clientFrame(codec: Codec, value: unknown): Uint8Array | string {
  return codec.binary ? packMsgpack(value) : JSON.stringify(value);
}

describe('chooseSubprotocol', () => {
  it('picks msgpack when nothing is offered', () => {
    expect(chooseSubprotocol([])).toBe(Subprotocol.Msgpack);
    expect(chooseSubprotocol([''])).toBe(Subprotocol.Msgpack);
  });

  it('returns null when only unsupported subprotocols are offered', () => {
    expect(chooseSubprotocol(['mqtt', 'troupe.v2.json'])).toBeNull();
  });

  it("takes the client's first supported choice", () => {
    expect(chooseSubprotocol(['troupe.v1.json', 'troupe.v1.msgpack'])).toBe(Subprotocol.Json);
    expect(chooseSubprotocol(['troupe.v1.msgpack', 'troupe.v1.json'])).toBe(Subprotocol.Msgpack);
    expect(chooseSubprotocol(['x', 'troupe.v1.json'])).toBe(Subprotocol.Json);
  });

  it('reads a raw comma-separated header value', () => {
    expect(chooseSubprotocol(['x, troupe.v1.json ,troupe.v1.msgpack'])).toBe(Subprotocol.Json);
  });

  it('matches case-sensitively, as RFC 6455 tokens are', () => {
    expect(chooseSubprotocol(['TROUPE.V1.JSON'])).toBeNull();
  });
});

describe('codecFor', () => {
  it('returns the codec of each subprotocol', () => {
    expect(codecFor(Subprotocol.Msgpack)).toBe(msgpackCodec);
    expect(codecFor(Subprotocol.Json)).toBe(jsonCodec);
  });
});

describe('decodeClientFrame', () => {
  describe.each(codecs)('with %s', (_name, codec) => {
    it('yields one item for a map', () => {
      expect(decodeClientFrame(codec, clientFrame(codec, { op: 'ping', id: 1 }))).toEqual({
        ok: true,
        items: [{ ok: true, msg: { op: 'ping', id: 1 } }],
      });
    });

    it('yields one item per element of a batch, failures in place', () => {
      const frame = clientFrame(codec, [
        { op: 'sub', id: 1, topic: 't' },
        { op: 'nope', id: 2 },
        7,
        { op: 'pub', id: 3, topic: 't', data: null },
      ]);
      expect(decodeClientFrame(codec, frame)).toEqual({
        ok: true,
        items: [
          { ok: true, msg: { op: 'sub', id: 1, topic: 't' } },
          { ok: false, id: 2, code: 400, msg: "unknown op 'nope'" },
          { ok: false, code: 400, msg: 'message must be a map' },
          {
            ok: true,
            msg: { op: 'pub', id: 3, topic: 't', data: null, bytes: payloadBytes(null) },
          },
        ],
      });
    });

    it('accepts a batch of exactly MAX_CLIENT_BATCH messages', () => {
      const batch = Array.from({ length: MAX_CLIENT_BATCH }, (_, id) => ({ op: 'ping', id }));
      const res = decodeClientFrame(codec, clientFrame(codec, batch));
      expect(res.ok && res.items.length).toBe(100);
      expect(res.ok && res.items.every((i) => i.ok)).toBe(true);
    });

    it('answers a batch over the limit with a single 400', () => {
      const batch = Array.from({ length: MAX_CLIENT_BATCH + 1 }, () => ({ op: 'ping' }));
      expect(decodeClientFrame(codec, clientFrame(codec, batch))).toEqual({
        ok: true,
        items: [{ ok: false, code: 400, msg: 'batch of 101 messages exceeds 100' }],
      });
    });

    it('answers an empty batch with a single 400', () => {
      expect(decodeClientFrame(codec, clientFrame(codec, []))).toEqual({
        ok: true,
        items: [{ ok: false, code: 400, msg: 'empty batch' }],
      });
    });

    it.each([[1], ['ping'], [null], [true]])('answers the scalar %p with one 400', (value) => {
      expect(decodeClientFrame(codec, clientFrame(codec, value))).toEqual({
        ok: true,
        items: [{ ok: false, code: 400, msg: 'message must be a map' }],
      });
    });
  });

  it.each([
    ['truncated msgpack', msgpackCodec, Uint8Array.from([0x82, 0xa2, 0x6f])],
    ['msgpack with trailing garbage', msgpackCodec, Uint8Array.from([0x80, 0x80])],
    ['a text frame on msgpack', msgpackCodec, '{"op":"ping"}'],
    ['invalid JSON', jsonCodec, '{op: ping}'],
    ['JSON with trailing garbage', jsonCodec, '{"op":"ping"}}'],
    ['non-UTF-8 on JSON', jsonCodec, Uint8Array.from([0xc3, 0x28])],
  ])('reports %s as undecodable', (_name, codec, frame) => {
    const res = decodeClientFrame(codec, frame);
    expect(res.ok).toBe(false);
    expect(!res.ok && res.reason).toMatch(/^undecodable/);
  });

  it('rethrows what is not a DecodeError (a codec bug, not bad input)', () => {
    const broken: Codec = {
      ...jsonCodec,
      decode: () => {
        throw new TypeError('bug');
      },
    };
    expect(() => decodeClientFrame(broken, '{}')).toThrow(TypeError);
  });
});

describe('encodeEvents', () => {
  describe('with msgpack, for data a client sent with undefined map values', () => {
    // A stock msgpack library writes `undefined` as fixext 0 (`d4 00 00`), which msgpackr reads.
    const raw = new Packr({ useRecords: false });
    const FIXEXT_UNDEFINED = Buffer.from([0xd4, 0x00, 0x00]);
    const data = { a: 1, b: undefined, c: [{ d: undefined, e: 2 }] };

    function accepted(): unknown {
      const frame = raw.pack({ op: 'pub', id: 1, topic: 't', data });
      expect(frame.includes(FIXEXT_UNDEFINED)).toBe(true);
      const d = decodeClientFrame(msgpackCodec, frame);
      if (!d.ok || !d.items[0]!.ok || d.items[0]!.msg.op !== 'pub') throw new Error('refused');
      return d.items[0]!.msg.data;
    }

    it.each([1, 3])('writes %d ev frame(s) without fixext undefined', (n) => {
      const events = Array.from({ length: n }, (_, i) => ({ seq: i + 1, data: accepted() }));
      const frame = encodeEvents(msgpackCodec, 't', 'ep', events) as Uint8Array;
      expect(Buffer.from(frame).includes(FIXEXT_UNDEFINED)).toBe(false);
      const decoded = msgpackCodec.decode(frame);
      const evs = (Array.isArray(decoded) ? decoded : [decoded]) as { data: unknown }[];
      expect(evs.map((e) => e.data)).toStrictEqual(events.map(() => ({ a: 1, c: [{ e: 2 }] })));
    });

    it('writes the bytes of the general encoder for the same events', () => {
      const events = [
        { seq: 1, data: accepted() },
        { seq: 2, data: accepted() },
      ];
      const frame = encodeEvents(msgpackCodec, 't', 'ep', events) as Uint8Array;
      const general = msgpackCodec.encode(
        events.map((e) => ({ op: 'ev', topic: 't', seq: e.seq, epoch: 'ep', data: e.data })),
      );
      expect(Buffer.from(frame).equals(Buffer.from(general))).toBe(true);
    });
  });

  describe.each(codecs)('with %s', (_name, codec) => {
    it('encodes the events of a presence topic as presence messages with their position', () => {
      const frame = encodeEvents(codec, 'presence:ann', 'ep', [
        { seq: 1, data: { user: 'ann', online: true, lastSeen: 1764650000000 } },
        { seq: 2, data: { user: 'ann', online: false, lastSeen: null } },
      ]);
      expect(codec.decode(frame!)).toEqual([
        {
          op: 'presence',
          topic: 'presence:ann',
          user: 'ann',
          online: true,
          lastSeen: 1764650000000,
          seq: 1,
          epoch: 'ep',
        },
        {
          op: 'presence',
          topic: 'presence:ann',
          user: 'ann',
          online: false,
          lastSeen: null,
          seq: 2,
          epoch: 'ep',
        },
      ]);
    });

    it('sends data on a presence topic that is no presence change as a plain ev', () => {
      const frame = encodeEvents(codec, 'presence:ann', 'ep', [{ seq: 3, data: 'hi' }]);
      expect(codec.decode(frame!)).toEqual({
        op: 'ev',
        topic: 'presence:ann',
        seq: 3,
        epoch: 'ep',
        data: 'hi',
      });
    });

    it('encodes one event as a single ev map', () => {
      const frame = encodeEvents(codec, 'room/1', 'ep', [{ seq: 7, data: { like: 1 } }]);
      expect(codec.decode(frame!)).toEqual({
        op: 'ev',
        topic: 'room/1',
        seq: 7,
        epoch: 'ep',
        data: { like: 1 },
      });
    });

    it('encodes several events as one array frame, in order', () => {
      const frame = encodeEvents(codec, 't', 'ep', [
        { seq: 1, data: 'a' },
        { seq: 2, data: null },
        { seq: 3, data: [1, { b: true }] },
      ]);
      expect(codec.decode(frame!)).toEqual([
        { op: 'ev', topic: 't', seq: 1, epoch: 'ep', data: 'a' },
        { op: 'ev', topic: 't', seq: 2, epoch: 'ep', data: null },
        { op: 'ev', topic: 't', seq: 3, epoch: 'ep', data: [1, { b: true }] },
      ]);
    });

    it('writes an undefined payload as null so ev always has data', () => {
      const frame = encodeEvents(codec, 't', 'ep', [{ seq: 1, data: undefined }]);
      expect(codec.decode(frame!)).toEqual({
        op: 'ev',
        topic: 't',
        seq: 1,
        epoch: 'ep',
        data: null,
      });
    });

    it('encodes the same bytes as encode() on the equivalent messages', () => {
      const events = [
        { seq: 1, data: { s: 'x"\\\n', n: -1.25 } },
        { seq: 2, data: 'é' },
      ];
      const msgs = events.map((e) => ({
        op: 'ev' as const,
        topic: 't',
        seq: e.seq,
        epoch: 'e"p',
        data: e.data,
      }));
      expect(encodeEvents(codec, 't', 'e"p', events)).toEqual(codec.encode(msgs));
      expect(encodeEvents(codec, 't', 'e"p', events.slice(0, 1))).toEqual(codec.encode(msgs[0]));
    });

    it('matches encode() byte for byte across string, seq and batch sizes', () => {
      const topics = ['t', 'x'.repeat(31), 'y'.repeat(32), 'z'.repeat(300), 'é/ü/日本'];
      // The JSON codec writes the envelope by hand: it must agree with encode() everywhere.
      const seqs = [0, 127, 128, 255, 256, 65535, 65536, 2 ** 32 - 1, 2 ** 32, 2 ** 40];
      const datas: unknown[] = [
        undefined,
        null,
        0,
        -1,
        1.5,
        'a'.repeat(40),
        { a: [1, { b: 'c' }] },
      ];
      const check = (topic: string, events: { seq: number; data: unknown }[]): void => {
        const epoch = 'E'.repeat(events.length);
        const msgs = events.map((e) => ({
          op: 'ev' as const,
          topic,
          seq: e.seq,
          epoch,
          data: e.data === undefined ? null : e.data,
        }));
        const want = codec.encode(msgs.length === 1 ? msgs[0]! : msgs);
        expect(encodeEvents(codec, topic, epoch, events)).toEqual(want);
      };
      for (const topic of topics) {
        for (const seq of seqs) for (const data of datas) check(topic, [{ seq, data }]);
        for (const count of [2, 15, 16, 17, 300]) {
          check(
            topic,
            Array.from({ length: count }, (_, i) => ({
              seq: seqs[i % 8]!,
              data: datas[i % datas.length],
            })),
          );
        }
      }
    });

    it('throws RangeError on an empty list', () => {
      expect(() => encodeEvents(codec, 't', 'e', [])).toThrow(RangeError);
    });
  });

  it('gives binary data to JSON subscribers as $bin and to msgpack subscribers as bin', () => {
    const events = [{ seq: 1, data: new Uint8Array([9, 8]) }];
    expect(JSON.parse(encodeEvents(jsonCodec, 't', 'e', events) as string).data).toEqual({
      $bin: 'CQg=',
    });
    const back = msgpackCodec.decode(encodeEvents(msgpackCodec, 't', 'e', events)!) as {
      data: Uint8Array;
    };
    expect([...back.data]).toEqual([9, 8]);
  });
});

describe('encodeEvents, when an event cannot be encoded', () => {
  /** A value that slipped past ingress: msgpack cannot write a bigint this wide. */
  const unencodable = 2n ** 100n;

  it('leaves that event out, keeps the others in order, and reports it', () => {
    const skipped: number[] = [];
    const frame = encodeEvents(
      msgpackCodec,
      't',
      'ep',
      [
        { seq: 1, data: 'a' },
        { seq: 2, data: unencodable },
        { seq: 3, data: 'c' },
      ],
      (_topic, e) => skipped.push(e.seq),
    );
    expect(skipped).toEqual([2]);
    expect(msgpackCodec.decode(frame!)).toEqual([
      { op: 'ev', topic: 't', seq: 1, epoch: 'ep', data: 'a' },
      { op: 'ev', topic: 't', seq: 3, epoch: 'ep', data: 'c' },
    ]);
  });

  it('returns undefined when no event is left', () => {
    const skipped: number[] = [];
    const frame = encodeEvents(
      msgpackCodec,
      't',
      'ep',
      [{ seq: 9, data: unencodable }],
      (topic, e) => skipped.push(topic === 't' ? e.seq : -1),
    );
    expect(frame).toBeUndefined();
    expect(skipped).toEqual([9]);
  });

  it('writes an array header that fits the count left (array 16 past 15 events)', () => {
    const events = Array.from({ length: 40 }, (_, i) => ({
      seq: i + 1,
      data: i === 7 ? unencodable : i,
    }));
    const frame = encodeEvents(msgpackCodec, 't', 'ep', events);
    const back = msgpackCodec.decode(frame!) as { seq: number }[];
    expect(back.map((m) => m.seq)).toEqual(events.filter((e) => e.seq !== 8).map((e) => e.seq));
  });

  it('keeps JSON frames valid when an event is left out', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const frame = encodeEvents(jsonCodec, 't', 'ep', [
      { seq: 1, data: cyclic },
      { seq: 2, data: 'ok' },
    ]);
    expect(jsonCodec.decode(frame!)).toEqual({
      op: 'ev',
      topic: 't',
      seq: 2,
      epoch: 'ep',
      data: 'ok',
    });
  });
});
