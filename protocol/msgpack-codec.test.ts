import { DecodeError } from './errors';
import type { ServerMessage } from './messages';
import { msgpackCodec } from './msgpack-codec';

describe('msgpackCodec', () => {
  it('speaks troupe.v1.msgpack in binary frames', () => {
    expect(msgpackCodec.subprotocol).toBe('troupe.v1.msgpack');
    expect(msgpackCodec.binary).toBe(true);
  });

  describe('#decode', () => {
    it('throws DecodeError on a text frame', () => {
      expect(() => msgpackCodec.decode('{"op":"ping"}')).toThrow(DecodeError);
    });

    it('throws DecodeError on truncated msgpack and on trailing garbage', () => {
      const frame = msgpackCodec.encode({ op: 'pong', id: 1 }) as Uint8Array;
      expect(() => msgpackCodec.decode(frame.subarray(0, frame.length - 1))).toThrow(DecodeError);
      const longer = new Uint8Array(frame.length + 1);
      longer.set(frame);
      expect(() => msgpackCodec.decode(longer)).toThrow(DecodeError);
    });

    it('decodes a frame that is a view into a larger buffer', () => {
      const frame = msgpackCodec.encode({ op: 'pong' }) as Uint8Array;
      const big = new Uint8Array(frame.length + 10);
      big.set(frame, 5);
      expect(msgpackCodec.decode(big.subarray(5, 5 + frame.length))).toEqual({ op: 'pong' });
    });
  });

  describe('#encode', () => {
    it('round trips every server message, one by one and as a batch', () => {
      const msgs: ServerMessage[] = [
        { op: 'hello', v: 1, conn: 'c1', node: 'n1', hb: 25000 },
        { op: 'ack', id: 1, epoch: 'e', seq: 4, recovered: false },
        { op: 'err', code: 400, msg: 'bad' },
        // A bin decoded from a Buffer frame is a Buffer (msgpackr slices with the frame's species).
        { op: 'ev', topic: 't', seq: 1, epoch: 'e', data: Buffer.from([1, 2]) },
        { op: 'count', topic: 't', n: 0 },
        {
          op: 'presence',
          topic: 'presence:u',
          user: 'u',
          online: true,
          lastSeen: 17,
          seq: 1,
          epoch: 'e',
        },
        { op: 'pong', id: 3 },
        { op: 'bye', code: 1001, reason: 'r', retryMs: 0 },
      ];
      for (const m of msgs) {
        expect(msgpackCodec.decode(msgpackCodec.encode(m) as Uint8Array)).toEqual(m);
      }
      expect(msgpackCodec.decode(msgpackCodec.encode(msgs) as Uint8Array)).toEqual(msgs);
    });

    it('leaves out fields that are undefined, like the JSON codec', () => {
      const frame = msgpackCodec.encode({ op: 'ack', id: 1, seq: undefined }) as Uint8Array;
      expect(Object.keys(msgpackCodec.decode(frame) as object)).toEqual(['op', 'id']);
    });
  });
});
