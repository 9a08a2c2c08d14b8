import type { InterestSource } from '../dispatcher/client';
import { NullDispatcher } from '../testing/doubles';
import { InterestTable, MAX_ROUTERS } from './interest-table';

/** Records setInterest calls and the bound source; the rest is never used by the table. */
class FakeDispatcher extends NullDispatcher {
  readonly calls: Array<[string, boolean]> = [];
  source: InterestSource | undefined;

  bindInterest(source: InterestSource): void {
    this.source = source;
  }

  override setInterest(topic: string, on: boolean): void {
    this.calls.push([topic, on]);
  }
}

function setup(): { table: InterestTable; d: FakeDispatcher } {
  const d = new FakeDispatcher();
  return { table: new InterestTable(d), d };
}

describe(InterestTable, () => {
  describe('#constructor', () => {
    it('binds itself as the client interest source, so the node holds one set', () => {
      const { table, d } = setup();
      expect(d.source).toBe(table);
      table.add('a', 1);
      expect([...d.source!.all()]).toEqual(['a']);
    });
  });

  describe('#add', () => {
    it('registers interest once when the first router gains a topic', () => {
      const { table, d } = setup();
      table.add('t', 1);
      table.add('t', 2);
      table.add('t', 1);
      expect(d.calls).toEqual([['t', true]]);
      expect(table.routerMask('t')).toBe(0b110);
    });

    it('takes router indexes up to MAX_ROUTERS - 1 and refuses the next', () => {
      const { table } = setup();
      table.add('t', MAX_ROUTERS - 1);
      expect(table.routerMask('t')).toBe(2 ** (MAX_ROUTERS - 1));
      expect(() => table.add('t', MAX_ROUTERS)).toThrow(RangeError);
    });

    it('registers each topic separately', () => {
      const { table, d } = setup();
      table.add('a', 1);
      table.add('b', 1);
      expect(d.calls).toEqual([
        ['a', true],
        ['b', true],
      ]);
      expect(table.topics).toBe(2);
    });
  });

  describe('#remove', () => {
    it('withdraws interest once when the last router leaves', () => {
      const { table, d } = setup();
      table.add('t', 1);
      table.add('t', 2);
      table.remove('t', 1);
      expect(d.calls).toEqual([['t', true]]);
      table.remove('t', 2);
      expect(d.calls).toEqual([
        ['t', true],
        ['t', false],
      ]);
      expect(table.routerMask('t')).toBe(0);
      expect(table.topics).toBe(0);
    });

    it('ignores a router that does not hold the topic', () => {
      const { table, d } = setup();
      table.add('t', 1);
      table.remove('t', 9);
      expect(d.calls).toEqual([['t', true]]);
      expect(table.routerMask('t')).toBe(0b10);
    });

    it('ignores an unknown topic', () => {
      const { table, d } = setup();
      table.remove('nope', 1);
      expect(d.calls).toEqual([]);
    });

    it('ignores a second remove of the same router', () => {
      const { table, d } = setup();
      table.add('t', 1);
      table.remove('t', 1);
      table.remove('t', 1);
      expect(d.calls).toEqual([
        ['t', true],
        ['t', false],
      ]);
    });

    it('registers again when a topic gains a router after losing its last one', () => {
      const { table, d } = setup();
      table.add('t', 1);
      table.remove('t', 1);
      table.add('t', 3);
      expect(d.calls).toEqual([
        ['t', true],
        ['t', false],
        ['t', true],
      ]);
    });
  });

  describe('#all', () => {
    it('lists every topic of interest and nothing withdrawn', () => {
      const { table } = setup();
      table.add('a', 1);
      table.add('b', 2);
      table.add('c', 1);
      table.remove('b', 2);
      expect([...table.all()].sort()).toEqual(['a', 'c']);
    });

    it('is empty for a new table', () => {
      expect([...setup().table.all()]).toEqual([]);
    });
  });
});
