import { bearer } from './bearer';

describe('bearer', () => {
  it('returns the token of a Bearer header', () => {
    expect(bearer('Bearer abc.def-123')).toBe('abc.def-123');
  });

  it('accepts any case of the scheme and extra spaces around the token', () => {
    expect(bearer('bearer tok')).toBe('tok');
    expect(bearer('BEARER tok')).toBe('tok');
    expect(bearer('  Bearer    tok  ')).toBe('tok');
  });

  it('returns undefined without a header', () => {
    expect(bearer(undefined)).toBeUndefined();
  });

  it('returns undefined for another scheme', () => {
    expect(bearer('Basic dXNlcjpwYXNz')).toBeUndefined();
  });

  it('returns undefined for a scheme without a token', () => {
    expect(bearer('Bearer')).toBeUndefined();
    expect(bearer('Bearer   ')).toBeUndefined();
    expect(bearer('')).toBeUndefined();
  });

  it('returns undefined when the token holds a space', () => {
    expect(bearer('Bearer two parts')).toBeUndefined();
  });

  it('returns undefined when the scheme is glued to the token', () => {
    expect(bearer('Bearertok')).toBeUndefined();
  });
});
