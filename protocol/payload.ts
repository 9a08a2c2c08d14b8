/**
 * What an event's `data` may be (PROTOCOL.md §11): a value both subprotocols carry as it is, so
 * every subscriber of a topic, msgpack or JSON, can be sent every event that was accepted.
 *
 * Checked once, where a publish enters the cluster (client `pub`, publisher TCP, HTTP, and an
 * inter-node link, which is an edge too: a peer is not trusted to have checked). A refused value
 * never reaches a topic's history.
 *
 * Accepted: `null`, booleans, finite numbers, strings, byte strings (msgpack `bin`, JSON
 * `{"$bin": base64}`), arrays and plain maps of those, nested at most `MAX_DATA_DEPTH` levels.
 * A map entry whose value is `undefined` is allowed, and left out of the value that goes on
 * (`data` of the result): JSON cannot carry it, and the msgpack writer of `ev` frames
 * (`packMsgpackEvents`) does not skip it, so no accepted event holds one.
 * Refused, with the reason:
 * - nesting deeper than `MAX_DATA_DEPTH` (a deep value costs a stack frame per level in every
 *   encoder, and about 2,000 levels overflow msgpackr's);
 * - `bigint` (msgpackr's extension 0x42 decodes integers of any width; the wire has 64 bits and
 *   JSON numbers have 53, so no subscriber could be sent it unchanged);
 * - any other msgpack extension (timestamps decode to `Date`, `undefined` in an array): JSON has
 *   no form for them;
 * - NaN and ±Infinity: JSON has no form for them either (`JSON.stringify` writes `null`).
 *
 * The walk also sizes the value, for the history's byte bound: an estimate of what the decoded
 * value holds in the heap, not of its encoded bytes. Callers pass that size on with the value
 * (`PublishItem.bytes`), so a payload is walked once on its way into a topic's history.
 *
 * One walk, no copy in the common case: the walk only notes that it met an `undefined` map
 * value, and only then is a copy made (`stripUndefined`), of the maps and arrays on the way to
 * one; everything else is shared with the input.
 */

import { RawMsgpack } from './raw-msgpack';

/** Deepest nesting of arrays and maps in `data` (a scalar is depth 0, `[]` depth 1). */
export const MAX_DATA_DEPTH = 64;

/** Estimated heap bytes of fixed parts of a decoded value (V8, 64-bit, pointer compression). */
const SIZE = { scalar: 8, string: 16, array: 16, map: 24, slot: 8, bin: 96 } as const;

export type PayloadCheck =
  | {
      readonly ok: true;
      /** The estimated heap size of `data`. */
      readonly bytes: number;
      /** The value to pass on: the input itself, or a copy without its `undefined` map values. */
      readonly data: unknown;
    }
  | { readonly ok: false; readonly msg: string };

/** Thrown inside the walk; caught at its top, never seen by callers. */
class Refused {
  constructor(readonly msg: string) {}
}

/** Set by `walk` when it leaves out an `undefined` map value; read right after each walk. */
let sawUndefined = false;

/** Checks `data` as described above; never throws. */
export function checkPayload(data: unknown): PayloadCheck {
  sawUndefined = false;
  try {
    const bytes = walk(data, 0);
    return { ok: true, bytes, data: sawUndefined ? stripUndefined(data) : data };
  } catch (e) {
    if (e instanceof Refused) return { ok: false, msg: `field 'data': ${e.msg}` };
    throw e;
  }
}

/** The estimated heap size of an already checked payload (0 for anything it cannot size). */
export function payloadBytes(data: unknown): number {
  const c = checkPayload(data);
  return c.ok ? c.bytes : 0;
}

function walk(v: unknown, depth: number): number {
  switch (typeof v) {
    case 'string':
      return SIZE.string + v.length;
    case 'number':
      if (!Number.isFinite(v))
        throw new Refused(`${String(v)} cannot be carried (JSON has no form for it)`);
      return SIZE.scalar;
    case 'boolean':
      return SIZE.scalar;
    case 'bigint':
      throw new Refused(
        'a msgpack bigint (extension 0x42) is not accepted: integers must fit 64 bits',
      );
    case 'undefined':
      throw new Refused('undefined (msgpack extension 0) is not accepted inside an array');
    case 'object':
      break;
    default:
      throw new Refused(`a ${typeof v} cannot be carried`);
  }
  if (v === null) return SIZE.scalar;
  if (v instanceof Uint8Array) return SIZE.bin + v.byteLength;
  // Bytes a publisher sent, checked by `scanData` where they came in (raw-msgpack.ts).
  if (v instanceof RawMsgpack) return v.heapBytes;
  if (depth >= MAX_DATA_DEPTH) {
    throw new Refused(`nested deeper than ${MAX_DATA_DEPTH} levels`);
  }
  if (Array.isArray(v)) {
    let bytes = SIZE.array;
    for (let i = 0; i < v.length; i++) bytes += SIZE.slot + walk(v[i], depth + 1);
    return bytes;
  }
  const proto: unknown = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) {
    const name =
      v instanceof Date ? 'a timestamp (msgpack extension -1)' : 'a msgpack extension value';
    throw new Refused(`${name} is not accepted`);
  }
  let bytes = SIZE.map;
  const map = v as Record<string, unknown>;
  for (const key in map) {
    const value = map[key];
    if (value === undefined) {
      sawUndefined = true; // left out of what goes on
      continue;
    }
    bytes += SIZE.slot + SIZE.string + key.length + walk(value, depth + 1);
  }
  return bytes;
}

/**
 * `v` without its `undefined` map values, at any depth; maps and arrays that hold none are
 * shared, not copied. Only for a value `walk` accepted (so at most `MAX_DATA_DEPTH` deep).
 */
function stripUndefined(v: unknown): unknown {
  if (typeof v !== 'object' || v === null || v instanceof Uint8Array) return v;
  if (Array.isArray(v)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < v.length; i++) {
      const s = stripUndefined(v[i]);
      if (s !== v[i] && out === undefined) out = v.slice(0, i);
      out?.push(s);
    }
    return out ?? v;
  }
  const map = v as Record<string, unknown>;
  let out: Record<string, unknown> | undefined;
  let kept = 0;
  for (const key in map) {
    const value = map[key];
    if (value === undefined) {
      out ??= copyFirst(map, kept);
      continue;
    }
    const s = stripUndefined(value);
    if (out === undefined && s !== value) out = copyFirst(map, kept);
    kept++;
    if (out !== undefined) define(out, key, s);
  }
  return out ?? v;
}

/** A fresh map holding the first `n` entries of `map` (none of them `undefined`). */
function copyFirst(map: Record<string, unknown>, n: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  let i = 0;
  for (const key in map) {
    if (i === n) break;
    const value = map[key];
    if (value === undefined) continue;
    define(out, key, value);
    i++;
  }
  return out;
}

/** `out[key] = value`, also for a key `__proto__` (an own entry, as JSON.parse makes it). */
function define(out: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(out, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  } else {
    out[key] = value;
  }
}
