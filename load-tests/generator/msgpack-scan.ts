/**
 * Allocation-free reader for the one hot message a subscriber sees: `ev`.
 *
 * At millions of deliveries per second a full msgpack decode per event would make the generator
 * the bottleneck, so `scanFrame` walks the bytes of a frame (one map or an array of maps,
 * PROTOCOL.md §2), pulls `op`, `seq`, `topic` and the byte range of `data` out of each `ev`
 * without allocating, and hands every other message (hello, ack, err, ...) to msgpackr.
 * `scan.test.ts` checks it against msgpackr on the same bytes.
 */
import { unpackr } from './framing';

/** Reused for every `ev`; valid only during the callback. */
export interface EvView {
  seq: number;
  topicStart: number;
  topicEnd: number;
  dataStart: number;
  dataEnd: number;
}

export interface ScanSink {
  onEv(buf: Buffer, ev: EvView): void;
  onOther(message: unknown): void;
}

const K_OP = Buffer.from('op');
const K_SEQ = Buffer.from('seq');
const K_TOPIC = Buffer.from('topic');
const K_DATA = Buffer.from('data');
const V_EV = Buffer.from('ev');

/** buf[start, start + len) equals `want`. */
export function bytesEq(buf: Buffer, start: number, len: number, want: Buffer): boolean {
  if (len !== want.length) return false;
  for (let i = 0; i < len; i++) if (buf[start + i] !== want[i]) return false;
  return true;
}

const ev: EvView = { seq: -1, topicStart: 0, topicEnd: 0, dataStart: 0, dataEnd: 0 };

/** Scans buf[start, end). Throws RangeError on truncated or malformed msgpack. */
export function scanFrame(buf: Buffer, start: number, end: number, sink: ScanSink): void {
  const b = byteAt(buf, start, end);
  let count = 1;
  let pos = start;
  if (b >= 0x90 && b <= 0x9f) {
    count = b & 0x0f;
    pos += 1;
  } else if (b === 0xdc) {
    count = buf.readUInt16BE(pos + 1);
    pos += 3;
  } else if (b === 0xdd) {
    count = buf.readUInt32BE(pos + 1);
    pos += 5;
  }
  for (let i = 0; i < count; i++) pos = scanMessage(buf, pos, end, sink);
  if (pos !== end) throw new RangeError('trailing bytes after msgpack value');
}

function scanMessage(buf: Buffer, start: number, end: number, sink: ScanSink): number {
  const b = byteAt(buf, start, end);
  let pairs: number;
  let pos: number;
  if (b >= 0x80 && b <= 0x8f) {
    pairs = b & 0x0f;
    pos = start + 1;
  } else if (b === 0xde) {
    pairs = buf.readUInt16BE(start + 1);
    pos = start + 3;
  } else if (b === 0xdf) {
    pairs = buf.readUInt32BE(start + 1);
    pos = start + 5;
  } else {
    // Not a map: not an `ev`; let msgpackr say what it is.
    const after = skipValue(buf, start, end);
    sink.onOther(unpackr.unpack(buf.subarray(start, after)));
    return after;
  }
  let isEv = false;
  ev.seq = -1;
  ev.dataStart = -1;
  ev.topicStart = -1;
  for (let i = 0; i < pairs; i++) {
    const ks = strStart(buf, pos, end);
    const klen = strLen(buf, pos);
    const vpos = ks + klen;
    const vend = skipValue(buf, vpos, end);
    if (bytesEq(buf, ks, klen, K_OP)) {
      isEv = bytesEq(buf, strStart(buf, vpos, end), strLen(buf, vpos), V_EV);
    } else if (bytesEq(buf, ks, klen, K_SEQ)) {
      ev.seq = readUint(buf, vpos);
    } else if (bytesEq(buf, ks, klen, K_TOPIC)) {
      ev.topicStart = strStart(buf, vpos, end);
      ev.topicEnd = ev.topicStart + strLen(buf, vpos);
    } else if (bytesEq(buf, ks, klen, K_DATA)) {
      ev.dataStart = vpos;
      ev.dataEnd = vend;
    }
    pos = vend;
  }
  if (isEv && ev.seq >= 0 && ev.topicStart >= 0) sink.onEv(buf, ev);
  else sink.onOther(unpackr.unpack(buf.subarray(start, pos)));
  return pos;
}

function byteAt(buf: Buffer, pos: number, end: number): number {
  if (pos >= end) throw new RangeError('truncated msgpack');
  return buf[pos] as number;
}

