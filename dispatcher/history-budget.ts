/**
 * The node's history as a whole: every event any TopicLog holds, in one queue in the order they
 * were stamped, so the node can let go of its oldest events first, whatever their topic.
 *
 *   TopicLog.append ──held(log, seq, bytes)──► queue (log, seq) ──► over maxBytes: the front
 *                                                                    entry's log drops its oldest
 *   TopicLog drops (count, age, clear) ──released(bytes, n)──► counters
 *
 * A log's held events are one run of seqs, so a queue entry whose seq is below its log's
 * `firstSeq` is stale (the log let go of that event by itself: its count bound, its age, or a
 * clear when it was forgotten) and is skipped. Stale entries are compacted away once the queue
 * is over twice the events held (plus a constant), so the queue costs O(held events) and each
 * operation O(1) amortized. The queue is kept in fixed chunks (held-queue.ts).
 *
 * The queue is also in time order, so expiry by age is a walk from its front that stops at the
 * first live event young enough: an idle node lets go of old events without visiting each topic.
 */
import { payloadBytes } from '../protocol/payload';
import { HeldQueue } from './held-queue';
import type { HistoryLedger, TopicLog } from './topic-log';

/**
 * Heap bytes a held event costs besides its `data` (V8, 64-bit, pointer compression): its three
 * ring slots in the topic's log (`data` 4, `t0` an unboxed double 8, bytes 4) with the ring's
 * growth slack, and the budget's queue entry (two slots, with compaction slack and array growth).
 * A held event is no object of its own (topic-log.ts). Measured: 200k `null` events held in 200
 * topics grew the heap by 47 B each (118 B while each was a TopicEvent; RESULTS.md in
 * load-tests/profiles).
 */
export const EVENT_OVERHEAD_BYTES = 48;

/** Queue entries allowed past twice the held events before a compaction. */
const QUEUE_SLACK = 1024;

/**
 * What an event of `data` is charged against the node's history bytes. `bytes` is the payload's
 * size where its ingress check already walked it (`PublishItem.bytes`): then it is not walked
 * again.
 */
export function eventBytes(data: unknown, bytes?: number): number {
  return (bytes ?? payloadBytes(data)) + EVENT_OVERHEAD_BYTES;
}

export interface HistoryStats {
  /** Bytes of every event held now (estimated heap size, `eventBytes`). */
  historyBytes: number;
  /** Events held now, all topics together. */
  historyEvents: number;
  /** Events let go because the node's history was over `--history-max-bytes`. */
  historyEvictions: number;
}

export function newHistoryStats(): HistoryStats {
  return { historyBytes: 0, historyEvents: 0, historyEvictions: 0 };
}

export interface HistoryBudgetOptions {
  readonly maxBytes: number;
  readonly ttlMs: number;
  /** Counters kept up to date (the dispatcher's stats). */
  readonly stats: HistoryStats;
  /** Told of a log this budget left holding nothing, so its owner can forget it. */
  readonly onEmptied?: (log: TopicLog) => void;
}

export class HistoryBudget implements HistoryLedger {
  /** Every held event as `(log, seq)`, stamp order; stale ones until skipped or compacted. */
  private readonly queue = new HeldQueue<TopicLog>();

  constructor(private readonly o: HistoryBudgetOptions) {}

  /** Queue entries now, live and stale. */
  get queued(): number {
    return this.queue.size;
  }

  held(log: TopicLog, seq: number, bytes: number): void {
    const s = this.o.stats;
    this.queue.push(log, seq);
    s.historyBytes += bytes;
    s.historyEvents++;
    if (this.queue.size > 2 * s.historyEvents + QUEUE_SLACK) this.compact();
    while (s.historyBytes > this.o.maxBytes && this.queue.size > 0) {
      const front = this.live();
      if (front === undefined) break;
      s.historyEvictions++;
      this.dropFront(front);
    }
  }

  released(bytes: number, events: number): void {
    this.o.stats.historyBytes -= bytes;
    this.o.stats.historyEvents -= events;
  }

  /** Lets go of every event older than the ttl, oldest first. */
  expire(now: number): void {
    const oldest = now - this.o.ttlMs;
    for (;;) {
      const front = this.live();
      if (front === undefined || front.oldestT0! >= oldest) return;
      this.dropFront(front);
    }
  }

  /** The log of the front entry once stale entries are skipped (undefined when none is left). */
  private live(): TopicLog | undefined {
    const q = this.queue;
    for (let log = q.frontLog(); log !== undefined; log = q.frontLog()) {
      if (q.frontSeq() >= log.firstSeq) return log;
      q.shift();
    }
    return undefined;
  }

  /** The front entry is live, so it is its log's oldest held event. */
  private dropFront(log: TopicLog): void {
    this.queue.shift();
    log.dropOldest();
    if (log.held === 0) this.o.onEmptied?.(log);
  }

  /** Keeps the live entries only. */
  private compact(): void {
    this.queue.keep((log, seq) => seq >= log.firstSeq);
  }
}
