import { PatternError } from './errors';
import { ALLOW_ALL, compilePatterns, DENY_ALL, MAX_PATTERN_BYTES, MAX_PATTERNS } from './patterns';

describe('compilePatterns', () => {
  describe('#allows', () => {
    it('allows exactly the listed names when no pattern has a wildcard', () => {
      const m = compilePatterns(['news', 'sports:live'], 'alice');
      expect(m.allows('news')).toBe(true);
      expect(m.allows('sports:live')).toBe(true);
      expect(m.allows('news2')).toBe(false);
      expect(m.allows('new')).toBe(false);
      expect(m.allows('sports')).toBe(false);
    });

    it('allows every topic starting with the prefix when the pattern ends in *', () => {
      const m = compilePatterns(['live:*'], 'alice');
      expect(m.allows('live:')).toBe(true);
      expect(m.allows('live:42')).toBe(true);
      expect(m.allows('live:42:comments')).toBe(true);
      expect(m.allows('live')).toBe(false);
      expect(m.allows('xlive:42')).toBe(false);
    });

    it('allows every topic when a pattern is * alone', () => {
      const m = compilePatterns(['news', '*'], 'alice');
      expect(m).toBe(ALLOW_ALL);
      expect(m.allows('anything:at/all')).toBe(true);
    });

    it('replaces {sub} by the member id, in names and prefixes', () => {
      const m = compilePatterns(['inbox:{sub}', 'user:{sub}:*', '{sub}'], 'alice');
      expect(m.allows('inbox:alice')).toBe(true);
      expect(m.allows('inbox:bob')).toBe(false);
      expect(m.allows('inbox:{sub}')).toBe(false);
      expect(m.allows('user:alice:feed')).toBe(true);
      expect(m.allows('user:bob:feed')).toBe(false);
      expect(m.allows('alice')).toBe(true);
    });

    it('replaces every {sub} of a pattern', () => {
      const m = compilePatterns(['dm:{sub}:{sub}'], 'a');
      expect(m.allows('dm:a:a')).toBe(true);
    });

    it('keeps a * in the member id literal instead of making it a wildcard', () => {
      const m = compilePatterns(['inbox:{sub}'], '*');
      expect(m.allows('inbox:*')).toBe(true);
      expect(m.allows('inbox:alice')).toBe(false);
      expect(m.allows('inbox:')).toBe(false);
    });

    it('keeps a * in the member id literal inside a prefix', () => {
      const m = compilePatterns(['user:{sub}:*'], '*');
      expect(m.allows('user:*:feed')).toBe(true);
      expect(m.allows('user:bob:feed')).toBe(false);
    });

    it('keeps replacement tokens such as $& in the member id literal', () => {
      const m = compilePatterns(['inbox:{sub}'], '$&');
      expect(m.allows('inbox:$&')).toBe(true);
      expect(m.allows('inbox:inbox:{sub}')).toBe(false);
    });

    it('allows nothing when the list is empty', () => {
      const m = compilePatterns([], 'alice');
      expect(m.allows('news')).toBe(false);
      expect(m.allows('')).toBe(false);
    });

    it('answers the same with overlapping prefixes as with the shortest alone', () => {
      const m = compilePatterns(['live:a:*', 'live:*', 'live:*', 'x:*'], 's');
      expect(m.allows('live:a:1')).toBe(true);
      expect(m.allows('live:b')).toBe(true);
      expect(m.allows('x:1')).toBe(true);
      expect(m.allows('y')).toBe(false);
    });
  });

  describe('validation', () => {
    const bad = (patterns: unknown) => () => compilePatterns(patterns, 'alice');

    it.each([
      ['a non-array', 'news'],
      ['null', null],
      ['an object', { 0: 'news' }],
    ])('refuses %s', (_what, value) => {
      expect(bad(value)).toThrow(PatternError);
      expect(bad(value)).toThrow('patterns must be an array of strings');
    });

    it.each([
      ['a non-string', [42], 'pattern #0 is not a string'],
      ['an empty string', ['news', ''], 'pattern #1 is empty'],
      [
        'a * in the middle',
        ['live:*:x'],
        'pattern #0 "live:*:x" has a \'*\' that is not at its end',
      ],
      ['a * at the start', ['*news'], "has a '*' that is not at its end"],
      ['a double **', ['live:**'], "has a '*' that is not at its end"],
      ['a space', ['bad topic'], 'must be topic characters'],
      ['another placeholder', ['inbox:{user}'], 'must be topic characters'],
      ['a non-ASCII character', ['café'], 'must be topic characters'],
    ])('refuses %s', (_what, patterns, message) => {
      expect(bad(patterns)).toThrow(PatternError);
      expect(bad(patterns)).toThrow(message);
    });

    it('carries the stable code bad-pattern', () => {
      expect(bad([''])).toThrow(expect.objectContaining({ code: 'bad-pattern' }));
    });

    it('accepts a pattern of exactly the byte bound and refuses one byte more', () => {
      // Placeholders count as written: 50 of them and a short literal reach the bound.
      const at = `a:${'{sub}'.repeat(50)}xyz*`;
      expect(at.length).toBe(MAX_PATTERN_BYTES);
      expect(() => compilePatterns([at], 's')).not.toThrow();
      expect(bad([`${at}x`])).toThrow(`pattern #0 is over ${MAX_PATTERN_BYTES} bytes`);
    });

    it('accepts exactly the list bound and refuses one pattern more', () => {
      const list = Array.from({ length: MAX_PATTERNS }, (_, i) => `t${i}`);
      expect(compilePatterns(list, 's').allows(`t${MAX_PATTERNS - 1}`)).toBe(true);
      expect(bad([...list, 'one-more'])).toThrow(`at most ${MAX_PATTERNS} patterns`);
    });

    it('refuses a literal part longer than any topic name', () => {
      expect(bad([`${'x'.repeat(201)}*`])).toThrow('must be topic characters');
    });

    it('does not quote a long pattern in its error', () => {
      const long = `${'x'.repeat(100)} y`;
      expect(bad([long])).toThrow(/^pattern #0 must be topic characters/);
    });
  });
});

describe('DENY_ALL', () => {
  describe('#allows', () => {
    it('allows no topic', () => {
      expect(DENY_ALL.allows('news')).toBe(false);
      expect(DENY_ALL.allows('*')).toBe(false);
    });
  });
});
