/**
 * The one msgpack configuration of troupe, shared by the client codec and the TCP framing, so a
 * value means the same on every link.
 *
 * - `useRecords: false`, `mapsAsObjects: true`: plain msgpack maps on the wire, never msgpackr's
 *   record extension, so clients in other languages read every frame with a stock library.
 * - `int64AsType: 'number'`: 64-bit integers decode as numbers (validation then rejects ids and
 *   seqs above `Number.MAX_SAFE_INTEGER` instead of meeting a `bigint` it did not expect).
 * - `copyBuffers: true`: `bin` values are copied out of the frame. Everything else decodes to
 *   fresh strings and numbers anyway, so the decoded value never aliases the frame: the gateway
 *   may decode straight from a uWebSockets.js buffer that is neutered when its handler returns,
 *   and a small payload kept in a history does not pin a whole 64 KiB read buffer.
 * - `structuredClone: false`: msgpackr's reference extensions would let a peer build a cyclic
 *   value that then blows the stack when it is re-encoded for every subscriber.
 * - `skipValues: [undefined]`: a map entry whose value is `undefined` is left out, as
 *   `JSON.stringify` does, so both codecs put the same fields on the wire.
 *
 * `ev` and `presence` frames, the fan-out's bulk, are written by a second Packr without
 * `skipValues` and with `variableMapSize: true` (`packMsgpackEvents`): the same bytes for a value
 * that holds no `undefined` map value (the same preferred-size map headers), from msgpackr's
 * faster map writer (`Object.keys` instead of `for..in`, `hasOwnProperty` and `includes` per
 * key; load-tests/profiles/RESULTS.md, "ev frames"). Every payload is stripped of `undefined` map
 * values where it enters (`payload.ts`), so nothing is lost; an `undefined` that still reached it
 * would go out as msgpack's fixext `d4 00 00`.
 *
 * Integers above 2^32 - 1 are written as float64 (msgpackr's encoding); receivers must accept an
 * integral float where they expect an integer. Ids and seqs that large do not occur in practice.
 */
import { C1, type Options, Packr } from 'msgpackr';
import { DecodeError } from './errors';

const base: Options = {
  useRecords: false,
  mapsAsObjects: true,
  int64AsType: 'number',
  copyBuffers: true,
  structuredClone: false,
};
// `skipValues` is a real msgpackr option missing from its typings (2.1.4), hence the variable:
// it keeps the literal out of TypeScript's excess-property check.
const options: Options & { skipValues: unknown[] } = { ...base, skipValues: [undefined] };
const packr = new Packr(options);
const eventPackr = new Packr({ ...base, variableMapSize: true });

/** Encodes one value. The result may be a view into msgpackr's shared output slab: do not write to it. */
export function packMsgpack(value: unknown): Buffer {
  return packr.pack(value);
}

/**
 * Encodes an `ev` or `presence` message, or a batch of them, whose data holds no `undefined`
 * map value (checked payloads are stripped of them at ingress). Same result caveat as
 * `packMsgpack`.
 */
export function packMsgpackEvents(value: unknown): Buffer {
  return eventPackr.pack(value);
}

/**
 * Decodes exactly one msgpack value that spans all of `bytes` (trailing bytes are an error, not a
 * second message). Throws only `DecodeError`.
 */
export function unpackMsgpack(bytes: Uint8Array): unknown {
  let value: unknown;
  try {
    value = packr.unpack(bytes);
  } catch (cause) {
    // msgpackr throws plain Errors (and RangeError on absurd nesting); callers only see DecodeError.
    throw new DecodeError(`undecodable msgpack: ${describe(cause)}`, { cause });
  }
  // 0xc1 is "never used" in the msgpack spec; msgpackr returns a marker instead of failing.
  if (value === C1) throw new DecodeError('undecodable msgpack: reserved byte 0xc1');
  return value;
}

function describe(cause: unknown): string {
  const text = cause instanceof Error ? cause.message : String(cause);
  // msgpackr appends a JSON preview of the decoded value; keep the reason short and data-free.
  const preview = text.indexOf(' {');
  return preview > 0 ? text.slice(0, preview) : text.slice(0, 100);
}
