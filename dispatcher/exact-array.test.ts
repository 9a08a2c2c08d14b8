import { appended, removedAt } from './exact-array';

describe('exact-array', () => {
  describe('#appended', () => {
    it('returns a new array with the items after the elements, leaving the input alone', () => {
      const a = [1, 2];
      expect(appended(a, 3, 4)).toEqual([1, 2, 3, 4]);
      expect(a).toEqual([1, 2]);
    });

    it('does not flatten an item that is itself an array', () => {
      expect(appended<unknown>([1], [2, 3])).toEqual([1, [2, 3]]);
    });
  });

  describe('#removedAt', () => {
    it('drops count elements at the start, middle and end', () => {
      const a = ['a', 'b', 'c', 'd'];
      expect(removedAt(a, 0)).toEqual(['b', 'c', 'd']);
      expect(removedAt(a, 1, 2)).toEqual(['a', 'd']);
      expect(removedAt(a, 2, 2)).toEqual(['a', 'b']);
      expect(a).toEqual(['a', 'b', 'c', 'd']);
    });
  });
});
