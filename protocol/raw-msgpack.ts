/**
 * An event's `data` kept as the msgpack bytes a publisher sent, never decoded on the hot path.
 *
 *   publisher frame ──scanData (checks, no objects)──► RawMsgpack ──► history, gateway
 *     msgpack `ev` frame: its bytes spliced in as they came (msgpackr extension, no header)
 *     JSON `ev` frame, HTTP history: decoded when written (`value`, `toJSON`)
 *
 * Decoding each payload into objects and encoding it again for every batch was about a quarter
 * of a many-topics node's busy time (CPU-profile samples: msgpackr's decode ~9%, its encode of
 * `ev` frames ~16%; load-tests/profiles/RESULTS.md, fifth session of 2026-12-02). Centrifugo
 * and NATS carry payloads as bytes for the same reason.
 *
 * `scanData` takes only what it can prove every codec carries unchanged, and says "not mine"
 * (-1) for anything else, so the caller decodes that payload the old way and `checkPayload`
 * gives its usual answer (or its usual refusal):
 * - nil, booleans, integers of at most 32 bits, finite float64, strings of valid UTF-8, bin;
 * - arrays, and maps whose keys are distinct strings other than `__proto__` (at most
 *   MAX_SCANNED_KEYS per map), nested at most MAX_DATA_DEPTH levels.
 * Not taken: float32 (msgpackr rounds it when decoding), 64-bit integers (written back as
 * float64 today), extensions (`undefined` among them), 0xc1, invalid UTF-8, duplicate keys.
 *
 * The bytes are held as a latin1 string: one flat, pointer-free object the GC never scans,
 * with no pooled buffer behind it that a long-held event could keep alive.
 */
import { isUtf8 } from 'node:buffer';
import { addExtension } from 'msgpackr';
import { unpackMsgpack } from './msgpack';

/** Deepest nesting `scanData` takes (payload.ts's MAX_DATA_DEPTH: the same bound). */
const MAX_DEPTH = 64;
/** Keys per map `scanData` checks for duplicates pairwise; past it the payload is decoded. */
export const MAX_SCANNED_KEYS = 16;
/** msgpackr needs a type to register a class; nothing with it ever goes on the wire. */
const EXT_TYPE = 0x5f;
/** Heap bytes of the RawMsgpack object and its string's header (V8, pointer compression). */
const RAW_OVERHEAD = 32;

export class RawMsgpack {
  /** @param bin the msgpack bytes of one value, as latin1 (one char per byte). */
  constructor(readonly bin: string) {}

  /**
   * The value, decoded now. Not kept by the event (a held event stays its bytes); the last
   * MEMO_ENTRIES values decoded in the process (of at most MEMO_MAX_BYTES each) are remembered,
   * so SSE, whose frames are written per connection, decodes a batch once for all of its
   * subscribers. Callers must not change the value.
   */
  get value(): unknown {
    for (let i = 0; i < MEMO_ENTRIES; i++) if (memoRaw[i] === this) return memoValue[i];
    const value = unpackMsgpack(Buffer.from(this.bin, 'latin1'));
    if (this.bin.length <= MEMO_MAX_BYTES) {
      memoRaw[memoNext] = this;
      memoValue[memoNext] = value;
      memoNext = (memoNext + 1) % MEMO_ENTRIES;
    }
    return value;
  }

  /** What JSON.stringify writes for it: the value. */
  toJSON(): unknown {
    return this.value;
  }

  /** Estimated heap bytes (the history's byte bound). */
  get heapBytes(): number {
    return RAW_OVERHEAD + this.bin.length;
  }
}

/**
 * msgpackr calls an extension's `pack` with a way to reserve bytes in its own output; a `pack`
 * that writes there and returns nothing adds no extension header (its typings name only the
 * first parameter).
 */
type RawPack = (
  raw: RawMsgpack,
  reserve: (size: number) => { target: Buffer; position: number },
) => undefined;

const packRaw: RawPack = (raw, reserve) => {
  const { target, position } = reserve(raw.bin.length);
  target.write(raw.bin, position, 'latin1');
  return undefined;
};

/** Decoded values remembered (a ring), and the largest payload remembered: at most 1 MiB held. */
const MEMO_ENTRIES = 16;
const MEMO_MAX_BYTES = 64 * 1024;
const memoRaw: (RawMsgpack | undefined)[] = new Array<RawMsgpack | undefined>(MEMO_ENTRIES);
const memoValue: unknown[] = new Array<unknown>(MEMO_ENTRIES);
let memoNext = 0;

// Every Packr writes a RawMsgpack as its bytes, with no extension header around them.
addExtension({
  Class: RawMsgpack,
  type: EXT_TYPE,
  pack: packRaw as unknown as (value: unknown) => Buffer,
  unpack(): never {
    throw new Error(`msgpack extension ${EXT_TYPE} is not accepted`);
  },
});

/**
 * End (exclusive) of the one msgpack value at `pos`, or -1 when it is not one `scanData`
 * takes (see above) or runs past `end`.
 */
export function scanData(b: Uint8Array, pos: number, end: number): number {
  return scan(b, pos, end, 0);
}

