import { TurnBatcher } from './turn-batcher';

/** Resolves after the macrotasks queued so far (setImmediate callbacks run in order). */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function setup(): { batcher: TurnBatcher<number>; flushes: number[][] } {
  const flushes: number[][] = [];
  return { batcher: new TurnBatcher<number>((items) => flushes.push(items)), flushes };
}

describe(TurnBatcher, () => {
  describe('#push', () => {
    it('flushes items pushed in one turn together, once, in order', async () => {
      const { batcher, flushes } = setup();
      batcher.push([1, 2]);
      batcher.push([3]);
      batcher.push([4, 5]);
      expect(flushes).toEqual([]);
      await nextTurn();
      expect(flushes).toEqual([[1, 2, 3, 4, 5]]);
    });

    it('flushes items of the next turn separately', async () => {
      const { batcher, flushes } = setup();
      batcher.push([1]);
      await nextTurn();
      batcher.push([2]);
      batcher.push([3]);
      await nextTurn();
      expect(flushes).toEqual([[1], [2, 3]]);
    });

    it('flushes nothing when only empty lists were pushed', async () => {
      const { batcher, flushes } = setup();
      batcher.push([]);
      await nextTurn();
      await nextTurn();
      expect(flushes).toEqual([]);
    });

    it('flushes nothing when nothing was pushed', async () => {
      const { flushes } = setup();
      await nextTurn();
      expect(flushes).toEqual([]);
    });

    it('takes items pushed from inside a flush in a later turn', async () => {
      const flushes: number[][] = [];
      const batcher: TurnBatcher<number> = new TurnBatcher<number>((items) => {
        flushes.push(items);
        if (items[0] === 1) batcher.push([2]);
      });
      batcher.push([1]);
      await nextTurn();
      expect(flushes).toEqual([[1]]);
      await nextTurn();
      expect(flushes).toEqual([[1], [2]]);
    });

    it('does not keep a reference to the caller array', async () => {
      const { batcher, flushes } = setup();
      const input = [1, 2];
      batcher.push(input);
      input.push(3);
      await nextTurn();
      expect(flushes).toEqual([[1, 2]]);
    });
  });

  describe('#constructor', () => {
    it('ends the turn with the given schedule instead of setImmediate', async () => {
      const flushes: number[][] = [];
      const runs: (() => void)[] = [];
      const batcher = new TurnBatcher<number>(
        (items) => flushes.push(items),
        (run) => runs.push(run),
      );
      batcher.push([1]);
      batcher.push([2]);
      expect(runs).toHaveLength(1);
      await nextTurn();
      expect(flushes).toEqual([]);
      runs[0]!();
      expect(flushes).toEqual([[1, 2]]);
      batcher.push([3]);
      expect(runs).toHaveLength(2);
    });
  });
});
