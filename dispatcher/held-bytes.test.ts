import { RawMsgpack } from '../protocol/raw-msgpack';
import { CHUNK_BYTES, ChunkPool, HeldBytes } from './held-bytes';

/** A record of `len` bytes, all `fill` (latin1: any byte value). */
function rec(len: number, fill: number): RawMsgpack {
  return new RawMsgpack(String.fromCharCode(fill).repeat(len));
}

/** Records read back in order, given their lengths. */
function readAll(h: HeldBytes, lens: number[]): string[] {
  const out: string[] = [];
  let at = 0;
  for (const len of lens) {
    out.push(h.read(at, len).bin);
    at += len;
  }
  return out;
}

describe(HeldBytes, () => {
  describe('#add', () => {
    it('holds records back to back and reads each back as it came, every byte value', () => {
      const h = new HeldBytes(new ChunkPool());
      const all = new RawMsgpack(
        Array.from({ length: 256 }, (_, i) => String.fromCharCode(i)).join(''),
      );
      expect(h.add(rec(3, 0x61))).toBe(3);
      expect(h.add(all)).toBe(256);
      expect(h.add(rec(1, 0xff))).toBe(1);
      expect(h.length).toBe(260);
      expect(readAll(h, [3, 256, 1])).toEqual(['aaa', all.bin, '\xff']);
    });

    it('reads a record that spans several chunks as one', () => {
      const h = new HeldBytes(new ChunkPool());
      h.add(rec(CHUNK_BYTES - 10, 1));
      const big = new RawMsgpack(
        Array.from({ length: 3 * CHUNK_BYTES }, (_, i) => String.fromCharCode(i % 251)).join(''),
      );
      h.add(big);
      expect(h.size).toBe(4);
      expect(readAll(h, [CHUNK_BYTES - 10, big.bin.length])[1]).toBe(big.bin);
    });

    it('keeps every held record readable as records come and go across chunks', () => {
      const h = new HeldBytes(new ChunkPool());
      const held: Array<[number, number]> = [];
      for (let i = 0; i < 600; i++) {
        const len = 1 + ((i * 37) % 700);
        h.add(rec(len, i % 256));
        held.push([len, i % 256]);
        if (i % 3 !== 1) h.drop(held.shift()![0]);
        const lens = held.map(([l]) => l);
        expect(readAll(h, lens)).toEqual(held.map(([l, f]) => String.fromCharCode(f).repeat(l)));
        // No more chunks than the bytes need, plus one partly used at each end.
        expect(h.size).toBeLessThanOrEqual(Math.ceil(h.length / CHUNK_BYTES) + 1);
      }
    });
  });

  describe('#drop', () => {
    it('gives each chunk back to the pool once its last byte leaves', () => {
      const pool = new ChunkPool();
      const h = new HeldBytes(pool);
      h.add(rec(CHUNK_BYTES, 1));
      h.add(rec(10, 2));
      expect(h.size).toBe(2);
      const free = pool.counts.free;
      h.drop(CHUNK_BYTES);
      expect(h.size).toBe(1);
      expect(pool.counts.free).toBe(free + 1);
      expect(h.read(0, 10).bin).toBe('\x02'.repeat(10));
      h.drop(10);
      expect([h.length, h.size, pool.counts.free]).toEqual([0, 0, free + 2]);
    });

    it('lets another topic reuse a chunk one topic gave back, without a new slab', () => {
      const pool = new ChunkPool();
      const a = new HeldBytes(pool);
      const b = new HeldBytes(pool);
      a.add(rec(100, 1));
      const made = pool.counts.chunks;
      a.drop(100);
      b.add(rec(100, 2));
      expect(pool.counts.chunks).toBe(made);
      expect(b.read(0, 100).bin).toBe('\x02'.repeat(100));
    });
  });

  describe('#clear', () => {
    it('gives every chunk back and starts over', () => {
      const pool = new ChunkPool();
      const h = new HeldBytes(pool);
      h.add(rec(3 * CHUNK_BYTES, 1));
      h.clear();
      expect([h.length, h.size]).toEqual([0, 0]);
      expect(pool.counts.free).toBe(pool.counts.chunks);
      h.add(rec(5, 2));
      expect(h.read(0, 5).bin).toBe('\x02'.repeat(5));
    });
  });
});

describe(ChunkPool, () => {
  describe('#give', () => {
    it('gives whole free slabs back once free chunks pile up, and keeps slabs in use', () => {
      const pool = new ChunkPool();
      const topics = Array.from({ length: 8 }, () => new HeldBytes(pool));
      // Eight slabs' worth of bytes, then one topic keeps a little and the rest let go.
      for (const t of topics) t.add(rec(256 * CHUNK_BYTES, 1));
      expect(pool.counts.chunks).toBe(8 * 256);
      topics[0]!.drop(255 * CHUNK_BYTES);
      for (const t of topics.slice(1)) t.clear();
      const { chunks, free } = pool.counts;
      expect(chunks).toBeLessThan(8 * 256);
      expect(chunks - free).toBe(1); // the one chunk still held
      expect(topics[0]!.read(0, CHUNK_BYTES).bin).toBe('\x01'.repeat(CHUNK_BYTES));
      // A slab given back is made again when needed, its index reused.
      for (const t of topics.slice(1)) t.add(rec(256 * CHUNK_BYTES, 2));
      expect(topics[7]!.read(0, 3).bin).toBe('\x02\x02\x02');
      expect(topics[0]!.read(0, CHUNK_BYTES).bin).toBe('\x01'.repeat(CHUNK_BYTES));
    });
  });
});
