/**
 * The msgpack `ev` frame of one topic's events whose data are all publisher bytes
 * (`RawMsgpack`), written by hand: the envelope is the same few keys every time, and the data
 * is copied as it came, so the frame is one buffer filled front to back with no encoder walk.
 *
 * Bytes are msgpackr's for the same message (`{op, topic, seq, epoch, data}` as `ev()` builds
 * it): a fixmap of five, keys in that order, the shortest string and integer forms, a seq past
 * 32 bits as float64. raw-ev-frame.test.ts holds the two writers to the same bytes.
 */
import type { EventPayload } from './codec';
import { writeLatin1 } from './latin1';
import { RawMsgpack } from './raw-msgpack';

/** `85 a2 "op" a2 "ev" a5 "topic"`: the start of every event's map. */
const HEAD = Buffer.from([
  0x85, 0xa2, 0x6f, 0x70, 0xa2, 0x65, 0x76, 0xa5, 0x74, 0x6f, 0x70, 0x69, 0x63,
]);
const SEQ_KEY = Buffer.from([0xa3, 0x73, 0x65, 0x71]);
const EPOCH_KEY = Buffer.from([0xa5, 0x65, 0x70, 0x6f, 0x63, 0x68]);
const DATA_KEY = Buffer.from([0xa4, 0x64, 0x61, 0x74, 0x61]);

/** Every char of `s` is printable ASCII (a loop: cheaper than a regex test on a few chars). */
function printableAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

/**
 * True when the frame can be written by hand: every event's data is publisher bytes, and topic
 * and epoch are printable ASCII (always, for a valid topic and an epoch this server made; the
 * check keeps a bug elsewhere from becoming wrong bytes on the wire).
 */
export function rawFrameFits(
  topic: string,
  epoch: string,
  events: ReadonlyArray<EventPayload>,
): boolean {
  for (let i = 0; i < events.length; i++) {
    if (!(events[i]!.data instanceof RawMsgpack)) return false;
  }
  return printableAscii(topic) && printableAscii(epoch);
}

/**
 * The frame: one map for one event, an array of maps for several. `topic` and `epoch` are
 * ASCII (a valid topic is; an epoch is base64url), so their latin1 bytes are their UTF-8.
 */
export function rawEvFrame(
  topic: string,
  epoch: string,
  events: ReadonlyArray<EventPayload>,
): Buffer {
  const n = events.length;
  const topicHead = strHeadLength(topic.length);
  const epochHead = strHeadLength(epoch.length);
  const fixed =
    HEAD.length +
    topicHead +
    topic.length +
    SEQ_KEY.length +
    EPOCH_KEY.length +
    epochHead +
    epoch.length +
    DATA_KEY.length;
  let size = n === 1 ? 0 : arrayHeadLength(n);
  for (let i = 0; i < n; i++) {
    size += fixed + uintLength(events[i]!.seq) + (events[i]!.data as RawMsgpack).bin.length;
  }
  const out = Buffer.allocUnsafe(size);
  let at = n === 1 ? 0 : writeArrayHead(out, n);
  // Uint8Array#set for the constant pieces and writeLatin1 for the strings: Buffer#copy and
  // Buffer#write cost more per call in their argument checks than short pieces take to copy.
  for (let i = 0; i < n; i++) {
    const e = events[i]!;
    out.set(HEAD, at);
    at = writeStr(out, at + HEAD.length, topic, topicHead);
    out.set(SEQ_KEY, at);
    at = writeUint(out, at + SEQ_KEY.length, e.seq);
    out.set(EPOCH_KEY, at);
    at = writeStr(out, at + EPOCH_KEY.length, epoch, epochHead);
    out.set(DATA_KEY, at);
    at = writeLatin1(out, at + DATA_KEY.length, (e.data as RawMsgpack).bin);
  }
  return out;
}

function strHeadLength(len: number): number {
  return len < 32 ? 1 : len < 0x100 ? 2 : len < 0x10000 ? 3 : 5;
}

function writeStr(out: Buffer, at: number, s: string, head: number): number {
  const len = s.length;
  if (head === 1) out[at] = 0xa0 | len;
  else if (head === 2) {
    out[at] = 0xd9;
    out[at + 1] = len;
  } else if (head === 3) {
    out[at] = 0xda;
    out.writeUInt16BE(len, at + 1);
  } else {
    out[at] = 0xdb;
    out.writeUInt32BE(len, at + 1);
  }
  return writeLatin1(out, at + head, s);
}

/** Bytes of a msgpack array header for `n` elements (fixarray, array 16 or array 32). */
export function arrayHeadLength(n: number): number {
  return n < 16 ? 1 : n < 0x10000 ? 3 : 5;
}

/** Writes that header at the start of `out`; returns its length. */
export function writeArrayHead(out: Buffer, n: number): number {
  if (n < 16) {
    out[0] = 0x90 | n;
    return 1;
  }
  if (n < 0x10000) {
    out[0] = 0xdc;
    out.writeUInt16BE(n, 1);
    return 3;
  }
  out[0] = 0xdd;
  out.writeUInt32BE(n, 1);
  return 5;
}

/** Bytes of a seq as msgpackr writes it: fixint, uint 8/16/32, float64 past 32 bits. */
function uintLength(v: number): number {
  return v < 0x80 ? 1 : v < 0x100 ? 2 : v < 0x10000 ? 3 : v < 0x100000000 ? 5 : 9;
}

function writeUint(out: Buffer, at: number, v: number): number {
  if (v < 0x80) {
    out[at] = v;
    return at + 1;
  }
  if (v < 0x100) {
    out[at] = 0xcc;
    out[at + 1] = v;
    return at + 2;
  }
  if (v < 0x10000) {
    out[at] = 0xcd;
    out.writeUInt16BE(v, at + 1);
    return at + 3;
  }
  if (v < 0x100000000) {
    out[at] = 0xce;
    out.writeUInt32BE(v, at + 1);
    return at + 5;
  }
  out[at] = 0xcb;
  out.writeDoubleBE(v, at + 1);
  return at + 9;
}
