/**
 * Input an adversarial probe used against troupe (issue 8), shared by the tests that replay it
 * and by the `hostile` bench's attackers: values that decode but that no codec can re-encode.
 */
import { packMsgpack } from '../protocol/msgpack';

/** msgpack ext 0x42 holding a 128-bit integer: decodes as a bigint msgpack cannot re-encode. */
export const WIDE_BIGINT = Buffer.from('d8427f' + '7f'.repeat(15), 'hex');

/** 2,000 nested one-element arrays around 1: msgpackr decodes it, re-encoding overflows. */
export const DEEP_MSGPACK = Buffer.concat([Buffer.alloc(2000, 0x91), Buffer.from([0x01])]);

/** `depth` arrays nested around `inner`. */
export function nested(depth: number, inner: unknown = 0): unknown {
  let v = inner;
  for (let i = 0; i < depth; i++) v = [v];
  return v;
}

/** `msg` packed as msgpack with a field `data` whose bytes are `raw` as they are. */
export function withRawData(msg: Record<string, unknown>, raw: Uint8Array): Buffer {
  const bytes = packMsgpack({ ...msg, data: 0 });
  // `data` packs last, as the single byte 0x00: swap that byte for the raw value.
  if (bytes[bytes.length - 1] !== 0x00) throw new Error('data must pack last, as 0');
  return Buffer.concat([bytes.subarray(0, bytes.length - 1), raw]);
}
