import { serialized } from './scenario';

describe('serialized', () => {
  it('starts each call once the earlier ones settled, a failed one too', async () => {
    const exclusive = serialized();
    const order: string[] = [];
    let release!: () => void;
    const first = exclusive(async () => {
      order.push('a start');
      await new Promise<void>((r) => (release = r));
      order.push('a end');
      return 'a';
    });
    const second = exclusive(async () => {
      order.push('b');
      throw new Error('b failed');
    });
    const third = exclusive(async () => {
      order.push('c');
      return 'c';
    });
    await Promise.resolve();
    expect(order).toEqual(['a start']);
    release();
    await expect(first).resolves.toBe('a');
    await expect(second).rejects.toThrow('b failed');
    await expect(third).resolves.toBe('c');
    expect(order).toEqual(['a start', 'a end', 'b', 'c']);
  });
});