function scan(b: Uint8Array, pos: number, end: number, depth: number): number {
  if (pos >= end) return -1;
  const t = b[pos]!;
  if (t < 0x80 || t >= 0xe0) return pos + 1; // fixint
  if (t < 0x90) return scanMap(b, pos + 1, end, t & 0x0f, depth);
  if (t < 0xa0) return scanArray(b, pos + 1, end, t & 0x0f, depth);
  if (t < 0xc0) return scanStr(b, pos + 1, end, t & 0x1f);
  switch (t) {
    case 0xc0: // nil
    case 0xc2: // false
    case 0xc3: // true
      return pos + 1;
    case 0xc4: // bin 8
      return pos + 2 <= end ? fits(pos + 2 + b[pos + 1]!, end) : -1;
    case 0xc5: // bin 16
      return pos + 3 <= end ? fits(pos + 3 + u16(b, pos + 1), end) : -1;
    case 0xc6: // bin 32
      return pos + 5 <= end ? fits(pos + 5 + u32(b, pos + 1), end) : -1;
    case 0xcb: {
      // float64: finite only (the exponent is not all ones)
      if (pos + 9 > end) return -1;
      const exp = ((b[pos + 1]! & 0x7f) << 4) | (b[pos + 2]! >> 4);
      return exp === 0x7ff ? -1 : pos + 9;
    }
    case 0xcc: // uint 8
    case 0xd0: // int 8
      return fits(pos + 2, end);
    case 0xcd: // uint 16
    case 0xd1: // int 16
      return fits(pos + 3, end);
    case 0xce: // uint 32
    case 0xd2: // int 32
      return fits(pos + 5, end);
    case 0xd9: // str 8
      return pos + 2 <= end ? scanStr(b, pos + 2, end, b[pos + 1]!) : -1;
    case 0xda: // str 16
      return pos + 3 <= end ? scanStr(b, pos + 3, end, u16(b, pos + 1)) : -1;
    case 0xdb: // str 32
      return pos + 5 <= end ? scanStr(b, pos + 5, end, u32(b, pos + 1)) : -1;
    case 0xdc: // array 16
      return pos + 3 <= end ? scanArray(b, pos + 3, end, u16(b, pos + 1), depth) : -1;
    case 0xdd: // array 32
      return pos + 5 <= end ? scanArray(b, pos + 5, end, u32(b, pos + 1), depth) : -1;
    case 0xde: // map 16
      return pos + 3 <= end ? scanMap(b, pos + 3, end, u16(b, pos + 1), depth) : -1;
    case 0xdf: // map 32
      return pos + 5 <= end ? scanMap(b, pos + 5, end, u32(b, pos + 1), depth) : -1;
    default:
      // float32, 64-bit integers, extensions, 0xc1
      return -1;
  }
}

function fits(next: number, end: number): number {
  return next <= end ? next : -1;
}

function u16(b: Uint8Array, at: number): number {
  return (b[at]! << 8) | b[at + 1]!;
}

function u32(b: Uint8Array, at: number): number {
  return b[at]! * 0x1000000 + ((b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!);
}

/** A string of `len` bytes at `pos`: valid UTF-8 (an ASCII run is checked in place). */
function scanStr(b: Uint8Array, pos: number, end: number, len: number): number {
  const stop = pos + len;
  if (stop > end) return -1;
  for (let i = pos; i < stop; i++) {
    if (b[i]! >= 0x80) return isUtf8(b.subarray(pos, stop)) ? stop : -1;
  }
  return stop;
}

function scanArray(b: Uint8Array, pos: number, end: number, n: number, depth: number): number {
  if (depth >= MAX_DEPTH || n > end - pos) return -1; // each element takes a byte at least
  for (let i = 0; i < n; i++) {
    pos = scan(b, pos, end, depth + 1);
    if (pos < 0) return -1;
  }
  return pos;
}

/** Key start and end offsets of the map being scanned, per depth (reused, never shrunk). */
const keyStarts: number[] = [];
const keyEnds: number[] = [];

function scanMap(b: Uint8Array, pos: number, end: number, n: number, depth: number): number {
  if (depth >= MAX_DEPTH || n > MAX_SCANNED_KEYS) return -1;
  const base = depth * MAX_SCANNED_KEYS;
  for (let i = 0; i < n; i++) {
    if (pos >= end) return -1;
    const t = b[pos]!;
    let start: number;
    if (t >= 0xa0 && t < 0xc0) start = pos + 1;
    else if (t === 0xd9 && pos + 2 <= end) start = pos + 2;
    else return -1; // a key that is not a short string: decoded the old way
    const stop = scanStr(b, start, end, t === 0xd9 ? b[pos + 1]! : t & 0x1f);
    if (stop < 0 || isProto(b, start, stop)) return -1;
    for (let k = 0; k < i; k++) {
      if (sameBytes(b, keyStarts[base + k]!, keyEnds[base + k]!, start, stop)) return -1;
    }
    keyStarts[base + i] = start;
    keyEnds[base + i] = stop;
    pos = scan(b, stop, end, depth + 1);
    if (pos < 0) return -1;
  }
  return pos;
}

function sameBytes(b: Uint8Array, s1: number, e1: number, s2: number, e2: number): boolean {
  if (e1 - s1 !== e2 - s2) return false;
  for (let i = 0; i < e1 - s1; i++) if (b[s1 + i] !== b[s2 + i]) return false;
  return true;
}

const PROTO = Buffer.from('__proto__', 'latin1');

function isProto(b: Uint8Array, start: number, stop: number): boolean {
  if (stop - start !== PROTO.length) return false;
  for (let i = 0; i < PROTO.length; i++) if (b[start + i] !== PROTO[i]) return false;
  return true;
}
