/**
 * The two subprotocols of PROTOCOL.md §2: msgpack in binary frames (the default) and JSON in
 * text frames. msgpack is the client's own small encoder and decoder (`msgpack-encode.ts`,
 * `msgpack-decode.ts`), tested against msgpackr (the server's) in both directions.
 */
import type { ClientMsg } from './messages';
import { decodeMsgpack } from './msgpack-decode';
import { encodeMsgpack } from './msgpack-encode';

export const Protocol = { Msgpack: 'msgpack', Json: 'json' } as const;
export type Protocol = (typeof Protocol)[keyof typeof Protocol];

export type Frame = Uint8Array | string;

export interface Codec {
  readonly protocol: Protocol;
  /** The `Sec-WebSocket-Protocol` offered. */
  readonly subprotocol: string;
  /** Throws (TypeError, RangeError) for data it cannot encode. */
  encode(msg: ClientMsg): Frame;
  /** Throws for a frame that is not one value of this encoding. */
  decode(frame: Frame): unknown;
}

const utf8 = new TextDecoder();

const msgpack: Codec = {
  protocol: Protocol.Msgpack,
  subprotocol: 'troupe.v1.msgpack',
  encode: (msg) => encodeMsgpack(msg),
  decode: (frame) => {
    if (typeof frame === 'string') throw new TypeError('text frame on a msgpack connection');
    return decodeMsgpack(frame);
  },
};

const json: Codec = {
  protocol: Protocol.Json,
  subprotocol: 'troupe.v1.json',
  encode: (msg) => {
    // JSON.stringify turns what it cannot write (bigint, cycles) into throws, as the msgpack side does.
    return JSON.stringify(msg);
  },
  decode: (frame) => JSON.parse(typeof frame === 'string' ? frame : utf8.decode(frame)) as unknown,
};

export function codecFor(protocol: Protocol): Codec {
  return protocol === Protocol.Json ? json : msgpack;
}

/** Bytes a frame takes on the wire (a string's UTF-8 length; 3 per UTF-16 unit past ASCII, an upper bound). */
export function frameBytes(frame: Frame): number {
  if (typeof frame !== 'string') return frame.length;
  let n = 0;
  for (let i = 0; i < frame.length; i++) n += frame.charCodeAt(i) < 0x80 ? 1 : 3;
  return n;
}
