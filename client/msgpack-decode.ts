/**
 * A small msgpack decoder for what the server sends (see `msgpack-encode.ts` for why the
 * client carries its own: msgpackr's decoder alone is half the bundle's size budget). It reads
 * every msgpack type but extensions, which troupe never sends (the server refuses them in
 * published data), as msgpackr reads them with the server's options: maps as plain objects
 * (keys as strings, `__proto__` as an own key, as `JSON.parse` does), 64-bit integers as
 * numbers, bin as a copy (a `Uint8Array` that does not alias the frame).
 *
 * The frame is untrusted: a length past the frame's end, nesting past `MAX_DEPTH`, trailing
 * bytes, an extension or the reserved byte 0xc1 throw a RangeError, and no container is
 * allocated larger than the bytes left could fill.
 */
import { MAX_DEPTH } from './msgpack-encode';

const utf8 = new TextDecoder();
const TWO_32 = 2 ** 32;

class Reader {
  #pos = 0;
  readonly #view: DataView;

  readonly #b: Uint8Array;

  constructor(b: Uint8Array) {
    this.#b = b;
    this.#view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  }

  done(): boolean {
    return this.#pos === this.#b.length;
  }

  /** Moves past `n` bytes, returning where they start; throws when the frame ends first. */
  #take(n: number): number {
    const at = this.#pos;
    if (at + n > this.#b.length) throw new RangeError('msgpack: value runs past the frame');
    this.#pos += n;
    return at;
  }

  #uint(size: 1 | 2 | 4): number {
    const at = this.#take(size);
    return size === 1
      ? this.#b[at]!
      : size === 2
        ? this.#view.getUint16(at)
        : this.#view.getUint32(at);
  }

  #str(n: number): string {
    const at = this.#take(n);
    if (n < 32) {
      let ascii = '';
      for (let i = at; i < at + n; i++) {
        const c = this.#b[i]!;
        if (c >= 0x80) return utf8.decode(this.#b.subarray(at, at + n));
        ascii += String.fromCharCode(c);
      }
      return ascii;
    }
    return utf8.decode(this.#b.subarray(at, at + n));
  }

  /** A container of `n` items of at least `min` bytes each must fit in what is left. */
  #room(n: number, min: number): void {
    if (n * min > this.#b.length - this.#pos)
      throw new RangeError('msgpack: container runs past the frame');
  }

  #array(n: number, depth: number): unknown[] {
    this.#room(n, 1);
    const out: unknown[] = [];
    for (let i = 0; i < n; i++) out.push(this.value(depth));
    return out;
  }

  #map(n: number, depth: number): Record<string, unknown> {
    this.#room(n, 2);
    const out: Record<string, unknown> = {};
    for (let i = 0; i < n; i++) {
      const key = String(this.value(depth));
      const v = this.value(depth);
      if (key === '__proto__')
        Object.defineProperty(out, key, {
          value: v,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      else out[key] = v;
    }
    return out;
  }

  #int64(signed: boolean): number {
    const at = this.#take(8);
    const hi = signed ? this.#view.getInt32(at) : this.#view.getUint32(at);
    return hi * TWO_32 + this.#view.getUint32(at + 4);
  }

  value(depth: number): unknown {
    if (depth > MAX_DEPTH) throw new RangeError(`msgpack: nested deeper than ${MAX_DEPTH}`);
    const t = this.#b[this.#take(1)]!;
    if (t < 0x80) return t;
    if (t < 0x90) return this.#map(t & 0x0f, depth + 1);
    if (t < 0xa0) return this.#array(t & 0x0f, depth + 1);
    if (t < 0xc0) return this.#str(t & 0x1f);
    if (t >= 0xe0) return t - 0x100;
    const v = this.#view;
    switch (t) {
      case 0xc0:
        return null;
      case 0xc2:
        return false;
      case 0xc3:
        return true;
      case 0xc4:
      case 0xc5:
      case 0xc6: {
        const n = this.#uint(t === 0xc4 ? 1 : t === 0xc5 ? 2 : 4);
        const at = this.#take(n);
        // A copy (Buffer#slice would be a view in Node): the value must not alias the frame.
        return new Uint8Array(this.#b.subarray(at, at + n));
      }
      case 0xca:
        return v.getFloat32(this.#take(4));
      case 0xcb:
        return v.getFloat64(this.#take(8));
      case 0xcc:
        return this.#uint(1);
      case 0xcd:
        return this.#uint(2);
      case 0xce:
        return this.#uint(4);
      case 0xcf:
        return this.#int64(false);
      case 0xd0:
        return v.getInt8(this.#take(1));
      case 0xd1:
        return v.getInt16(this.#take(2));
      case 0xd2:
        return v.getInt32(this.#take(4));
      case 0xd3:
        return this.#int64(true);
      case 0xd9:
        return this.#str(this.#uint(1));
      case 0xda:
        return this.#str(this.#uint(2));
      case 0xdb:
        return this.#str(this.#uint(4));
      case 0xdc:
        return this.#array(this.#uint(2), depth + 1);
      case 0xdd:
        return this.#array(this.#uint(4), depth + 1);
      case 0xde:
        return this.#map(this.#uint(2), depth + 1);
      case 0xdf:
        return this.#map(this.#uint(4), depth + 1);
      default:
        throw new RangeError(
          `msgpack: type 0x${t.toString(16)} is not read (extension or reserved)`,
        );
    }
  }
}

/** Decodes exactly one value spanning all of `bytes`. */
export function decodeMsgpack(bytes: Uint8Array): unknown {
  const r = new Reader(bytes);
  const value = r.value(0);
  if (!r.done()) throw new RangeError('msgpack: trailing bytes after the value');
  return value;
}
