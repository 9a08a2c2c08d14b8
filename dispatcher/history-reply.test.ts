import { packMsgpack } from '../protocol/msgpack';
import { historyReply } from './history-reply';
import type { HistoryAnswer, TopicEvent } from './types';

const ev = (seq: number, data: unknown): TopicEvent => ({
  topic: 't',
  seq,
  epoch: 'E',
  data,
  t0: 1,
});

function answer(n: number, bytes: number): HistoryAnswer {
  const events = Array.from({ length: n }, (_, i) => ev(i + 1, 'x'.repeat(bytes)));
  return { epoch: 'E', seq: n, recovered: true, events };
}

describe(historyReply, () => {
  it('answers every event, as it is, when no frame limit is given', () => {
    const a = answer(3, 10);
    expect(historyReply(7, a)).toEqual({ op: 'history-r', rid: 7, ...a });
  });

  it('answers every event when the message fits the frame', () => {
    const a = answer(20, 100);
    expect(historyReply(7, a, 1024 * 1024)).toEqual({ op: 'history-r', rid: 7, ...a });
  });

  it('keeps the newest events that fit, recovered false, the message within the frame', () => {
    const maxFrame = 64 * 1024;
    const a = answer(1000, 2048);
    const r = historyReply(7, a, maxFrame);
    expect(packMsgpack(r).length).toBeLessThanOrEqual(maxFrame);
    expect(r.recovered).toBe(false);
    expect(r.events.length).toBeGreaterThan(20);
    expect(r.events.at(-1)!.seq).toBe(1000);
    const seqs = r.events.map((e) => e.seq);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => 1001 - seqs.length + i));
    // One more event would not have fitted.
    const more = { ...r, events: [a.events[1000 - seqs.length - 1]!, ...r.events] };
    expect(packMsgpack(more).length).toBeGreaterThan(maxFrame);
  });

  it('answers no event (and the position) when even the newest does not fit', () => {
    const r = historyReply(7, answer(2, 5000), 1024);
    expect(r).toEqual({
      op: 'history-r',
      rid: 7,
      epoch: 'E',
      seq: 2,
      recovered: false,
      events: [],
    });
  });
});
