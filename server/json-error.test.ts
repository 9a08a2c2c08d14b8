import fc from 'fast-check';
import { jsonErrorAt, jsonErrorOffset } from './json-error';

const parses = (text: string): boolean => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};

describe(jsonErrorOffset, () => {
  it('finds no error in any JSON.stringify output, however nested', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (v) => {
        expect(jsonErrorOffset(JSON.stringify(v, null, 1))).toBe(-1);
      }),
    );
  });

  it('finds an error exactly when JSON.parse refuses the text', () => {
    const piece = fc.constantFrom(
      ...'{}[],:"\\ \n1-0.e+tfnaluesr'.split(''),
      'true',
      'null',
      '"k"',
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), (parts) => {
        const text = parts.join('');
        expect(jsonErrorOffset(text) >= 0).toBe(!parses(text));
      }),
      { numRuns: 2000 },
    );
  });

  it('is iterative: a million nested arrays do not overflow the stack', () => {
    const text = '['.repeat(1_000_000) + ']'.repeat(999_999);
    expect(jsonErrorOffset(text)).toBe(text.length);
  });

  it.each([
    ['{"port": }', 9],
    ['{"port": 1,}', 11],
    ["{'port': 1}", 1],
    ['{"port": 01}', 10],
    ['{"a": "x\\q"}', 9],
    ['{"a": 1} {}', 9],
    ['{"a": tru}', 6],
  ])('places the error of %j at %d', (text, offset) => {
    expect(parses(text)).toBe(false);
    expect(jsonErrorOffset(text)).toBe(offset);
  });
});

describe(jsonErrorAt, () => {
  it('gives line and column, 1-based', () => {
    expect(jsonErrorAt('{\n  "port": 7070,\n  "x": ]\n}')).toEqual({
      offset: 25,
      line: 3,
      column: 8,
      what: 'unexpected "]"',
    });
  });

  it('says when the text ends too soon', () => {
    expect(jsonErrorAt('{"port": 7070')).toMatchObject({
      line: 1,
      column: 14,
      what: 'the text ends too soon',
    });
  });
});
