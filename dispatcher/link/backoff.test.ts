import { backoffDelay, DEFAULT_BACKOFF } from './backoff';

describe('backoffDelay', () => {
  const b = { baseMs: 100, maxMs: 1000 };

  it('draws from 0 up to baseMs * 2^attempt (full jitter)', () => {
    expect(backoffDelay(0, b, () => 0)).toBe(0);
    expect(backoffDelay(0, b, () => 0.999)).toBe(99);
    expect(backoffDelay(2, b, () => 0.5)).toBe(200);
    expect(backoffDelay(3, b, () => 0.999)).toBe(799);
  });

  it('caps the range at maxMs however many attempts failed', () => {
    expect(backoffDelay(4, b, () => 0.999)).toBe(999);
    expect(backoffDelay(5000, b, () => 0.999)).toBe(999);
  });

  it('stays within the range with the real random source', () => {
    for (let i = 0; i < 200; i++) {
      const d = backoffDelay(i % 10, DEFAULT_BACKOFF);
      expect(d).toBeGreaterThanOrEqual(0);
      expect(d).toBeLessThan(DEFAULT_BACKOFF.maxMs);
    }
  });
});
