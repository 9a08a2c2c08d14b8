import { encodeEvents, msgpackCodec, type EventPayload } from './codec';
import { packMsgpack, unpackMsgpack } from './msgpack';
import { RawMsgpack } from './raw-msgpack';
import { rawEvFrame, rawFrameFits } from './raw-ev-frame';

const raw = (v: unknown): RawMsgpack => new RawMsgpack(packMsgpack(v).toString('latin1'));

/** What msgpackr writes for the same events, data as values. */
function reference(topic: string, epoch: string, events: { seq: number; data: unknown }[]): Buffer {
  const msgs = events.map((e) => ({ op: 'ev', topic, seq: e.seq, epoch, data: e.data }));
  return Buffer.from(packMsgpack(msgs.length === 1 ? msgs[0] : msgs));
}

describe('rawEvFrame', () => {
  const SEQS = [1, 127, 128, 255, 256, 65_535, 65_536, 2 ** 32 - 1, 2 ** 32, 2 ** 40 + 3];
  const DATA = [
    null,
    1,
    'x',
    { t: 1.5, pad: 'p'.repeat(45) },
    [1, [2, { a: 'b' }]],
    'é'.repeat(300),
  ];

  it('writes the bytes msgpackr writes, for one event and for batches of every array size', () => {
    for (const topic of ['t', 'a'.repeat(31), 'b'.repeat(32), 'c'.repeat(200)]) {
      for (const n of [1, 2, 15, 16, 40]) {
        const events = Array.from({ length: n }, (_, i) => ({
          seq: SEQS[i % SEQS.length]!,
          data: DATA[i % DATA.length],
        }));
        const rawEvents: EventPayload[] = events.map((e) => ({ seq: e.seq, data: raw(e.data) }));
        expect(rawEvFrame(topic, 'ep0Q-_x1', rawEvents)).toEqual(
          reference(topic, 'ep0Q-_x1', events),
        );
      }
    }
  });

  it('writes 65,536 events behind an array 32 header', () => {
    const events = Array.from({ length: 65_536 }, (_, i) => ({ seq: i + 1, data: raw(i % 7) }));
    const out = rawEvFrame('t', 'e', events);
    expect(out[0]).toBe(0xdd);
    const back = unpackMsgpack(out) as { seq: number; data: number }[];
    expect(back).toHaveLength(65_536);
    expect(back[65_535]).toEqual({
      op: 'ev',
      topic: 't',
      seq: 65_536,
      epoch: 'e',
      data: 65_535 % 7,
    });
  });

  it('is what encodeEvents gives a msgpack connection when every event carries bytes', () => {
    const events = [
      { seq: 5, data: raw({ a: 1 }) },
      { seq: 6, data: raw('two') },
    ];
    expect(encodeEvents(msgpackCodec, 'room', 'ep', events)).toEqual(
      reference('room', 'ep', [
        { seq: 5, data: { a: 1 } },
        { seq: 6, data: 'two' },
      ]),
    );
  });
});

describe('rawFrameFits', () => {
  it('needs every event to carry bytes', () => {
    expect(rawFrameFits('t', 'e', [{ seq: 1, data: raw(1) }])).toBe(true);
    expect(
      rawFrameFits('t', 'e', [
        { seq: 1, data: raw(1) },
        { seq: 2, data: 1 },
      ]),
    ).toBe(false);
  });

  it('needs a printable ASCII topic and epoch (their latin1 bytes are their UTF-8)', () => {
    const events = [{ seq: 1, data: raw(1) }];
    expect(rawFrameFits('tópico', 'e', events)).toBe(false);
    expect(rawFrameFits('t', 'e\n', events)).toBe(false);
    // encodeEvents then takes msgpackr's path, which writes UTF-8.
    const out = encodeEvents(msgpackCodec, 'tópico', 'e', events) as Uint8Array;
    expect(unpackMsgpack(out)).toEqual({ op: 'ev', topic: 'tópico', seq: 1, epoch: 'e', data: 1 });
  });
});