function strStart(buf: Buffer, pos: number, end: number): number {
  const b = byteAt(buf, pos, end);
  if (b >= 0xa0 && b <= 0xbf) return pos + 1;
  if (b === 0xd9) return pos + 2;
  if (b === 0xda) return pos + 3;
  if (b === 0xdb) return pos + 5;
  throw new RangeError('expected a msgpack string');
}

function strLen(buf: Buffer, pos: number): number {
  const b = buf[pos] as number;
  if (b >= 0xa0 && b <= 0xbf) return b & 0x1f;
  if (b === 0xd9) return buf[pos + 1] as number;
  if (b === 0xda) return buf.readUInt16BE(pos + 1);
  return buf.readUInt32BE(pos + 1);
}

/**
 * Unsigned integer value at pos; -1 when it is not one. Integral floats count: msgpackr encodes
 * integers past 2^32 as float64.
 */
export function readUint(buf: Buffer, pos: number): number {
  const b = buf[pos] as number;
  if (b <= 0x7f) return b;
  switch (b) {
    case 0xcc:
      return buf[pos + 1] as number;
    case 0xcd:
      return buf.readUInt16BE(pos + 1);
    case 0xce:
      return buf.readUInt32BE(pos + 1);
    case 0xcf:
      return buf.readUInt32BE(pos + 1) * 4294967296 + buf.readUInt32BE(pos + 5);
    case 0xca:
    case 0xcb: {
      const f = b === 0xca ? buf.readFloatBE(pos + 1) : buf.readDoubleBE(pos + 1);
      return Number.isInteger(f) && f >= 0 ? f : -1;
    }
    default:
      return -1;
  }
}

/** Position just after the msgpack value starting at pos. */
export function skipValue(buf: Buffer, pos: number, end: number): number {
  const b = byteAt(buf, pos, end);
  let next: number;
  let items = 0;
  if (b <= 0x7f || b >= 0xe0) next = pos + 1;
  else if (b <= 0x8f) {
    items = 2 * (b & 0x0f);
    next = pos + 1;
  } else if (b <= 0x9f) {
    items = b & 0x0f;
    next = pos + 1;
  } else if (b <= 0xbf) next = pos + 1 + (b & 0x1f);
  else {
    switch (b) {
      case 0xc0:
      case 0xc2:
      case 0xc3:
        next = pos + 1;
        break;
      case 0xc4:
      case 0xd9:
        next = pos + 2 + (buf[pos + 1] as number);
        break;
      case 0xc5:
      case 0xda:
        next = pos + 3 + buf.readUInt16BE(pos + 1);
        break;
      case 0xc6:
      case 0xdb:
        next = pos + 5 + buf.readUInt32BE(pos + 1);
        break;
      case 0xc7:
        next = pos + 3 + (buf[pos + 1] as number);
        break;
      case 0xc8:
        next = pos + 4 + buf.readUInt16BE(pos + 1);
        break;
      case 0xc9:
        next = pos + 6 + buf.readUInt32BE(pos + 1);
        break;
      case 0xcc:
      case 0xd0:
        next = pos + 2;
        break;
      case 0xcd:
      case 0xd1:
      case 0xd4:
        next = pos + 3;
        break;
      case 0xd5:
        next = pos + 4;
        break;
      case 0xca:
      case 0xce:
      case 0xd2:
        next = pos + 5;
        break;
      case 0xd6:
        next = pos + 6;
        break;
      case 0xcb:
      case 0xcf:
      case 0xd3:
        next = pos + 9;
        break;
      case 0xd7:
        next = pos + 10;
        break;
      case 0xd8:
        next = pos + 18;
        break;
      case 0xdc:
        items = buf.readUInt16BE(pos + 1);
        next = pos + 3;
        break;
      case 0xdd:
        items = buf.readUInt32BE(pos + 1);
        next = pos + 5;
        break;
      case 0xde:
        items = 2 * buf.readUInt16BE(pos + 1);
        next = pos + 3;
        break;
      case 0xdf:
        items = 2 * buf.readUInt32BE(pos + 1);
        next = pos + 5;
        break;
      default:
        throw new RangeError(`invalid msgpack byte 0x${b.toString(16)}`);
    }
  }
  for (let i = 0; i < items; i++) next = skipValue(buf, next, end);
  if (next > end) throw new RangeError('truncated msgpack');
  return next;
}
