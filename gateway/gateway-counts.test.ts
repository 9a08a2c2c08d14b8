import type { ActorRef } from '../actors';
import type { CountItem } from '../dispatcher/types';
import { NullDispatcher } from '../testing/doubles';
import { GatewayCounts } from './gateway-counts';
import { InterestTable } from './interest-table';
import type { RouterMsg } from './messages';

/** Records every report; answers count queries with `others`. */
class Owner extends NullDispatcher {
  readonly reports: CountItem[][] = [];
  readonly asked: [string, number][] = [];
  others = 0;
  override reportCounts(items: readonly CountItem[]): void {
    this.reports.push([...items]);
  }
  override countOthers(topic: string, local: number): Promise<number> {
    this.asked.push([topic, local]);
    return Promise.resolve(this.others);
  }
}

describe('GatewayCounts', () => {
  let owner: Owner;
  let counts: GatewayCounts;
  beforeEach(() => {
    owner = new Owner();
    counts = new GatewayCounts(owner, 5);
  });

  describe('#flush', () => {
    it('reports many changes within one interval once, with the latest count', () => {
      for (let i = 0; i < 10; i++) counts.change('t', 1);
      counts.change('t', -3);
      counts.flush();
      expect(owner.reports).toEqual([[['t', 7, 0]]]);
    });

    it('reports nothing when nothing changed, nor when the changes cancel out', () => {
      counts.change('t', 1);
      counts.flush();
      counts.flush();
      counts.change('t', 1);
      counts.change('t', -1);
      counts.flush();
      expect(owner.reports).toEqual([[['t', 1, 0]]]);
    });

    it('reports only the topics that changed', () => {
      counts.change('a', 1);
      counts.change('b', 1);
      counts.flush();
      counts.change('b', 1);
      counts.flush();
      expect(owner.reports[1]).toEqual([['b', 2, 0]]);
    });

    it('counts a topic that dropped to 0 as gone at once, and reports the 0 at the flush', () => {
      counts.change('a', 1);
      counts.change('t', 1);
      counts.flush();
      counts.change('t', -1);
      expect(counts.topics).toBe(1);
      expect(counts.of('t')).toBe(0);
      expect([...counts.counts()]).toEqual([['a', 1, 0]]);
      counts.change('t', -1);
      counts.flush();
      expect(owner.reports).toEqual([
        [
          ['a', 1, 0],
          ['t', 1, 0],
        ],
        [['t', 0, 0]],
      ]);
    });

    it('keeps reporting the changes of later intervals, each topic once per interval', () => {
      for (let round = 1; round <= 4; round++) {
        for (const t of ['a', 'b', 'c']) counts.change(t, round % 2 === 1 ? 2 : -1);
        counts.change('a', 1);
        counts.flush();
      }
      // a: 3, 3, 6, 6 after the rounds (unchanged in 2 and 4); b and c: 2, 1, 3, 2. The fifth
      // flush would be a refresh.
      expect(owner.reports).toEqual([
        [
          ['a', 3, 0],
          ['b', 2, 0],
          ['c', 2, 0],
        ],
        [
          ['b', 1, 0],
          ['c', 1, 0],
        ],
        [
          ['a', 6, 0],
          ['b', 3, 0],
          ['c', 3, 0],
        ],
        [
          ['b', 2, 0],
          ['c', 2, 0],
        ],
      ]);
    });

    it('reports a topic that dropped to 0 once, then forgets it', () => {
      counts.change('t', 2);
      counts.flush();
      counts.change('t', -2);
      counts.flush();
      counts.flush();
      expect(owner.reports).toEqual([[['t', 2, 0]], [['t', 0, 0]]]);
      expect(counts.topics).toBe(0);
    });

    it('reports every non-zero count on every refresh, changed or not', () => {
      counts.change('a', 1);
      counts.change('b', 3);
      for (let i = 0; i < 4; i++) counts.flush();
      counts.change('a', -1);
      counts.flush();
      expect(owner.reports).toEqual([
        [
          ['a', 1, 0],
          ['b', 3, 0],
        ],
        [
          ['a', 0, 0],
          ['b', 3, 0],
        ],
      ]);
    });
  });

  describe('#counts', () => {
    it('lists every topic with local subscribers (what a link coming up re-reports)', () => {
      counts.change('a', 2);
      counts.change('b', 1);
      counts.change('b', -1);
      expect([...counts.counts()]).toEqual([['a', 2, 0]]);
    });
  });

  describe('#watch', () => {
    it('reports a topic that became watched or unwatched, though its count did not move', () => {
      counts.change('t', 2);
      counts.flush();
      counts.watch('t', 1);
      counts.flush();
      // A second router's watcher comes and goes: still watched, nothing to tell.
      counts.watch('t', 1);
      counts.watch('t', -1);
      counts.flush();
      counts.watch('t', -1);
      counts.flush();
      expect(owner.reports).toEqual([[['t', 2, 0]], [['t', 2, 1]], [['t', 2, 0]]]);
    });

    it('gives every listed topic its flag (what a refresh and a new link send)', () => {
      counts.change('a', 1);
      counts.change('b', 2);
      counts.watch('b', 1);
      expect([...counts.counts()]).toEqual([
        ['a', 1, 0],
        ['b', 2, 1],
      ]);
    });

    it('reports a queried topic nobody here watches as unwatched at the next flush', async () => {
      counts.change('t', 1);
      counts.flush();
      await counts.total('t');
      counts.flush();
      expect(owner.reports).toEqual([[['t', 1, 0]], [['t', 1, 0]]]);
    });
  });

  describe('#total', () => {
    it('adds its own count now to the sum of the others, telling the owner its count', async () => {
      owner.others = 10;
      counts.change('t', 2);
      await expect(counts.total('t')).resolves.toBe(12);
      expect(owner.asked).toEqual([['t', 2]]);
    });

    it('takes the count it told the owner as reported, so the next flush reports a change back', async () => {
      counts.change('t', 2);
      counts.flush();
      counts.change('t', 1);
      await counts.total('t');
      counts.change('t', -1);
      counts.flush();
      expect(owner.reports).toEqual([[['t', 2, 0]], [['t', 2, 0]]]);
    });
  });

  describe('#deliver', () => {
    it('tells each router with subscribers of a topic its counts, in one message per router', () => {
      const told: RouterMsg[][] = [[], [], []];
      const routers = told.map((list) => ({ tell: (m: RouterMsg) => list.push(m) > 0 }));
      const interest = new InterestTable(owner);
      interest.add('a', 0);
      interest.add('b', 0);
      interest.add('b', 2);
      counts.deliver(
        [
          ['a', 1],
          ['b', 2],
          ['nobody', 3],
        ],
        interest,
        routers as unknown as ActorRef<RouterMsg>[],
      );
      expect(told).toEqual([
        [
          {
            type: 'counts',
            items: [
              ['a', 1],
              ['b', 2],
            ],
          },
        ],
        [],
        [{ type: 'counts', items: [['b', 2]] }],
      ]);
    });
  });
});
