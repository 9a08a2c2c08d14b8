import { isFieldMap, isUnsignedSafeInteger, quoteOp, readId, topicProblem } from './fields';

describe('isFieldMap', () => {
  it('accepts plain and prototype-less objects', () => {
    expect(isFieldMap({})).toBe(true);
    expect(isFieldMap(Object.create(null))).toBe(true);
  });

  it('rejects arrays, class instances and primitives', () => {
    for (const v of [[], new Date(), new Map(), new Uint8Array(1), null, 'x', 1]) {
      expect(isFieldMap(v)).toBe(false);
    }
  });
});

describe('isUnsignedSafeInteger', () => {
  it('accepts 0 through MAX_SAFE_INTEGER and nothing else', () => {
    expect(isUnsignedSafeInteger(0)).toBe(true);
    expect(isUnsignedSafeInteger(Number.MAX_SAFE_INTEGER)).toBe(true);
    for (const v of [-1, 0.1, Number.MAX_SAFE_INTEGER + 1, NaN, '0', 0n]) {
      expect(isUnsignedSafeInteger(v)).toBe(false);
    }
  });
});

describe('readId', () => {
  it('returns the id, undefined when absent or null, null when ill-typed', () => {
    expect(readId(3)).toBe(3);
    expect(readId(undefined)).toBeUndefined();
    expect(readId(null)).toBeUndefined();
    expect(readId(-3)).toBeNull();
  });
});

describe('topicProblem', () => {
  it('tells missing, ill-typed and ill-formed topics apart', () => {
    expect(topicProblem(undefined)).toBe("missing field 'topic'");
    expect(topicProblem(1)).toBe("field 'topic' must be a string");
    expect(topicProblem('')).toMatch(/^field 'topic' must be 1 to 200 bytes/);
  });
});

describe('quoteOp', () => {
  it('quotes short ops whole and clips long ones to 32 characters', () => {
    expect(quoteOp('x')).toBe("'x'");
    expect(quoteOp('a'.repeat(32))).toBe(`'${'a'.repeat(32)}'`);
    expect(quoteOp('a'.repeat(33))).toBe(`'${'a'.repeat(32)}...'`);
  });
});
