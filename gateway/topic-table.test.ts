import { NullDispatcher } from '../testing/doubles';
import { InterestTable } from './interest-table';
import { LiveTable } from './live-channels';
import { TopicTable, type TopicEntry } from './topic-table';
import type { EventBatch } from './event-batch';
import type { TopicEvent } from '../dispatcher/types';

/** An interest table and a live table over one set of entries, as the gateway has them. */
function shared(): { entries: TopicTable; interest: InterestTable; live: LiveTable } {
  const entries = new TopicTable();
  return {
    entries,
    interest: new InterestTable(new NullDispatcher(), entries),
    live: new LiveTable(2, entries),
  };
}

describe(TopicTable, () => {
  describe('#get', () => {
    it('gives one entry holding a topic routers and its live members', () => {
      const { entries, interest, live } = shared();
      interest.add('t', 1);
      live.join('t', true);
      live.join('t', false);
      live.quiet('t', 1, true);
      expect(entries.get('t')).toEqual(
        expect.objectContaining({ routers: 0b10, bin: 1, text: 1, quiet: 0b10 }),
      );
      expect(entries.get('other')).toBeUndefined();
    });
  });

  describe('#forgetIfEmpty', () => {
    it('keeps the entry while live members remain after the last router left', () => {
      const { entries, interest, live } = shared();
      interest.add('t', 0);
      live.join('t', true);
      interest.remove('t', 0);
      expect(entries.get('t')).toEqual(
        expect.objectContaining({ routers: 0, bin: 1, text: 0, quiet: 0 }),
      );
      // Not a topic of interest any more, though its entry stays for its live member.
      expect([...interest.all()]).toEqual([]);
      expect(interest.topics).toBe(0);
      live.leave('t', true);
      expect(entries.get('t')).toBeUndefined();
    });

    it('keeps the entry while a router remains after the last live member left', () => {
      const { entries, interest, live } = shared();
      interest.add('t', 0);
      live.join('t', false);
      live.quiet('t', 0, true);
      live.leave('t', false);
      // No live members: nothing quiet, the router is told the batches again.
      expect(entries.get('t')).toEqual(
        expect.objectContaining({ routers: 1, bin: 0, text: 0, quiet: 0 }),
      );
      expect(live.get('t')).toBeUndefined();
      interest.remove('t', 0);
      expect(entries.get('t')).toBeUndefined();
      expect([...entries]).toEqual([]);
    });
  });
});

describe('TopicTable#group', () => {
  const ev = (topic: string, seq: number, epoch = 'e1'): TopicEvent => ({
    topic,
    seq,
    epoch,
    data: seq,
    t0: 0,
  });
  const shape = (batches: EventBatch[]): string[] =>
    batches.map((b) => `${b.topic}/${b.epoch}:${b.events.map((e) => e.seq).join(',')}`);

  it('makes one batch per topic in a turn, events in order, each with its entry', () => {
    const { entries, interest } = shared();
    interest.add('a', 0);
    interest.add('b', 1);
    const batches: EventBatch[] = [];
    const owners: TopicEntry[] = [];
    entries.group(
      [ev('a', 1), ev('b', 1), ev('a', 2), ev('b', 2), ev('a', 3)],
      undefined,
      batches,
      owners,
    );
    expect(shape(batches)).toEqual(['a/e1:1,2,3', 'b/e1:1,2']);
    expect(owners).toEqual([entries.get('a'), entries.get('b')]);
    expect(owners[0]!.batch).toBe(batches[0]);
  });

  it('leaves out the events of a topic nobody here has', () => {
    const { entries, interest } = shared();
    interest.add('a', 0);
    const batches: EventBatch[] = [];
    entries.group([ev('x', 1), ev('a', 1), ev('x', 2)], undefined, batches, []);
    expect(shape(batches)).toEqual(['a/e1:1']);
  });

  it('starts a new batch after the old one when the epoch changes within a turn', () => {
    const { entries, interest } = shared();
    interest.add('a', 0);
    const batches: EventBatch[] = [];
    entries.group([ev('a', 7), ev('a', 1, 'e2'), ev('a', 2, 'e2')], undefined, batches, []);
    expect(shape(batches)).toEqual(['a/e1:7', 'a/e2:1,2']);
  });

  it('never adds to a batch of an earlier turn', () => {
    const { entries, interest } = shared();
    interest.add('a', 0);
    const first: EventBatch[] = [];
    entries.group([ev('a', 1)], undefined, first, []);
    const second: EventBatch[] = [];
    entries.group([ev('a', 2)], undefined, second, []);
    expect(shape(first)).toEqual(['a/e1:1']);
    expect(shape(second)).toEqual(['a/e1:2']);
  });
});

describe('TopicTable#epochOf', () => {
  it("keeps a topic's latest epoch in its entry and gives that back, never a stale one", () => {
    const { entries, interest } = shared();
    interest.add('a', 0);
    expect(entries.epochOf('a', 'e1')).toBe('e1');
    expect(entries.epochOf('a', 'e1')).toBe('e1');
    expect(entries.get('a')!.epoch).toBe('e1');
    // The dispatcher started a new epoch (a restart): the entry follows.
    expect(entries.epochOf('a', 'e2')).toBe('e2');
    expect(entries.get('a')!.epoch).toBe('e2');
  });

  it('gives back the epoch it was given for a topic without an entry, and makes none', () => {
    const entries = new TopicTable();
    expect(entries.epochOf('x', 'e1')).toBe('e1');
    expect(entries.get('x')).toBeUndefined();
  });

  it("leaves a batch in another epoch than the entry's its own, and the entry's as it was", () => {
    const { entries, interest } = shared();
    interest.add('a', 0);
    entries.epochOf('a', 'e2');
    const batches: EventBatch[] = [];
    entries.group(
      [
        { topic: 'a', seq: 9, epoch: 'e1', data: 9, t0: 0 },
        { topic: 'a', seq: 1, epoch: 'e2', data: 1, t0: 0 },
      ],
      undefined,
      batches,
      [],
    );
    expect(batches.map((b) => b.epoch)).toEqual(['e1', 'e2']);
    expect(entries.get('a')!.epoch).toBe('e2');
  });
});
