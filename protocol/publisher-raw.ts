/**
 * Publisher frames of the usual shape read straight from their bytes, with `data` kept as the
 * bytes it came in (`RawMsgpack`): a `pub` map, or an array of them, whose keys are `op`,
 * `topic`, `id` and `data` only.
 *
 * Anything else (an `auth`, another key, a key twice, a value of an unusual encoding, data
 * `scanData` does not take, trailing bytes) answers `undefined`, and the caller decodes the
 * frame the old way: what a frame means never depends on which reader took it. A frame this
 * reader takes goes through `parsePublisherMessage` like a decoded one, so every check and
 * every error is the same.
 */
import type { Parsed } from './fields';
import { parsePublisherMessage, type PublisherMessage } from './publisher';
import { RawMsgpack, scanData } from './raw-msgpack';

/** Messages of one frame this reader takes at most (a longer batch is decoded the old way). */
const MAX_RAW_BATCH = 1024;

/** Where the reader stands in the frame (module scratch: one frame is read at a time). */
let at = 0;

/** The frame's messages, or `undefined` when it is not of the usual shape (see above). */
export function parsePublisherFrameRaw(p: Buffer): Parsed<PublisherMessage>[] | undefined {
  const end = p.length;
  if (end === 0) return undefined;
  const t = p[0]!;
  let n: number;
  if ((t >= 0x80 && t < 0x90) || t === 0xde) {
    at = 0;
    const one = readPub(p, end);
    return one !== undefined && at === end ? [parsePublisherMessage(one)] : undefined;
  }
  if (t > 0x90 && t < 0xa0) {
    n = t & 0x0f;
    at = 1;
  } else if (t === 0xdc && end >= 3) {
    n = (p[1]! << 8) | p[2]!;
    at = 3;
  } else {
    return undefined; // an empty batch, anything else: decoded the old way
  }
  if (n === 0 || n > MAX_RAW_BATCH) return undefined;
  const out = new Array<Parsed<PublisherMessage>>(n);
  for (let i = 0; i < n; i++) {
    const m = readPub(p, end);
    if (m === undefined) return undefined;
    out[i] = parsePublisherMessage(m);
  }
  return at === end ? out : undefined;
}

interface RawPub {
  op?: string;
  topic?: string;
  id?: number | null;
  data?: RawMsgpack;
}

/**
 * One map of known keys at `at` (fixmap, or map 16 as msgpackr writes every map by default),
 * or undefined.
 */
function readPub(p: Buffer, end: number): RawPub | undefined {
  if (at >= end) return undefined;
  const t = p[at]!;
  let n: number;
  if (t >= 0x80 && t < 0x90) {
    n = t & 0x0f;
    at++;
  } else if (t === 0xde && at + 3 <= end) {
    n = (p[at + 1]! << 8) | p[at + 2]!;
    if (n > 4) return undefined; // a known key twice at least
    at += 3;
  } else {
    return undefined;
  }
  const m: RawPub = {};
  for (let i = 0; i < n; i++) {
    // Keys: fixstr of 2 to 5 ASCII bytes, told apart by length and first byte.
    if (at >= end) return undefined;
    const k = p[at]! - 0xa0;
    if (k < 2 || k > 5 || at + 1 + k > end) return undefined;
    const key = keyOf(p, at + 1, k);
    at += 1 + k;
    switch (key) {
      case 'op':
        if (m.op !== undefined || !readPubOp(p, end)) return undefined;
        m.op = 'pub';
        break;
      case 'id':
        if (m.id !== undefined) return undefined;
        m.id = readId(p, end);
        if (m.id === undefined) return undefined;
        break;
      case 'topic': {
        if (m.topic !== undefined) return undefined;
        const topic = readAscii(p, end);
        if (topic === undefined) return undefined;
        m.topic = topic;
        break;
      }
      case 'data': {
        if (m.data !== undefined) return undefined;
        const stop = scanData(p, at, end);
        if (stop < 0) return undefined;
        m.data = new RawMsgpack(p.toString('latin1', at, stop));
        at = stop;
        break;
      }
      default:
        return undefined;
    }
  }
  return m;
}

/** 'op', 'id', 'topic' or 'data' for those `k` bytes, '' for any other key. */
function keyOf(p: Buffer, from: number, k: number): string {
  if (k === 2) {
    const a = p[from]!;
    const b = p[from + 1]!;
    if (a === 0x6f && b === 0x70) return 'op';
    return a === 0x69 && b === 0x64 ? 'id' : '';
  }
  if (k === 5) {
    return p[from] === 0x74 &&
      p[from + 1] === 0x6f &&
      p[from + 2] === 0x70 &&
      p[from + 3] === 0x69 &&
      p[from + 4] === 0x63
      ? 'topic'
      : '';
  }
  if (k === 4) {
    return p[from] === 0x64 && p[from + 1] === 0x61 && p[from + 2] === 0x74 && p[from + 3] === 0x61
      ? 'data'
      : '';
  }
  return '';
}

/** The value `"pub"` (fixstr) at `at`. */
function readPubOp(p: Buffer, end: number): boolean {
  if (at + 4 > end) return false;
  const ok = p[at] === 0xa3 && p[at + 1] === 0x70 && p[at + 2] === 0x75 && p[at + 3] === 0x62;
  at += 4;
  return ok;
}

/** An id of fixint or uint 8/16/32, or nil (an absent id); undefined for anything else. */
function readId(p: Buffer, end: number): number | null | undefined {
  if (at >= end) return undefined;
  const t = p[at]!;
  if (t < 0x80) {
    at++;
    return t;
  }
  if (t === 0xc0) {
    at++;
    return null;
  }
  if (t === 0xcc && at + 2 <= end) {
    at += 2;
    return p[at - 1]!;
  }
  if (t === 0xcd && at + 3 <= end) {
    at += 3;
    return (p[at - 2]! << 8) | p[at - 1]!;
  }
  if (t === 0xce && at + 5 <= end) {
    at += 5;
    return p.readUInt32BE(at - 4);
  }
  return undefined;
}

/** A fixstr or str 8 of printable ASCII (every valid topic is), or undefined. */
function readAscii(p: Buffer, end: number): string | undefined {
  if (at >= end) return undefined;
  const t = p[at]!;
  let start: number;
  let len: number;
  if (t >= 0xa0 && t < 0xc0) {
    start = at + 1;
    len = t & 0x1f;
  } else if (t === 0xd9 && at + 2 <= end) {
    start = at + 2;
    len = p[at + 1]!;
  } else {
    return undefined;
  }
  const stop = start + len;
  if (stop > end) return undefined;
  for (let i = start; i < stop; i++) {
    const c = p[i]!;
    if (c < 0x20 || c > 0x7e) return undefined;
  }
  at = stop;
  return p.toString('latin1', start, stop);
}
