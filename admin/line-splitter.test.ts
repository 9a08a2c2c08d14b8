import { LineSplitter } from './line-splitter';

const b = (s: string): Buffer => Buffer.from(s, 'utf8');

describe(LineSplitter, () => {
  describe('#push', () => {
    it('returns complete lines and keeps the rest for later', () => {
      const s = new LineSplitter(100);
      expect(s.push(b('a\nb\r\nc'))).toEqual({ lines: ['a', 'b'], overflow: false });
      expect(s.push(b('d\n'))).toEqual({ lines: ['cd'], overflow: false });
    });

    it('joins a multi-byte character split across chunks', () => {
      const s = new LineSplitter(100);
      const bytes = b('é\n');
      s.push(bytes.subarray(0, 1));
      expect(s.push(bytes.subarray(1)).lines).toEqual(['é']);
    });

    it('accepts a line of exactly the limit and overflows past it', () => {
      expect(new LineSplitter(3).push(b('abc\n'))).toEqual({ lines: ['abc'], overflow: false });
      expect(new LineSplitter(3).push(b('ok\nabcd\nx\n'))).toEqual({
        lines: ['ok'],
        overflow: true,
      });
    });

    it('overflows on an unfinished line past the limit and stays overflowed', () => {
      const s = new LineSplitter(4);
      expect(s.push(b('abc')).overflow).toBe(false);
      expect(s.push(b('de')).overflow).toBe(true);
      expect(s.push(b('\n'))).toEqual({ lines: [], overflow: true });
      expect(s.end()).toBeUndefined();
    });
  });

  describe('#end', () => {
    it('returns the unterminated last line, or undefined', () => {
      const s = new LineSplitter(10);
      s.push(b('tail'));
      expect(s.end()).toBe('tail');
      expect(s.end()).toBeUndefined();
    });
  });
});
