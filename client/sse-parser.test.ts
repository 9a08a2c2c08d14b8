import { SseParser, type SseEvent } from './sse-parser';

function parse(chunks: string[], maxBytes = 1000): SseEvent[] {
  const out: SseEvent[] = [];
  const p = new SseParser(maxBytes, (e) => out.push(e));
  for (const c of chunks) p.push(c);
  return out;
}

describe('SseParser', () => {
  describe('#push', () => {
    it('dispatches an event at its blank line, with its type, data and id', () => {
      expect(parse(['event: ev\nid: 0~a~1\ndata: {"op":"ev"}\n\n'])).toEqual([
        { event: 'ev', data: '{"op":"ev"}', id: '0~a~1' },
      ]);
    });

    it('joins data lines with LF and defaults the type to message', () => {
      expect(parse(['data: a\ndata:b\n\n'])).toEqual([
        { event: 'message', data: 'a\nb', id: undefined },
      ]);
    });

    it('reads events split anywhere across chunks, CRLF split included', () => {
      const text = 'event: ev\r\ndata: {"x":1}\r\n\r\n: hb\r\nevent: count\r\ndata: 2\r\n\r\n';
      const whole = parse([text]);
      for (let i = 1; i < text.length; i++) {
        expect(parse([text.slice(0, i), text.slice(i)])).toEqual(whole);
      }
      expect(whole.map((e) => e.event)).toEqual(['ev', 'count']);
    });

    it('skips comments and dispatches nothing for an event without data', () => {
      expect(parse([': hb\n\nevent: ev\n\n'])).toEqual([]);
    });

    it('throws past maxBytes for an endless line or an endless event', () => {
      expect(() => parse(['data: ' + 'x'.repeat(2000)])).toThrow(RangeError);
      expect(() => parse([Array(300).fill('data: xxxxx\n').join('')])).toThrow(RangeError);
      expect(parse(['data: ' + 'x'.repeat(900) + '\n\n'])).toHaveLength(1);
    });
  });
});
