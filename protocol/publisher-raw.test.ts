import { Packr } from 'msgpackr';
import type { Parsed } from './fields';
import { decodePayload } from './framing';
import { parsePublisherFrame, parsePublisherMessage, type PublisherMessage } from './publisher';
import { parsePublisherFrameRaw, parsedPub, readPublisherFrame } from './publisher-raw';
import { RawMsgpack } from './raw-msgpack';

const plain = new Packr({ useRecords: false });
const frame = (v: unknown): Buffer => plain.pack(v);
const hex = (h: string): Buffer => Buffer.from(h.replace(/ /g, ''), 'hex');

/**
 * The messages with data as values, to compare with the decoded path; the size is each path's
 * own estimate (bytes held, or the decoded value's heap), so it is left out.
 */
function asValues(parsed: Parsed<PublisherMessage>[]): Parsed<PublisherMessage>[] {
  return parsed.map((p) => {
    if (!p.ok || p.msg.op !== 'pub') return p;
    const msg = { ...p.msg };
    delete msg.bytes;
    return { ...p, msg: msg.data instanceof RawMsgpack ? { ...msg, data: msg.data.value } : msg };
  });
}

/** What the old path makes of the frame, or 'undecodable'. */
function decoded(f: Buffer): Parsed<PublisherMessage>[] | 'undecodable' {
  try {
    return asValues(parsePublisherFrame(decodePayload(f)));
  } catch {
    return 'undecodable';
  }
}

const PUB = { op: 'pub', topic: 'room:1', data: { t: 1.5, pad: 'xxxx' } };

