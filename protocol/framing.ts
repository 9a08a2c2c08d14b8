/**
 * Length-prefixed msgpack framing for the publisher TCP port and inter-node links (PROTOCOL.md
 * §3): a 4-byte unsigned big-endian length N, then N bytes of msgpack (a map or an array of maps).
 *
 * Decoder lifecycle:  reading header --(4 bytes)--> N > limit ? failed (throws, for good)
 *                                                   : reading body --(N bytes)--> payload out
 *
 * - The limit is checked on the header alone, so an oversized frame is refused before a byte of
 *   its body is buffered. Frames completed earlier in the same `push` are dropped with it: the
 *   peer broke the protocol and the link is closed; unacknowledged publishes are theirs to retry.
 * - Chunks are kept as a list and each payload is assembled once, so a frame split over many
 *   chunks costs one copy, and a frame inside one chunk costs none: `push` answers a view of
 *   the chunk, `each` the chunk and the payload's offsets in it (no object per frame, for the
 *   publisher port's hot path).
 * - A zero-length frame is a valid frame with an empty payload; `decodePayload` rejects it.
 */
import { DecodeError, FrameTooLargeError } from './errors';
import { packMsgpack, unpackMsgpack } from './msgpack';

export { DecodeError, FrameTooLargeError } from './errors';

export const DEFAULT_MAX_PUBLISH_FRAME = 1024 * 1024;
const HEADER_BYTES = 4;
const MAX_LENGTH = 0xffffffff;
const EMPTY = Buffer.alloc(0);

/** One frame: header and msgpack body in a single buffer, ready for `socket.write`. */
export function encodeFrame(value: unknown): Buffer {
  return frameBody(packMsgpack(value));
}

/** The frame of bytes already encoded (or, in tests and attacks, bytes that are not msgpack). */
export function frameBody(body: Uint8Array): Buffer {
  if (body.length > MAX_LENGTH) throw new RangeError(`frame body of ${body.length} bytes`);
  const frame = Buffer.allocUnsafe(HEADER_BYTES + body.length);
  frame.writeUInt32BE(body.length, 0);
  frame.set(body, HEADER_BYTES);
  return frame;
}

/** Decodes one frame payload. Throws only `DecodeError`. */
export function decodePayload(payload: Buffer): unknown {
  if (payload.length === 0) throw new DecodeError('undecodable msgpack: empty frame');
  return unpackMsgpack(payload);
}

/** Receives one frame's payload, `buf[start, end)`: a chunk as it was read, or a copy. */
export type FrameSink = (buf: Buffer, start: number, end: number) => void;

export class FrameDecoder {
  private readonly chunks: Buffer[] = [];
  /** Index of the first unconsumed chunk; consumed ones are dropped in batches, not shifted. */
  private first = 0;
  /** Bytes of `chunks[first]` already consumed. */
  private offset = 0;
  private total = 0;
  /** Body length of the frame being read, or -1 while reading a header. */
  private need = -1;
  private failure: FrameTooLargeError | undefined;
  /**
   * Frames completed by the chunk being read (buffer, payload start and end), reused from chunk
   * to chunk: their length is the most frames one chunk has completed, a few numbers each.
   */
  private readonly bufs: Buffer[] = [];
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];

  constructor(private readonly maxFrame: number = DEFAULT_MAX_PUBLISH_FRAME) {
    if (!Number.isSafeInteger(maxFrame) || maxFrame < 0 || maxFrame > MAX_LENGTH) {
      throw new RangeError(`maxFrame must be an integer from 0 to ${MAX_LENGTH}`);
    }
  }

  /** Bytes received since the last complete frame (its header included); 0 at a boundary. */
  get buffered(): number {
    return this.need < 0 ? this.total : this.total + HEADER_BYTES;
  }

  /** The payloads completed by `chunk`, in order. Throws `FrameTooLargeError`, then always. */
  push(chunk: Buffer): Buffer[] {
    const out: Buffer[] = [];
    this.each(chunk, (buf, start, end) =>
      out.push(start === 0 && end === buf.length ? buf : buf.subarray(start, end)),
    );
    return out;
  }

  /**
   * `push` without a Buffer object per frame: calls `onFrame(buf, start, end)` for each frame
   * `chunk` completes, in order, its payload being `buf[start, end)`, and returns how many. A
   * frame inside one chunk is read where it lies (`buf` is that chunk); one spread over chunks is
   * first copied into a buffer of its own. Frames are handed over only once the whole chunk has
   * passed the limit check, so a chunk that throws `FrameTooLargeError` hands over none, as
   * `push` returns none. `onFrame` must not push to this decoder.
   */
  each(chunk: Buffer, onFrame: FrameSink): number {
    if (this.failure) throw this.failure;
    if (chunk.length > 0) {
      this.chunks.push(chunk);
      this.total += chunk.length;
    }
    let count = 0;
    for (;;) {
      if (this.need < 0) {
        if (this.total < HEADER_BYTES) break;
        const n = this.readHeader();
        if (n > this.maxFrame) {
          this.failure = new FrameTooLargeError(n, this.maxFrame);
          this.chunks.length = 0;
          this.total = 0;
          this.release(count);
          throw this.failure;
        }
        this.need = n;
      }
      if (this.total < this.need) break;
      this.take(count++, this.need);
      this.need = -1;
    }
    this.compact();
    for (let i = 0; i < count; i++) {
      const buf = this.bufs[i]!;
      this.bufs[i] = EMPTY; // no chunk outlives its call through this list
      onFrame(buf, this.starts[i]!, this.ends[i]!);
    }
    return count;
  }

  /** The next four (buffered) bytes as a big-endian length, read across chunks if need be. */
  private readHeader(): number {
    const head = this.chunks[this.first];
    if (head.length - this.offset >= HEADER_BYTES) {
      const n = head.readUInt32BE(this.offset);
      this.consume(HEADER_BYTES);
      return n;
    }
    let n = 0;
    for (let i = 0; i < HEADER_BYTES; i++) {
      n = n * 256 + this.chunks[this.first][this.offset];
      this.consume(1);
    }
    return n;
  }

  /** Records the next `n` (buffered) bytes as frame number `i`, and consumes them. */
  private take(i: number, n: number): void {
    // A zero-length frame whose header ended the buffered bytes: there is no chunk to read from.
    if (n === 0) return this.record(i, EMPTY, 0, 0);
    const head = this.chunks[this.first];
    if (head.length - this.offset >= n) {
      this.record(i, head, this.offset, this.offset + n);
      return this.consume(n);
    }
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    while (filled < n) {
      const chunk = this.chunks[this.first];
      const count = Math.min(chunk.length - this.offset, n - filled);
      chunk.copy(out, filled, this.offset, this.offset + count);
      filled += count;
      this.consume(count);
    }
    this.record(i, out, 0, n);
  }

  private record(i: number, buf: Buffer, start: number, end: number): void {
    this.bufs[i] = buf;
    this.starts[i] = start;
    this.ends[i] = end;
  }

  /** Drops the first `count` recorded frames' buffers (a failed chunk hands none over). */
  private release(count: number): void {
    for (let i = 0; i < count; i++) this.bufs[i] = EMPTY;
  }

  private consume(n: number): void {
    this.total -= n;
    this.offset += n;
    if (this.offset === this.chunks[this.first].length) {
      this.first++;
      this.offset = 0;
    }
  }

  private compact(): void {
    if (this.first === 0) return;
    if (this.first === this.chunks.length) {
      this.chunks.length = 0;
    } else {
      this.chunks.splice(0, this.first);
    }
    this.first = 0;
  }
}
