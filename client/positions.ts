/**
 * The one table of per-topic positions: the `{epoch, seq}` of the last event delivered to the
 * app (or, before any, where its subscription started). Every resume sends it as `since`, and
 * every event passes through it before the app sees it, so across any number of reconnects
 * an event is never delivered twice or out of order:
 *
 *   same epoch, seq <= last    drop (a replay overlapping what was delivered)
 *   same epoch, seq >  last    deliver, last = seq
 *   other epoch                deliver, last = seq, report a gap (the topic's seq space restarted)
 *   no position yet            deliver, last = seq
 */
import type { Since } from './messages';

export type Position = Since;

export const Verdict = {
  Deliver: 'deliver',
  Duplicate: 'duplicate',
  NewEpoch: 'new-epoch',
} as const;
export type Verdict = (typeof Verdict)[keyof typeof Verdict];

/** What a `sub` ack did to a position; `gap` when the resume could not be served whole. */
export interface AckOutcome {
  gap: boolean;
  /** The position before the ack (what the resume asked from). */
  from: Position | undefined;
}

export class PositionTable {
  readonly #table = new Map<string, Position>();

  get(topic: string): Position | undefined {
    const p = this.#table.get(topic);
    return p === undefined ? undefined : { epoch: p.epoch, seq: p.seq };
  }

  set(topic: string, pos: Position): void {
    this.#table.set(topic, { epoch: pos.epoch, seq: pos.seq });
  }

  delete(topic: string): void {
    this.#table.delete(topic);
  }

  get size(): number {
    return this.#table.size;
  }

  /** Passes an event through the table (see the file header). */
  accept(topic: string, epoch: string, seq: number): Verdict {
    const p = this.#table.get(topic);
    if (p === undefined) {
      this.#table.set(topic, { epoch, seq });
      return Verdict.Deliver;
    }
    if (p.epoch !== epoch) {
      p.epoch = epoch;
      p.seq = seq;
      return Verdict.NewEpoch;
    }
    if (seq <= p.seq) return Verdict.Duplicate;
    p.seq = seq;
    return Verdict.Deliver;
  }

  /**
   * Reads the `ack` of a `sub` (`sent` is the `since` it carried, if any).
   *
   * - `recovered: true`: the position stays; the missed events follow the ack.
   * - `recovered: false` in the same epoch: events after the position may still be replayed
   *   in part (the oldest were dropped), so the position stays and the jump is the gap.
   * - otherwise (a fresh subscription, another epoch, a seq the topic never reached): the
   *   position becomes the ack's, so only events after it are delivered.
   */
  ack(topic: string, epoch: string, seq: number, recovered: boolean, sent: boolean): AckOutcome {
    const from = this.get(topic);
    const gap = sent && !recovered;
    const p = this.#table.get(topic);
    if (p === undefined || p.epoch !== epoch || p.seq > seq) this.#table.set(topic, { epoch, seq });
    return { gap, from };
  }
}
