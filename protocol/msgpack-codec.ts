/**
 * The `troupe.v1.msgpack` codec: binary frames holding msgpack (configuration in `msgpack.ts`).
 *
 * A text frame on a msgpack connection is undecodable (close 4000): text frames must be UTF-8,
 * which arbitrary msgpack is not, so such a client is confused about the subprotocol it chose.
 */
import type { Codec, Subprotocol } from './codec';
import { DecodeError } from './errors';
import type { ServerMessage } from './messages';
import { packMsgpack, packMsgpackEvents, unpackMsgpack } from './msgpack';

export const msgpackCodec: Codec = {
  subprotocol: 'troupe.v1.msgpack' satisfies Subprotocol,
  binary: true,
  decode(frame: Uint8Array | string): unknown {
    if (typeof frame === 'string') {
      throw new DecodeError('undecodable msgpack: text frame on a binary subprotocol');
    }
    return unpackMsgpack(frame);
  },
  encode(msg: ServerMessage | ServerMessage[]): Uint8Array {
    return packMsgpack(msg);
  },
  encodeEvents(msg: ServerMessage | ServerMessage[]): Uint8Array {
    return packMsgpackEvents(msg);
  },
};
