import { encodeFrame, payloadBytes } from '../../protocol';
import {
  classifyLinkValue,
  decodeFrameValue,
  parseLinkFrame,
  type LinkDirection,
} from './link-frame';

const body = (v: unknown): Buffer => encodeFrame(v).subarray(4);
const FROM_GATEWAY: LinkDirection = { from: 'gateway', to: 'dispatcher' };
const FROM_DISPATCHER: LinkDirection = { from: 'dispatcher', to: 'dispatcher' };

describe('link-frame', () => {
  describe('parseLinkFrame', () => {
    it('reads a heartbeat as internal', () => {
      expect(parseLinkFrame(body({ op: 'hb' }), FROM_GATEWAY)).toEqual({ kind: 'hb' });
    });

    it('passes a valid message through as a fresh object of its known fields', () => {
      const msg = { op: 'pub', rid: 1, topic: 't', data: { a: 1 } };
      expect(parseLinkFrame(body({ ...msg, extra: 1 }), FROM_GATEWAY)).toEqual({
        kind: 'msg',
        msg: { ...msg, bytes: payloadBytes(msg.data) }, // the size the validator's walk found
      });
    });

    it('marks a message with bad fields bad', () => {
      const f = parseLinkFrame(body({ op: 'fwd', items: [null] }), FROM_DISPATCHER);
      expect(f).toEqual({ kind: 'bad', why: "fwd: 'items[0]' must be a map" });
    });

    it.each([
      ['an unknown op', { op: 'hello' }],
      ['a missing op', { rid: 1 }],
      ['a non-string op', { op: 7 }],
      ['an array', [{ op: 'pub' }]],
      ['a string', 'pub'],
      ['binary', Buffer.from('pub')],
    ])('marks %s bad', (_what, v) => {
      expect(parseLinkFrame(body(v), FROM_GATEWAY).kind).toBe('bad');
    });

    it('marks undecodable and empty payloads bad', () => {
      expect(parseLinkFrame(Buffer.from([0xc1]), FROM_GATEWAY).kind).toBe('bad');
      expect(parseLinkFrame(Buffer.alloc(0), FROM_GATEWAY).kind).toBe('bad');
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
      const f = classifyLinkValue({ op: 'x'.repeat(10_000) }, FROM_GATEWAY);
      expect(f.kind === 'bad' && f.why.length).toBeLessThan(100);
    });
  });
});
