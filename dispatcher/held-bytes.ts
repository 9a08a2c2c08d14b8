/**
 * The publisher bytes (`RawMsgpack`) of one topic's held events, back to back in fixed-size
 * chunks of memory off the JS heap, taken from and given back to one pool per process.
 *
 * Why: a held event that keeps its `RawMsgpack` (an object and a string) survives every young
 * collection while it is held, so each one was copied and promoted by the scavenger and then
 * marked by every full collection; with history off a many-topics node spent 11% less CPU
 * (load-tests/profiles/RESULTS.md, session of 2026-12-02, sixth). Bytes in a chunk are no object
 * to the GC, and the event's own `RawMsgpack` dies young.
 *
 * Why chunks from a pool and not a buffer per topic that doubles: growing one meant a fresh
 * allocation and a copy, and fresh memory faults its pages in; that cost more than the GC work
 * it saved (same section). A chunk that a topic lets go is the next one any topic takes.
 *
 * Records come and go in the order of the events (a topic's held events only ever leave from the
 * front), so there is no index: the log keeps each record's length, and a record starts where
 * the one before it ended, possibly in the next chunk.
 *
 * Memory: what is held (the node's history byte cap, `--history-max-bytes`, bounds it), at most
 * one partly used chunk at each end of each topic's bytes, and free chunks; slabs whose chunks
 * are all free go back to the allocator (`ChunkPool`).
 */
import { writeLatin1 } from '../protocol/latin1';
import { RawMsgpack } from '../protocol/raw-msgpack';

/** Bytes per chunk (a power of two). */
export const CHUNK_BYTES = 1024;
const CHUNK_SHIFT = Math.log2(CHUNK_BYTES);
const IN_CHUNK = CHUNK_BYTES - 1;
/** Chunks per slab (one allocation; a power of two). */
const SLAB_CHUNKS = 256;
const SLAB_SHIFT = Math.log2(SLAB_CHUNKS);

/** Free chunks a pool keeps before it looks for whole slabs to give back to the allocator. */
const TRIM_FROM = 4 * SLAB_CHUNKS;

/**
 * Slabs of chunks and the chunks free in them: one per process, shared by every topic. A slab
 * whose chunks are all free goes back to the allocator once free chunks pile up (past
 * TRIM_FROM, and each time their number doubles since): after a burst of history the node's
 * memory comes back down, while steady traffic reuses chunks without making or freeing slabs.
 */
export class ChunkPool {
  /** Slabs by index; `undefined` where one was given back (its index is reused). */
  private readonly slabs: (Buffer | undefined)[] = [];
  private free: number[] = [];
  private trimAt = TRIM_FROM;

  /** A chunk's id (its slab and place in it). */
  take(): number {
    if (this.free.length === 0) {
      let slab = this.slabs.indexOf(undefined);
      if (slab < 0) slab = this.slabs.length;
      this.slabs[slab] = Buffer.allocUnsafeSlow(SLAB_CHUNKS * CHUNK_BYTES);
      // Pushed in reverse, so the slab's chunks are taken in address order.
      for (let i = SLAB_CHUNKS - 1; i >= 0; i--) this.free.push((slab << SLAB_SHIFT) | i);
    }
    return this.free.pop()!;
  }

  give(chunk: number): void {
    this.free.push(chunk);
    if (this.free.length >= this.trimAt) this.trim();
  }

  slab(chunk: number): Buffer {
    return this.slabs[chunk >> SLAB_SHIFT]!;
  }

  /** Chunks in the slabs held now, and how many of them are free (tests). */
  get counts(): { chunks: number; free: number } {
    let slabs = 0;
    for (const s of this.slabs) if (s !== undefined) slabs++;
    return { chunks: slabs * SLAB_CHUNKS, free: this.free.length };
  }

  /** Gives back every slab whose chunks are all free. */
  private trim(): void {
    const freeIn = new Array<number>(this.slabs.length).fill(0);
    for (const chunk of this.free) freeIn[chunk >> SLAB_SHIFT]!++;
    const keep: number[] = [];
    for (const chunk of this.free)
      if (freeIn[chunk >> SLAB_SHIFT] !== SLAB_CHUNKS) keep.push(chunk);
    for (let i = 0; i < freeIn.length; i++)
      if (freeIn[i] === SLAB_CHUNKS) this.slabs[i] = undefined;
    this.free = keep;
    this.trimAt = Math.max(TRIM_FROM, 2 * keep.length);
  }
}

export const chunkPool = new ChunkPool();

/** Where chunk `chunk` starts in its slab. */
function chunkStart(chunk: number): number {
  return (chunk & (SLAB_CHUNKS - 1)) << CHUNK_SHIFT;
}

export class HeldBytes {
  /** The chunks holding bytes, oldest first. */
  private chunks: number[] = [];
  /** Offset of the oldest byte held in `chunks[0]`. */
  private start = 0;
  /** Bytes held. */
  private held = 0;

  constructor(private readonly pool: ChunkPool = chunkPool) {}

  /** Bytes held. */
  get length(): number {
    return this.held;
  }

  /** Chunks held. */
  get size(): number {
    return this.chunks.length;
  }

  /** Appends `raw`'s bytes as the newest record; returns their length (the log keeps it). */
  add(raw: RawMsgpack): number {
    const bin = raw.bin;
    const len = bin.length;
    let at = this.start + this.held; // from the start of chunks[0]
    for (let i = 0; i < len;) {
      const k = at >> CHUNK_SHIFT;
      if (k === this.chunks.length) this.chunks.push(this.pool.take());
      const chunk = this.chunks[k]!;
      const slab = this.pool.slab(chunk);
      const base = chunkStart(chunk);
      const from = at & IN_CHUNK;
      const n = Math.min(len - i, CHUNK_BYTES - from);
      writeLatin1(slab, base + from, bin, i, n);
      i += n;
      at += n;
    }
    this.held += len;
    return len;
  }

  /** The oldest record, of `len` bytes, is no longer held. */
  drop(len: number): void {
    this.held -= len;
    this.start += len;
    if (this.held === 0) return this.clear();
    while (this.start >= CHUNK_BYTES) {
      this.pool.give(this.chunks.shift()!);
      this.start -= CHUNK_BYTES;
    }
  }

  /** The record of `len` bytes that starts `offset` bytes after the oldest held byte. */
  read(offset: number, len: number): RawMsgpack {
    let at = this.start + offset;
    let out = '';
    for (let i = 0; i < len;) {
      const chunk = this.chunks[at >> CHUNK_SHIFT]!;
      const from = chunkStart(chunk) + (at & IN_CHUNK);
      const n = Math.min(len - i, CHUNK_BYTES - (at & IN_CHUNK));
      out += this.pool.slab(chunk).toString('latin1', from, from + n);
      i += n;
      at += n;
    }
    return new RawMsgpack(out);
  }

  /** Lets go of every byte; the chunks go back to the pool. */
  clear(): void {
    for (const chunk of this.chunks) this.pool.give(chunk);
    this.chunks = [];
    this.start = 0;
    this.held = 0;
  }
}
