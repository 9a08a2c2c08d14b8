/**
 * The history budget's queue of held events, `(log, seq)` in stamp order, kept in fixed chunks
 * of CHUNK entries: a log reference in a plain array, the seq in a Float64Array.
 *
 * A node holds up to millions of these. As two growing arrays, every growth copied the whole
 * queue into a new large-object-space array and left the old one to the GC: queuing and taking
 * off a million entries cost 275 ns per entry that way against 75 ns in chunks
 * (`load-tests/micro/held-queue.ts`). Chunks are allocated at the tail and let go at the head,
 * and no entry is ever copied except by `keep` (the budget's compaction of stale entries).
 */
export const CHUNK = 4096;

export class HeldQueue<L extends object> {
  private logs: (L | undefined)[][] = [];
  private seqs: Float64Array[] = [];
  /** Index (in `logs`/`seqs`) of the head chunk; chunks before it are let go. */
  private first = 0;
  /** Offset of the front entry in the head chunk. */
  private headAt = 0;
  /** Offset of the next free slot in the last chunk (CHUNK: a new chunk is needed). */
  private tailAt = CHUNK;
  private n = 0;

  get size(): number {
    return this.n;
  }

  push(log: L, seq: number): void {
    if (this.tailAt === CHUNK) {
      this.logs.push(new Array<L | undefined>(CHUNK));
      this.seqs.push(new Float64Array(CHUNK));
      this.tailAt = 0;
    }
    const c = this.logs.length - 1;
    this.logs[c]![this.tailAt] = log;
    this.seqs[c]![this.tailAt++] = seq;
    this.n++;
  }

  /** The front entry's log (undefined when empty). */
  frontLog(): L | undefined {
    return this.n === 0 ? undefined : this.logs[this.first]![this.headAt];
  }

  /** The front entry's seq (NaN when empty). */
  frontSeq(): number {
    return this.n === 0 ? NaN : this.seqs[this.first]![this.headAt]!;
  }

  /** Lets go of the front entry. */
  shift(): void {
    if (this.n === 0) return;
    this.logs[this.first]![this.headAt++] = undefined;
    if (--this.n === 0) return this.reset();
    if (this.headAt < CHUNK) return;
    // The head chunk is used up: let it go (and the emptied part of the chunk list at times).
    this.logs[this.first] = EMPTY as (L | undefined)[];
    this.seqs[this.first] = EMPTY_SEQS;
    this.first++;
    this.headAt = 0;
    if (this.first >= 64 && this.first * 2 > this.logs.length) {
      this.logs = this.logs.slice(this.first);
      this.seqs = this.seqs.slice(this.first);
      this.first = 0;
    }
  }

  /** Keeps only the entries `live` says yes to, in order (a rebuild into new chunks). */
  keep(live: (log: L, seq: number) => boolean): void {
    const logs = this.logs;
    const seqs = this.seqs;
    let c = this.first;
    let at = this.headAt;
    let left = this.n;
    this.reset();
    while (left > 0) {
      const log = logs[c]![at]!;
      const seq = seqs[c]![at]!;
      if (live(log, seq)) this.push(log, seq);
      left--;
      if (++at === CHUNK) {
        c++;
        at = 0;
      }
    }
  }

  private reset(): void {
    this.logs = [];
    this.seqs = [];
    this.first = 0;
    this.headAt = 0;
    this.tailAt = CHUNK;
    this.n = 0;
  }
}

const EMPTY: unknown[] = [];
const EMPTY_SEQS = new Float64Array(0);
