import { Packr } from 'msgpackr';
import { scanFrame, skipValue, type EvView } from './msgpack-scan';

interface Seen {
  evs: { seq: number; topic: string; data: unknown }[];
  others: unknown[];
}

function scan(buf: Buffer): Seen {
  const seen: Seen = { evs: [], others: [] };
  const decode = new Packr({ useRecords: false });
  scanFrame(buf, 0, buf.length, {
    onEv: (b: Buffer, ev: EvView) =>
      seen.evs.push({
        seq: ev.seq,
        topic: b.toString('utf8', ev.topicStart, ev.topicEnd),
        data: decode.unpack(b.subarray(ev.dataStart, ev.dataEnd)),
      }),
    onOther: (m) => seen.others.push(m),
  });
  return seen;
}

const packers = [
  new Packr({ useRecords: false }),
  new Packr({ useRecords: false, variableMapSize: true }),
];

describe('scanFrame', () => {
  it.each(packers.map((p, i) => [i, p] as const))(
    'reads an ev like msgpackr does (packer %i)',
    (_i, p) => {
      const data = {
        t: 1712345678901.25,
        pad: 'x'.repeat(40),
        nested: [1, { a: null, b: true }],
        big: 2 ** 40,
      };
      const seen = scan(p.pack({ op: 'ev', topic: 'room:42', seq: 70000, epoch: 'e1', data }));
      expect(seen).toEqual({ evs: [{ seq: 70000, topic: 'room:42', data }], others: [] });
    },
  );

  it('reads every message of a batch in order and hands non-events to the fallback', () => {
    const p = packers[0] as Packr;
    const batch = [
      { op: 'ack', id: 1, epoch: 'e', seq: 4, recovered: false },
      { op: 'ev', topic: 'a', seq: 5, epoch: 'e', data: 1 },
      { op: 'ev', topic: 'b', seq: 2 ** 33, epoch: 'e', data: 'd' },
    ];
    const seen = scan(p.pack(batch));
    expect(seen.evs).toEqual([
      { seq: 5, topic: 'a', data: 1 },
      { seq: 2 ** 33, topic: 'b', data: 'd' },
    ]);
    expect(seen.others).toEqual([batch[0]]);
  });

  it('throws RangeError on a truncated frame', () => {
    const buf = (packers[0] as Packr).pack({
      op: 'ev',
      topic: 't',
      seq: 1,
      epoch: 'e',
      data: { t: 1 },
    });
    expect(() =>
      scanFrame(buf, 0, buf.length - 3, { onEv: () => undefined, onOther: () => undefined }),
    ).toThrow(RangeError);
  });
});

describe('skipValue', () => {
  it('lands exactly after values of every msgpack family', () => {
    const p = packers[0] as Packr;
    for (const v of [
      0,
      -1,
      -200,
      255,
      65536,
      2 ** 40,
      1.5,
      'x'.repeat(300),
      Buffer.alloc(70000),
      null,
      true,
      [1, [2, [3]]],
      { k: { j: 'v' } },
    ]) {
      const buf = p.pack(v);
      expect(skipValue(buf, 0, buf.length)).toBe(buf.length);
    }
  });
});
