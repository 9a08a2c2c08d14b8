import { NullDispatcher } from '../testing/doubles';
import { InterestTable } from './interest-table';
import { LiveTable } from './live-channels';
import { TopicTable } from './topic-table';

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
      expect(entries.get('t')).toEqual({ routers: 0b10, bin: 1, text: 1, quiet: 0b10 });
      expect(entries.get('other')).toBeUndefined();
    });
  });

  describe('#forgetIfEmpty', () => {
    it('keeps the entry while live members remain after the last router left', () => {
      const { entries, interest, live } = shared();
      interest.add('t', 0);
      live.join('t', true);
      interest.remove('t', 0);
      expect(entries.get('t')).toEqual({ routers: 0, bin: 1, text: 0, quiet: 0 });
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
      expect(entries.get('t')).toEqual({ routers: 1, bin: 0, text: 0, quiet: 0 });
      expect(live.get('t')).toBeUndefined();
      interest.remove('t', 0);
      expect(entries.get('t')).toBeUndefined();
      expect([...entries]).toEqual([]);
    });
  });
});
