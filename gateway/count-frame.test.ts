import { jsonCodec, msgpackCodec, type Codec } from '../protocol';
import { CountFrame } from './count-frame';

/** A codec that counts its encodes. */
function counting(codec: Codec): Codec & { encodes: number } {
  const c = { ...codec, encodes: 0 };
  c.encode = (m) => (c.encodes++, codec.encode(m));
  return c;
}

describe('CountFrame', () => {
  describe('#frame', () => {
    it('encodes the count message once per format, however many ask', () => {
      const json = counting(jsonCodec);
      const mp = counting(msgpackCodec);
      const f = new CountFrame('live:1', 42);
      for (let i = 0; i < 3; i++) {
        f.frame(json);
        f.frame(mp);
      }
      expect([json.encodes, mp.encodes]).toEqual([1, 1]);
      expect(JSON.parse(f.frame(json) as string)).toEqual({ op: 'count', topic: 'live:1', n: 42 });
      expect(msgpackCodec.decode(f.frame(mp))).toEqual({ op: 'count', topic: 'live:1', n: 42 });
    });
  });
});
