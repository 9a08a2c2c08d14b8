/**
 * Publisher frames of the usual shape read straight from their bytes, with `data` kept as the
 * bytes it came in (`RawMsgpack`): a `pub` map, or an array of them, whose keys are `op`,
 * `topic`, `id` and `data` only.
 *
 * Anything else (an `auth`, another key, a key twice, a value of an unusual encoding, data
 * `scanData` does not take, trailing bytes) is not read (`false`), and the caller decodes the
 * frame the old way: what a frame means never depends on which reader took it. Each message
 * this reader takes is handed to a sink, without an object of its own, when it is a `pub` that
 * `parsePublisherMessage` accepts as it is (same `isValidTopic`; the ids read here are all valid);
 * any other goes through `parsePublisherMessage` like a decoded one, so every check and every
 * error is the same.
 *
 *   frame bytes ──pass 1: shape, offsets (no objects)──► pass 2: topic, RawMsgpack ──► sink
 *
 * The whole frame is checked before the sink hears of its first message, so a frame left to
 * the old path has handed over nothing.
 */
import type { Parsed } from './fields';
import { parsePublisherMessage, type PublisherMessage } from './publisher';
import { RawMsgpack, scanData } from './raw-msgpack';
import { isValidTopic } from './topic';

/** Where the messages of a frame go. */
export interface PublisherSink {
  /** A `pub` that `parsePublisherMessage` accepts as it is: its fields, the data as bytes. */
  pub(topic: string, data: RawMsgpack, id: number | undefined): void;
  /** Any other message of the frame, as `parsePublisherMessage` reads it (a refusal). */
  other(p: Parsed<PublisherMessage>): void;
}

/** Messages of one frame this reader takes at most (a longer batch is decoded the old way). */
const MAX_RAW_BATCH = 1024;

/** Where the reader stands in the frame (module scratch: one frame is read at a time). */
let at = 0;

/**
 * What pass 1 found of each message (module scratch, one frame at a time): offsets of the
 * topic's and data's bytes (-1: absent), the id (-1: absent or nil), whether `op` was there.
 * Float64: offsets of a frame in a buffer of up to 4 GiB and ids up to 2^32 - 1 fit exactly.
 */
const topicStart = new Float64Array(MAX_RAW_BATCH);
const topicEnd = new Float64Array(MAX_RAW_BATCH);
const dataStart = new Float64Array(MAX_RAW_BATCH);
const dataEnd = new Float64Array(MAX_RAW_BATCH);
const ids = new Float64Array(MAX_RAW_BATCH);
const hasOp = new Uint8Array(MAX_RAW_BATCH);

/**
 * Reads the frame `p[start, end)` into `sink`, message by message; false (and nothing handed
 * over) when it is not of the usual shape. The sink must not read another frame meanwhile.
 */
export function readPublisherFrame(
  p: Buffer,
  start: number,
  end: number,
  sink: PublisherSink,
): boolean {
  if (end <= start) return false;
  const t = p[start]!;
  let n: number;
  if ((t >= 0x80 && t < 0x90) || t === 0xde) {
    n = 1;
    at = start;
    if (!readPub(p, end, 0) || at !== end) return false;
  } else {
    if (t > 0x90 && t < 0xa0) {
      n = t & 0x0f;
      at = start + 1;
    } else if (t === 0xdc && end - start >= 3) {
      n = (p[start + 1]! << 8) | p[start + 2]!;
      at = start + 3;
    } else {
      return false; // an empty batch, anything else: decoded the old way
    }
    if (n === 0 || n > MAX_RAW_BATCH) return false;
    for (let i = 0; i < n; i++) if (!readPub(p, end, i)) return false;
    if (at !== end) return false;
  }
  for (let i = 0; i < n; i++) {
    const topic = topicStart[i]! < 0 ? undefined : p.toString('latin1', topicStart[i], topicEnd[i]);
    const data =
      dataStart[i]! < 0
        ? undefined
        : new RawMsgpack(p.toString('latin1', dataStart[i], dataEnd[i]));
    const id = ids[i]! < 0 ? undefined : ids[i];
    if (hasOp[i] === 1 && data !== undefined && isValidTopic(topic)) sink.pub(topic, data, id);
    else sink.other(parsePublisherMessage(rawPub(hasOp[i] === 1, topic, id, data)));
  }
  return true;
}

