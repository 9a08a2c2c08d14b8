import { encodeFrame } from '../../protocol';
import { classifyLinkValue, decodeFrameValue, parseLinkFrame } from './link-frame';

const body = (v: unknown): Buffer => encodeFrame(v).subarray(4);

describe('link-frame', () => {
  describe('parseLinkFrame', () => {
    it('reads a heartbeat as internal', () => {
      expect(parseLinkFrame(body({ op: 'hb' }))).toEqual({ kind: 'hb' });
    });

    it.each([
      'interest',
      'history',
      'history-r',
      'pub',
      'pub-r',
      'fail',
      'ev',
      'fwd',
      'fwd-r',
      'xdc',
    ])('passes a %s message through', (op) => {
      const msg = { op, rid: 1 };
      expect(parseLinkFrame(body(msg))).toEqual({ kind: 'msg', msg });
    });

    it.each([
      ['an unknown op', { op: 'hello' }],
      ['a missing op', { rid: 1 }],
      ['a non-string op', { op: 7 }],
      ['an array', [{ op: 'pub' }]],
      ['a string', 'pub'],
      ['binary', Buffer.from('pub')],
    ])('marks %s bad', (_what, v) => {
      expect(parseLinkFrame(body(v)).kind).toBe('bad');
    });

    it('marks undecodable and empty payloads bad', () => {
      expect(parseLinkFrame(Buffer.from([0xc1])).kind).toBe('bad');
      expect(parseLinkFrame(Buffer.alloc(0)).kind).toBe('bad');
    });
  });

  describe('decodeFrameValue', () => {
    it('returns the value or the reason, never throws', () => {
      expect(decodeFrameValue(body({ a: 1 }))).toEqual({ ok: true, value: { a: 1 } });
      expect(decodeFrameValue(Buffer.from([0xc1]))).toMatchObject({ ok: false });
    });
  });

  describe('classifyLinkValue', () => {
    it('keeps the reason short when the op is huge', () => {
      const f = classifyLinkValue({ op: 'x'.repeat(10_000) });
      expect(f.kind === 'bad' && f.why.length).toBeLessThan(100);
    });
  });
});
