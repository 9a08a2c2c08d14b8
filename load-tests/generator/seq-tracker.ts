/**
 * Per (connection, topic) sequence continuity.
 *
 * The contract (PROTOCOL.md §2): `seq` rises by one per event of a topic, so a jump is a gap
 * (events lost, at-most-once) and a non-increase is a reorder or duplicate (a contract breach).
 * The tracker is seeded with the `seq` from the sub `ack`, so events lost right after
 * subscribing also count.
 */

export interface SeqCounters {
  /** Events that were skipped (sum of jump sizes). */
  missing: number;
  /** Number of jumps. */
  gaps: number;
  /** Events whose seq did not rise (reordered or duplicated). */
  reorders: number;
}

export function newSeqCounters(): SeqCounters {
  return { missing: 0, gaps: 0, reorders: 0 };
}

/**
 * Applies one observed seq to `last` (the previous seq, or -1 when unseeded) and returns the new
 * last. Kept as a free function over a number so a connection can hold its state in a plain field.
 */
export function observeSeq(last: number, seq: number, c: SeqCounters): number {
  if (last < 0) return seq;
  if (seq === last + 1) return seq;
  if (seq > last + 1) {
    c.gaps++;
    c.missing += seq - last - 1;
    return seq;
  }
  c.reorders++;
  return last;
}
