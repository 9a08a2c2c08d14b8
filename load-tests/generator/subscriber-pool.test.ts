import {
  CONNECTIONS_PER_SOURCE,
  sourceAddressOf,
  sourceBlocks,
  workerCount,
} from './subscriber-pool';

describe('workerCount', () => {
  it('uses as few workers as perWorker allows, and at least minWorkers', () => {
    expect(workerCount(2000, 8000, 1)).toBe(1);
    expect(workerCount(20_000, 8000, 1)).toBe(3);
    expect(workerCount(2000, 8000, 4)).toBe(4);
  });

  it('rounds up to a multiple of the ws targets so each gets the same share', () => {
    expect(workerCount(2000, 8000, 1, 2)).toBe(2);
    expect(workerCount(20_000, 8000, 1, 2)).toBe(4);
    expect(workerCount(2000, 8000, 3, 2)).toBe(4);
  });
});

describe('sourceAddressOf', () => {
  it('gives each worker its own loopback source address', () => {
    expect(sourceAddressOf(0)).toBe('127.0.0.2');
    expect(sourceAddressOf(1)).toBe('127.0.0.3');
  });
});

describe('sourceBlocks', () => {
  it('gives a worker one address per CONNECTIONS_PER_SOURCE connections, none shared', () => {
    const per = CONNECTIONS_PER_SOURCE;
    const blocks = sourceBlocks([per, per + 1, 1, 0]);
    expect(blocks.map((b) => b.length)).toEqual([1, 2, 1, 1]);
    expect(blocks.flat()).toEqual([
      '127.0.0.2',
      '127.0.0.3',
      '127.0.0.4',
      '127.0.0.5',
      '127.0.0.6',
    ]);
  });

  it('takes a smaller block size where asked, and refuses one that is not a positive integer', () => {
    expect(sourceBlocks([2500, 1000], 1000).map((b) => b.length)).toEqual([3, 1]);
    expect(() => sourceBlocks([1], 0)).toThrow(RangeError);
    expect(() => sourceBlocks([1], 1.5)).toThrow(RangeError);
  });
});
