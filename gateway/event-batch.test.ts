import type { TopicEvent } from '../dispatcher/types';
import { encodeEvents, jsonCodec, msgpackCodec, type Codec } from '../protocol';
import { EventBatch, toBatches } from './event-batch';

function ev(topic: string, seq: number, epoch = 'e1', data: unknown = seq): TopicEvent {
  return { topic, seq, epoch, data, t0: 0 };
}

const codecs: Array<[string, Codec]> = [
  ['msgpack', msgpackCodec],
  ['json', jsonCodec],
];

/** Seqs of the `ev` messages in a frame. */
function framedSeqs(codec: Codec, frame: Uint8Array | string): number[] {
  const value = codec.decode(frame);
  const list: unknown[] = Array.isArray(value) ? value : [value];
  return list.map((m) => {
    if (typeof m !== 'object' || m === null) throw new Error('not a map');
    const seq = (m as Record<string, unknown>)['seq'];
    if (typeof seq !== 'number') throw new Error('no seq');
    return seq;
  });
}

describe(EventBatch, () => {
  describe('#frame', () => {
    it.each(codecs)('encodes every event of the batch for %s', (_name, codec) => {
      const events = [ev('t', 1, 'e1', 'a'), ev('t', 2, 'e1', 'b')];
      const batch = new EventBatch('t', 'e1', events);
      const frame = batch.frame(codec)!;
      expect(codec.decode(frame)).toEqual([
        { op: 'ev', topic: 't', seq: 1, epoch: 'e1', data: 'a' },
        { op: 'ev', topic: 't', seq: 2, epoch: 'e1', data: 'b' },
      ]);
      const again = encodeEvents(codec, 't', 'e1', events)!;
      expect(typeof frame === 'string' ? frame : Buffer.from(frame).toString('hex')).toBe(
        typeof again === 'string' ? again : Buffer.from(again).toString('hex'),
      );
    });

    it.each(codecs)('returns the same encoded object on a second %s call', (_name, codec) => {
      const batch = new EventBatch('t', 'e1', [ev('t', 1), ev('t', 2)]);
      const first = batch.frame(codec);
      expect(batch.frame(codec)).toBe(first);
    });

    it('keeps one encoding per format', () => {
      const batch = new EventBatch('t', 'e1', [ev('t', 1)]);
      const bin = batch.frame(msgpackCodec);
      const text = batch.frame(jsonCodec);
      expect(typeof text).toBe('string');
      expect(bin).toBeInstanceOf(Uint8Array);
      expect(batch.frame(msgpackCodec)).toBe(bin);
      expect(batch.frame(jsonCodec)).toBe(text);
    });
  });

  describe('#frameAfter', () => {
    it.each(codecs)('encodes only the events after seq for %s', (_name, codec) => {
      const batch = new EventBatch('t', 'e1', [ev('t', 4), ev('t', 5), ev('t', 6)]);
      const frame = batch.frameAfter(codec, 4);
      expect(frame).toBeDefined();
      expect(framedSeqs(codec, frame!)).toEqual([5, 6]);
    });

    it('returns undefined when seq covers the whole batch', () => {
      const batch = new EventBatch('t', 'e1', [ev('t', 4), ev('t', 5)]);
      expect(batch.frameAfter(msgpackCodec, 5)).toBeUndefined();
      expect(batch.frameAfter(jsonCodec, 9)).toBeUndefined();
    });

    it('reuses the shared frame when seq is before the whole batch', () => {
      const batch = new EventBatch('t', 'e1', [ev('t', 4), ev('t', 5)]);
      const shared = batch.frame(jsonCodec);
      expect(batch.frameAfter(jsonCodec, 3)).toBe(shared);
    });

    it('does not replace the shared frame with a slice', () => {
      const batch = new EventBatch('t', 'e1', [ev('t', 4), ev('t', 5)]);
      batch.frameAfter(msgpackCodec, 4);
      expect(framedSeqs(msgpackCodec, batch.frame(msgpackCodec)!)).toEqual([4, 5]);
    });
  });

  describe('#firstSeq / #lastSeq', () => {
    it('reports the seqs of the first and last events', () => {
      const batch = new EventBatch('t', 'e1', [ev('t', 7), ev('t', 8), ev('t', 9)]);
      expect(batch.firstSeq).toBe(7);
      expect(batch.lastSeq).toBe(9);
    });
  });

  describe('#expect / #delivered', () => {
    it('returns true only for the last of the expected deliveries', () => {
      const batch = new EventBatch('t', 'e1', [ev('t', 1)]);
      batch.expect(2);
      batch.expect(1);
      expect(batch.delivered()).toBe(false);
      expect(batch.delivered()).toBe(false);
      expect(batch.delivered()).toBe(true);
    });

    it('counts deliveries expected after some were already delivered', () => {
      const batch = new EventBatch('t', 'e1', [ev('t', 1)]);
      batch.expect(1);
      batch.expect(1);
      expect(batch.delivered()).toBe(false);
      batch.expect(1);
      expect(batch.delivered()).toBe(false);
      expect(batch.delivered()).toBe(true);
    });
  });
});

