import { timingSafeEqual } from 'node:crypto';
import { staticToken } from './static-token';

jest.mock('node:crypto', () => {
  const actual = jest.requireActual<typeof import('node:crypto')>('node:crypto');
  return { ...actual, timingSafeEqual: jest.fn(actual.timingSafeEqual) };
});

describe('staticToken', () => {
  describe('#matches', () => {
    const token = staticToken('s3cret-token');

    it('matches the configured token', () => {
      expect(token.matches('s3cret-token')).toBe(true);
    });

    it.each([
      ['a different token of the same length', 's3cret-tokex'],
      ['a prefix', 's3cret'],
      ['a longer token', 's3cret-token-and-more'],
      ['an empty string', ''],
    ])('refuses %s', (_what, presented) => {
      expect(token.matches(presented)).toBe(false);
    });

    it.each([undefined, null, 42, ['s3cret-token']])('refuses the non-string %p', (presented) => {
      expect(token.matches(presented)).toBe(false);
    });

    it('compares equal-length digests in constant time, whatever the lengths presented', () => {
      const spy = jest.mocked(timingSafeEqual);
      spy.mockClear();
      const t = staticToken('abc');
      t.matches('a');
      t.matches('x'.repeat(1000));
      expect(spy).toHaveBeenCalledTimes(2);
      for (const [a, b] of spy.mock.calls) {
        expect((a as Buffer).length).toBe(32);
        expect((b as Buffer).length).toBe(32);
      }
    });
  });
});