describe('parsePublisherFrameRaw', () => {
  const TAKEN: [string, unknown][] = [
    ['a pub without id', PUB],
    [
      'a pub with an id of each width',
      [
        { ...PUB, id: 7 },
        { ...PUB, id: 200 },
        { ...PUB, id: 60_000 },
        { ...PUB, id: 4_000_000_000 },
      ],
    ],
    ['a pub with a nil id', { ...PUB, id: null }],
    ['keys in any order', { data: 1, id: 3, topic: 't', op: 'pub' }],
    [
      'a batch of 16 and more (array 16)',
      Array.from({ length: 40 }, (_, i) => ({ ...PUB, id: i })),
    ],
    ['a pub with data null', { ...PUB, data: null }],
    ['a long topic (str 8)', { ...PUB, topic: 'a'.repeat(200) }],
    // Taken, then refused by the same checks as a decoded frame.
    ['a pub with a bad topic', { ...PUB, topic: 'has space' }],
    ['a pub without data', { op: 'pub', topic: 't', id: 1 }],
    ['a pub without op', { topic: 't', data: 1 }],
    ['a topic over 200 bytes', { ...PUB, topic: 'a'.repeat(201) }],
  ];

  it.each(TAKEN)('reads %s as the decoded path does, data kept as bytes', (_name, value) => {
    const f = frame(value);
    const raw = parsePublisherFrameRaw(f);
    expect(raw).toBeDefined();
    expect(asValues(raw!)).toEqual(decoded(f));
    for (const p of raw!)
      if (p.ok && p.msg.op === 'pub' && p.msg.data !== undefined) {
        expect(p.msg.data).toBeInstanceOf(RawMsgpack);
      }
  });

  const LEFT: [string, Buffer][] = [
    ['an auth', frame({ op: 'auth', token: 'x' })],
    ['another op', frame({ op: 'sub', topic: 't', data: 1 })],
    ['an unknown key', frame({ ...PUB, extra: 1 })],
    ['a key twice', hex('83 a2 6f 70 a3 70 75 62 a2 6f 70 a3 70 75 62 a4 64 61 74 61 01')],
    ['a topic that is not printable ASCII', frame({ ...PUB, topic: 'é' })],
    ['a negative id', frame({ ...PUB, id: -1 })],
    ['a string id', frame({ ...PUB, id: '1' })],
    ['data the scanner does not take', frame({ ...PUB, data: 1.5e300 * 1e10 })],
    [
      'data holding undefined',
      hex('83 a2 6f 70 a3 70 75 62 a5 74 6f 70 69 63 a1 74 a4 64 61 74 61 81 a1 61 d4 00 00'),
    ],
    ['trailing bytes', Buffer.concat([frame(PUB), hex('c0')])],
    ['an empty batch', frame([])],
    ['a map 16 of more than four keys', hex('de 00 05 a2 6f 70 a3 70 75 62')],
    ['a batch holding a non-map', frame([PUB, 1])],
    ['an empty frame', Buffer.alloc(0)],
  ];

  it.each(LEFT)('leaves %s to the decoded path', (_name, f) => {
    expect(parsePublisherFrameRaw(f)).toBeUndefined();
  });

  it('agrees with the decoded path on mutated frames, and never throws', () => {
    let seed = 11;
    const rnd = (n: number): number =>
      Math.floor(((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31) * n);
    const seeds = TAKEN.map(([, v]) => frame(v)).filter((f) => f.length < 400);
    let taken = 0;
    for (let i = 0; i < 20_000; i++) {
      const f = Buffer.from(seeds[rnd(seeds.length)]!);
      for (let k = 1 + rnd(3); k > 0; k--) f[rnd(f.length)] = rnd(256);
      const cut = rnd(4) === 0 ? f.subarray(0, rnd(f.length + 1)) : f;
      const raw = parsePublisherFrameRaw(cut);
      if (raw === undefined) continue;
      taken++;
      // Whatever it takes, the decoder takes too, with the same meaning.
      expect(asValues(raw)).toEqual(decoded(cut));
    }
    expect(taken).toBeGreaterThan(1000);
  });
});

describe('readPublisherFrame', () => {
  /** What the sink heard, in order. */
  function heard(p: Buffer, start = 0, end = p.length): { taken: boolean; calls: unknown[] } {
    const calls: unknown[] = [];
    const taken = readPublisherFrame(p, start, end, {
      pub: (topic, data, id) => calls.push(['pub', topic, data.value, id]),
      other: (m) => calls.push(['other', m]),
    });
    return { taken, calls };
  }

  it('hands each valid pub over as its topic, its data as bytes, and its id', () => {
    const f = frame([PUB, { ...PUB, id: 9, topic: 'b' }, { ...PUB, id: null }]);
    expect(heard(f)).toEqual({
      taken: true,
      calls: [
        ['pub', 'room:1', PUB.data, undefined],
        ['pub', 'b', PUB.data, 9],
        ['pub', 'room:1', PUB.data, undefined],
      ],
    });
  });

  it('reads a frame where it lies inside a larger buffer', () => {
    const f = frame({ ...PUB, id: 4 });
    const around = Buffer.concat([hex('ff ff ff'), f, hex('c1 c1')]);
    expect(heard(around, 3, 3 + f.length)).toEqual({
      taken: true,
      calls: [['pub', 'room:1', PUB.data, 4]],
    });
    expect(heard(around, 3, 3 + f.length + 1).taken).toBe(false);
  });

  it("hands a pub the validator refuses over as parsePublisherMessage's refusal, in place", () => {
    const f = frame([PUB, { ...PUB, id: 2, topic: 'has space' }, { op: 'pub', topic: 't' }]);
    expect(heard(f)).toEqual({
      taken: true,
      calls: [
        ['pub', 'room:1', PUB.data, undefined],
        ['other', parsePublisherMessage({ ...PUB, id: 2, topic: 'has space' })],
        ['other', parsePublisherMessage({ op: 'pub', topic: 't' })],
      ],
    });
  });

  it('hands over nothing of a batch it leaves to the decoded path', () => {
    for (const bad of [frame([PUB, PUB, 1]), frame([PUB, { ...PUB, extra: 1 }]), Buffer.alloc(0)])
      expect(heard(bad)).toEqual({ taken: false, calls: [] });
  });
});

describe('parsedPub', () => {
  it('is the message parsePublisherMessage makes of the same pub', () => {
    const data = new RawMsgpack(frame(PUB.data).toString('latin1'));
    expect(parsedPub('t', data, 3)).toEqual(
      parsePublisherMessage({ op: 'pub', topic: 't', data, id: 3 }),
    );
    expect(parsedPub('t', data, undefined)).toEqual({
      ok: true,
      msg: { op: 'pub', topic: 't', data, bytes: data.heapBytes },
    });
  });
});
