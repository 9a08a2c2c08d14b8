import { Limits } from '../../server/limits';
import { encodePosition, parsePosition, type Positions } from './sse-position';

describe('sse-position', () => {
  describe('#encodePosition', () => {
    it('writes index~epoch~seq in base 36 for each known topic, joined by dots', () => {
      const p: Positions = [{ epoch: 'AbC-12_x', seq: 100 }, undefined, { epoch: 'Zz9', seq: 0 }];
      expect(encodePosition(p)).toBe('0~AbC-12_x~2s.2~Zz9~0');
    });

    it('is empty when no topic has a position', () => {
      expect(encodePosition([undefined, undefined])).toBe('');
    });

    it('leaves out a topic whose epoch has characters an id cannot carry', () => {
      const p: Positions = [
        { epoch: 'a~b', seq: 1 },
        { epoch: 'ok', seq: 1 },
      ];
      expect(encodePosition(p)).toBe('1~ok~1');
    });

    it('writes only URL-safe characters, so the id works as ?lastEventId=', () => {
      const id = encodePosition([{ epoch: 'x-_Y', seq: Number.MAX_SAFE_INTEGER }]);
      expect(encodeURIComponent(id)).toBe(id);
    });
  });

  describe('#parsePosition', () => {
    it('reads back what encodePosition wrote', () => {
      const p: Positions = [
        undefined,
        { epoch: 'e1', seq: Number.MAX_SAFE_INTEGER },
        { epoch: 'e2', seq: 7 },
      ];
      expect(parsePosition(encodePosition(p), 3)).toEqual(p);
    });

    it('treats an absent or empty id as absent', () => {
      expect(parsePosition(undefined, 2)).toBeUndefined();
      expect(parsePosition('', 2)).toBeUndefined();
    });

    it.each([
      ['a stray character', '0~ep~1!'],
      ['too few fields', '0~ep'],
      ['too many fields', '0~ep~1~2'],
      ['an index out of range', '2~ep~1'],
      ['a repeated index', '0~ep~1.0~ep~2'],
      ['more entries than topics', '0~a~1.1~b~1.2~c~1'],
      ['an empty epoch', '0~~1'],
      ['an epoch too long', `0~${'e'.repeat(33)}~1`],
      ['a seq beyond 2^53', '0~ep~zzzzzzzzzzz'],
      ['a seq with a sign', '0~ep~-1'],
      ['an uppercase index', '0A~ep~1'],
      ['an empty entry', '0~ep~1..1~ep~1'],
      ['a newline', '0~ep~1\n1~ep~1'],
      ['prototype bait', '__proto__~ep~1'],
    ])('treats an id with %s as absent', (_why, text) => {
      expect(parsePosition(text, 2)).toBeUndefined();
    });

    it('treats an id longer than Limits.sseMaxLastEventId as absent, at once', () => {
      const huge = '0~ep~1.'.repeat(1_000_000);
      expect(huge.length).toBeGreaterThan(Limits.sseMaxLastEventId);
      expect(parsePosition(huge, 2)).toBeUndefined();
    });

    it('reads an id of the longest size a full stream writes', () => {
      const full: Positions = Array.from({ length: Limits.sseMaxTopics }, () => ({
        epoch: 'abcdefgh',
        seq: Number.MAX_SAFE_INTEGER,
      }));
      const id = encodePosition(full);
      expect(id.length).toBeLessThanOrEqual(Limits.sseMaxLastEventId);
      expect(parsePosition(id, Limits.sseMaxTopics)).toEqual(full);
    });
  });
});
