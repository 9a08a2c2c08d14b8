/**
 * Publisher framing (PROTOCOL.md §3): 4-byte unsigned big-endian length, then msgpack.
 *
 * `encodeFrame` is the one place the generator frames a value; it will be swapped for
 * `protocol/framing.ts`'s `encodeFrame(value): Buffer` (same wire format).
 */
import { Packr, Unpackr } from 'msgpackr';

// Records (msgpackr's extension) are off: peers must see plain msgpack maps.
export const packr = new Packr({ useRecords: false });
export const unpackr = new Unpackr({ useRecords: false });

export function encodeFrame(value: unknown): Buffer {
  const body = packr.pack(value);
  const frame = Buffer.allocUnsafe(4 + body.length);
  frame.writeUInt32BE(body.length, 0);
  body.copy(frame, 4);
  return frame;
}

/** Splits a TCP byte stream into frame bodies. */
export class FrameReader {
  private pending: Buffer = Buffer.alloc(0);

  constructor(private readonly maxFrame: number = 1 << 20) {}

  /** Returns complete bodies; throws when a length exceeds the limit (caller closes). */
  push(chunk: Buffer): Buffer[] {
    let buf = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const out: Buffer[] = [];
    let off = 0;
    while (buf.length - off >= 4) {
      const n = buf.readUInt32BE(off);
      if (n > this.maxFrame) throw new RangeError(`frame of ${n} bytes exceeds ${this.maxFrame}`);
      if (buf.length - off - 4 < n) break;
      out.push(buf.subarray(off + 4, off + 4 + n));
      off += 4 + n;
    }
    buf = buf.subarray(off);
    // Copy the tail so the (possibly large) chunk it points into can be collected.
    this.pending = buf.length === 0 ? Buffer.alloc(0) : Buffer.from(buf);
    return out;
  }
}