describe('toBatches', () => {
  const shape = (batches: EventBatch[]): Array<[string, string, number[]]> =>
    batches.map((b) => [b.topic, b.epoch, b.events.map((e) => e.seq)]);

  it('returns no batch for no events', () => {
    expect(toBatches([])).toEqual([]);
  });

  it('groups events per topic and keeps each topic in order', () => {
    const batches = toBatches([ev('a', 1), ev('b', 1), ev('a', 2), ev('b', 2), ev('a', 3)]);
    expect(shape(batches)).toEqual(
      expect.arrayContaining([
        ['a', 'e1', [1, 2, 3]],
        ['b', 'e1', [1, 2]],
      ]),
    );
    expect(batches).toHaveLength(2);
  });

  it('starts a new batch when the epoch of a topic changes, old epoch first', () => {
    const batches = toBatches([
      ev('a', 8, 'old'),
      ev('a', 9, 'old'),
      ev('a', 1, 'new'),
      ev('a', 2, 'new'),
    ]);
    expect(shape(batches)).toEqual([
      ['a', 'old', [8, 9]],
      ['a', 'new', [1, 2]],
    ]);
  });

  it('splits on every epoch change and never mixes epochs in a batch', () => {
    const batches = toBatches([
      ev('a', 1, 'x'),
      ev('b', 1, 'y'),
      ev('a', 1, 'z'),
      ev('a', 2, 'z'),
      ev('b', 2, 'y'),
      ev('a', 1, 'w'),
    ]);
    const perTopic = (topic: string): Array<[string, number[]]> =>
      shape(batches)
        .filter(([t]) => t === topic)
        .map(([, e, s]) => [e, s]);
    expect(perTopic('a')).toEqual([
      ['x', [1]],
      ['z', [1, 2]],
      ['w', [1]],
    ]);
    expect(perTopic('b')).toEqual([['y', [1, 2]]]);
    for (const b of batches) for (const e of b.events) expect(e.epoch).toBe(b.epoch);
  });
});

describe('EventBatch, when an event cannot be encoded', () => {
  it('leaves only that event out of the shared frame and reports it once per format', () => {
    const skipped: number[] = [];
    const events = [ev('t', 1, 'e1', 'a'), ev('t', 2, 'e1', 2n ** 100n), ev('t', 3, 'e1', 'c')];
    const batch = new EventBatch('t', 'e1', events, (_topic, e) => skipped.push(e.seq));
    const frame = batch.frame(msgpackCodec)!;
    expect(batch.frame(msgpackCodec)).toBe(frame); // encoded once, shared
    expect((msgpackCodec.decode(frame) as { seq: number }[]).map((m) => m.seq)).toEqual([1, 3]);
    expect(skipped).toEqual([2]);
  });

  it('has no frame when no event can be encoded, and does not retry per subscriber', () => {
    let skips = 0;
    const batch = new EventBatch('t', 'e1', [ev('t', 1, 'e1', 2n ** 100n)], () => skips++);
    expect(batch.frame(msgpackCodec)).toBeUndefined();
    expect(batch.frame(msgpackCodec)).toBeUndefined();
    expect(skips).toBe(1);
  });
});
