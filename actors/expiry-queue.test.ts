import { ExpiryQueue } from './expiry-queue';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe(ExpiryQueue, () => {
  it('expires each item at its own deadline, not with the first, and never one removed', async () => {
    const expired: [string, number][] = [];
    const start = performance.now();
    const q = new ExpiryQueue<string>(200, (item) => {
      expired.push([item, performance.now() - start]);
    });
    q.add('a');
    await sleep(100);
    q.add('b');
    q.add('gone');
    q.delete('gone');
    await sleep(400);
    expect(expired.map(([item]) => item)).toEqual(['a', 'b']);
    // Each not before its own deadline: 'b' was added 100 ms after 'a'.
    expect(expired[0]![1]).toBeGreaterThanOrEqual(199);
    expect(expired[1]![1]).toBeGreaterThanOrEqual(299);
    expect(q.size).toBe(0);
  });

  it("keeps an item's first deadline when it is added again", async () => {
    const expired: string[] = [];
    const q = new ExpiryQueue<string>(150, (item) => expired.push(item), 10);
    q.add('a');
    await sleep(100);
    q.add('a');
    await sleep(100);
    expect(expired).toEqual(['a']);
  });

  it('runs no timer while empty, and lists what waits oldest first', () => {
    jest.useFakeTimers();
    try {
      const q = new ExpiryQueue<number>(1000, () => undefined);
      expect(jest.getTimerCount()).toBe(0);
      q.add(1);
      q.add(2);
      expect(jest.getTimerCount()).toBe(1);
      expect([...q.keys()]).toEqual([1, 2]);
      expect(q.delete(3)).toBe(false);
      q.delete(1);
      expect(jest.getTimerCount()).toBe(1);
      q.delete(2);
      expect(jest.getTimerCount()).toBe(0);
    } finally {
      jest.useRealTimers();
    }
  });
});
