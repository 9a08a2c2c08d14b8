/**
 * A small msgpack encoder for what the client sends. msgpackr's encoder is 17 KB of the
 * browser bundle (records, structured clone, bundled strings: none of which troupe uses);
 * this one writes plain msgpack that the server's msgpackr reads, and keeps the bundle under
 * its 30 KB target. Decoding stays msgpackr's (`codec.ts`).
 *
 * Values are written as JSON would write them, so both subprotocols carry the same data: an
 * object's `toJSON()` is used, map entries whose value is `undefined` (or a function or a
 * symbol) are left out and such array items are written as nil. Integers are written as
 * integers up to 2^53 (64-bit forms above 2^32), other numbers as float64; `bigint` as a
 * 64-bit integer (a RangeError outside it); `Uint8Array`, `ArrayBuffer` and other views as bin;
 * `Map` as a map. Nesting past `MAX_DEPTH` (a cycle, at the latest) throws a RangeError: the
 * server refuses data nested deeper than 64 anyway.
 */

export const MAX_DEPTH = 100;

const utf8 = new TextEncoder();
const TWO_32 = 2 ** 32;
/** Type bytes of the sized forms: str8/16/32, bin8/16/32, array16/32, map16/32. */
const STR = [0xd9, 0xda, 0xdb] as const;
const BIN = [0xc4, 0xc5, 0xc6] as const;
const ARRAY = [0xdc, 0xdd] as const;
const MAP = [0xde, 0xdf] as const;

class Writer {
  #buf = new Uint8Array(256);
  #view = new DataView(this.#buf.buffer);
  #pos = 0;

  bytes(): Uint8Array {
    return this.#buf.subarray(0, this.#pos);
  }

  #room(n: number): void {
    if (this.#pos + n <= this.#buf.length) return;
    let size = this.#buf.length * 2;
    while (size < this.#pos + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.#buf.subarray(0, this.#pos));
    this.#buf = next;
    this.#view = new DataView(next.buffer);
  }

  #u8(b: number): void {
    this.#room(1);
    this.#buf[this.#pos++] = b;
  }

  /** A type byte followed by `size` bytes of an unsigned big-endian length. */
  #head(type: number, size: 1 | 2 | 4, n: number): void {
    this.#room(1 + size);
    this.#buf[this.#pos++] = type;
    if (size === 1) this.#view.setUint8(this.#pos, n);
    else if (size === 2) this.#view.setUint16(this.#pos, n);
    else this.#view.setUint32(this.#pos, n);
    this.#pos += size;
  }

  /** A length header: the fix form below `fixLimit`, else the 8-bit (where one exists), 16- or 32-bit form. */
  #len(n: number, fix: number, fixLimit: number, forms: readonly number[]): void {
    if (n < fixLimit) this.#u8(fix | n);
    else if (forms.length === 3 && n < 0x100) this.#head(forms[0]!, 1, n);
    else if (n < 0x10000) this.#head(forms[forms.length - 2]!, 2, n);
    else this.#head(forms[forms.length - 1]!, 4, n);
  }

  #raw(bytes: Uint8Array): void {
    this.#room(bytes.length);
    this.#buf.set(bytes, this.#pos);
    this.#pos += bytes.length;
  }

  #int64(type: 0xcf | 0xd3, hi: number, lo: number): void {
    this.#room(9);
    this.#buf[this.#pos] = type;
    if (type === 0xcf) this.#view.setUint32(this.#pos + 1, hi);
    else this.#view.setInt32(this.#pos + 1, hi);
    this.#view.setUint32(this.#pos + 5, lo);
    this.#pos += 9;
  }

  #number(n: number): void {
    if (!Number.isSafeInteger(n)) {
      this.#room(9);
      this.#buf[this.#pos] = 0xcb;
      this.#view.setFloat64(this.#pos + 1, n);
      this.#pos += 9;
    } else if (n >= 0) {
      if (n < 0x80) this.#u8(n);
      else if (n < 0x100) this.#head(0xcc, 1, n);
      else if (n < 0x10000) this.#head(0xcd, 2, n);
      else if (n < TWO_32) this.#head(0xce, 4, n);
      else this.#int64(0xcf, Math.floor(n / TWO_32), n >>> 0);
    } else if (n >= -32) this.#u8(n & 0xff);
    else if (n >= -0x80) this.#head(0xd0, 1, n & 0xff);
    else if (n >= -0x8000) this.#head(0xd1, 2, n & 0xffff);
    else if (n >= -0x80000000) this.#head(0xd2, 4, n >>> 0);
    else this.#int64(0xd3, Math.floor(n / TWO_32), n >>> 0);
  }

  #bigint(n: bigint): void {
    if (n < -(BigInt(1) << BigInt(63)) || n >= BigInt(1) << BigInt(64)) {
      throw new RangeError('bigint outside 64 bits');
    }
    const u = BigInt.asUintN(64, n);
    const hi = Number(u >> BigInt(32));
    const lo = Number(u & BigInt(0xffffffff));
    if (n >= 0) this.#int64(0xcf, hi, lo);
    else this.#int64(0xd3, hi | 0, lo);
  }

  #string(s: string): void {
    const bytes = utf8.encode(s);
    this.#len(bytes.length, 0xa0, 32, STR);
    this.#raw(bytes);
  }

  #bin(bytes: Uint8Array): void {
    this.#len(bytes.length, 0, 0, BIN);
    this.#raw(bytes);
  }

  value(v: unknown, depth: number): void {
    if (depth > MAX_DEPTH) throw new RangeError(`data nested deeper than ${MAX_DEPTH}`);
    switch (typeof v) {
      case 'string':
        return this.#string(v);
      case 'number':
        return this.#number(v);
      case 'boolean':
        return this.#u8(v ? 0xc3 : 0xc2);
      case 'bigint':
        return this.#bigint(v);
      case 'object':
        return v === null ? this.#u8(0xc0) : this.#object(v, depth + 1);
      default:
        return this.#u8(0xc0);
    }
  }

  #object(o: object, depth: number): void {
    const toJSON = (o as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') return this.value(toJSON.call(o), depth);
    if (o instanceof Uint8Array) return this.#bin(o);
    if (o instanceof ArrayBuffer) return this.#bin(new Uint8Array(o));
    if (ArrayBuffer.isView(o))
      return this.#bin(new Uint8Array(o.buffer, o.byteOffset, o.byteLength));
    if (Array.isArray(o)) {
      this.#len(o.length, 0x90, 16, ARRAY);
      for (const item of o) this.value(item, depth);
      return;
    }
    const entries =
      o instanceof Map ? [...(o as Map<unknown, unknown>)] : Object.entries(o as object);
    const kept = entries.filter(([, v]) => present(v));
    this.#len(kept.length, 0x80, 16, MAP);
    for (const [k, v] of kept) {
      this.value(k, depth);
      this.value(v, depth);
    }
  }
}

/** What JSON leaves out of an object. */
function present(v: unknown): boolean {
  return v !== undefined && typeof v !== 'function' && typeof v !== 'symbol';
}

export function encodeMsgpack(value: unknown): Uint8Array {
  const w = new Writer();
  w.value(value, 0);
  return w.bytes();
}