/** A `pub` as `parsePublisherMessage` reads it, for a caller that needs it as one message. */
export function parsedPub(
  topic: string,
  data: RawMsgpack,
  id: number | undefined,
): Parsed<PublisherMessage> {
  return parsePublisherMessage(rawPub(true, topic, id, data));
}

/** The frame's messages, or `undefined` when it is not of the usual shape (see above). */
export function parsePublisherFrameRaw(p: Buffer): Parsed<PublisherMessage>[] | undefined {
  const out: Parsed<PublisherMessage>[] = [];
  const sink: PublisherSink = {
    pub: (topic, data, id) => out.push(parsedPub(topic, data, id)),
    other: (m) => out.push(m),
  };
  return readPublisherFrame(p, 0, p.length, sink) ? out : undefined;
}

/** The map the decoder would have made of the message (only its keys that were there). */
function rawPub(
  op: boolean,
  topic: string | undefined,
  id: number | undefined,
  data: RawMsgpack | undefined,
): Record<string, unknown> {
  const m: Record<string, unknown> = {};
  if (op) m.op = 'pub';
  if (topic !== undefined) m.topic = topic;
  if (id !== undefined) m.id = id;
  if (data !== undefined) m.data = data;
  return m;
}

const OP = 1;
const ID = 2;
const TOPIC = 4;
const DATA = 8;

/**
 * One map of known keys at `at` (fixmap, or map 16 as msgpackr writes every map by default),
 * noted as message `i`; false when it is not one.
 */
function readPub(p: Buffer, end: number, i: number): boolean {
  if (at >= end) return false;
  const t = p[at]!;
  let n: number;
  if (t >= 0x80 && t < 0x90) {
    n = t & 0x0f;
    at++;
  } else if (t === 0xde && at + 3 <= end) {
    n = (p[at + 1]! << 8) | p[at + 2]!;
    if (n > 4) return false; // a known key twice at least
    at += 3;
  } else {
    return false;
  }
  let seen = 0;
  topicStart[i] = -1;
  dataStart[i] = -1;
  ids[i] = -1;
  hasOp[i] = 0;
  for (let k = 0; k < n; k++) {
    // Keys: fixstr of 2 to 5 ASCII bytes, told apart by length and first byte.
    if (at >= end) return false;
    const len = p[at]! - 0xa0;
    if (len < 2 || len > 5 || at + 1 + len > end) return false;
    const key = keyOf(p, at + 1, len);
    at += 1 + len;
    if (key === 0 || (seen & key) !== 0) return false;
    seen |= key;
    switch (key) {
      case OP:
        if (!readPubOp(p, end)) return false;
        hasOp[i] = 1;
        break;
      case ID: {
        const id = readId(p, end);
        if (id === undefined) return false;
        ids[i] = id === null ? -1 : id;
        break;
      }
      case TOPIC:
        if (!readAscii(p, end, i)) return false;
        break;
      default: {
        const stop = scanData(p, at, end);
        if (stop < 0) return false;
        dataStart[i] = at;
        dataEnd[i] = stop;
        at = stop;
      }
    }
  }
  return true;
}

/** OP, ID, TOPIC or DATA for those `k` bytes, 0 for any other key. */
function keyOf(p: Buffer, from: number, k: number): number {
  if (k === 2) {
    const a = p[from]!;
    const b = p[from + 1]!;
    if (a === 0x6f && b === 0x70) return OP;
    return a === 0x69 && b === 0x64 ? ID : 0;
  }
  if (k === 5) {
    return p[from] === 0x74 &&
      p[from + 1] === 0x6f &&
      p[from + 2] === 0x70 &&
      p[from + 3] === 0x69 &&
      p[from + 4] === 0x63
      ? TOPIC
      : 0;
  }
  if (k === 4) {
    return p[from] === 0x64 && p[from + 1] === 0x61 && p[from + 2] === 0x74 && p[from + 3] === 0x61
      ? DATA
      : 0;
  }
  return 0;
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

/** A fixstr or str 8 of printable ASCII (every valid topic is), noted as message `i`'s topic. */
function readAscii(p: Buffer, end: number, i: number): boolean {
  if (at >= end) return false;
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
    return false;
  }
  const stop = start + len;
  if (stop > end) return false;
  for (let c = start; c < stop; c++) {
    const b = p[c]!;
    if (b < 0x20 || b > 0x7e) return false;
  }
  topicStart[i] = start;
  topicEnd[i] = stop;
  at = stop;
  return true;
}
