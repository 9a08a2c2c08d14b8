/**
 * The counters of one subscriber worker process, shared by every dialect's subscriber class
 * (troupe msgpack, Socket.IO). Deltas leave with each report; gauges (connected, acked,
 * closed) are cumulative.
 */
import { LatencyHistogram } from './latency-histogram';
import { newSeqCounters } from './seq-tracker';
import type { WorkerCounters } from './worker-messages';

export interface TopicCounter {
  readonly name: string;
  readonly bytes: Buffer;
  events: number;
}

export class WorkerStats {
  readonly seq = newSeqCounters();
  readonly latency = new LatencyHistogram();
  readonly connectMs = new LatencyHistogram();
  readonly topics = new Map<string, TopicCounter>();
  readonly closeReasons: Record<string, number> = {};
  connected = 0;
  acked = 0;
  closed = 0;
  events = 0;
  frames = 0;
  errors = 0;
  /** Epoch ms of the first connection attempt and of the last completed subscription (0: none). */
  firstConnectAt = 0;
  lastReadyAt = 0;
  stopping = false;
  private sampleEvery = 64;
  private sampleCountdown = 1;
  private lastCpu = process.cpuUsage();

  setSampleEvery(n: number): void {
    this.sampleEvery = Math.max(1, n);
  }

  /** True on 1 event in `sampleEvery`: the caller then decodes `data.t` and calls `record`. */
  shouldSample(): boolean {
    if (--this.sampleCountdown > 0) return false;
    this.sampleCountdown = this.sampleEvery;
    return true;
  }

  recordSendTime(t: unknown): void {
    if (typeof t === 'number') this.latency.record(epochNow() - t);
  }

  topicCounter(name: string): TopicCounter {
    let t = this.topics.get(name);
    if (t === undefined) {
      t = { name, bytes: Buffer.from(name), events: 0 };
      this.topics.set(name, t);
    }
    return t;
  }

  connectStarted(): void {
    if (this.firstConnectAt === 0) this.firstConnectAt = epochNow();
  }

  /** A connection got all its sub acks, `ms` after it started connecting. */
  connectionReady(ms: number): void {
    this.connectMs.record(ms);
    this.lastReadyAt = epochNow();
  }

  connectionClosed(reason: string, wasOpen: boolean): void {
    if (wasOpen) this.connected--;
    if (this.stopping) return;
    this.closed++;
    tallyCloseReason(this.closeReasons, reason);
  }

  take(): WorkerCounters {
    const cpu = process.cpuUsage(this.lastCpu);
    this.lastCpu = process.cpuUsage();
    let perTopic: Record<string, number> | null = null;
    if (this.topics.size <= 100) {
      perTopic = {};
      for (const t of this.topics.values()) {
        perTopic[t.name] = t.events;
        t.events = 0;
      }
    }
    const c: WorkerCounters = {
      connected: this.connected,
      acked: this.acked,
      closed: this.closed,
      events: this.events,
      frames: this.frames,
      missing: this.seq.missing,
      gaps: this.seq.gaps,
      reorders: this.seq.reorders,
      errors: this.errors,
      connectMs: this.connectMs.drain(),
      latency: this.latency.drain(),
      perTopic,
      cpuUserUs: cpu.user,
      cpuSystemUs: cpu.system,
      rssBytes: process.memoryUsage.rss(),
      firstConnectAt: this.firstConnectAt,
      lastReadyAt: this.lastReadyAt,
    };
    this.events = this.frames = this.errors = 0;
    this.seq.missing = this.seq.gaps = this.seq.reorders = 0;
    return c;
  }
}

/** Counts one close reason, addresses folded (`ADDR`) so reasons group across connections. */
export function tallyCloseReason(reasons: Record<string, number>, reason: string): void {
  const key = reason.replace(/\d+\.\d+\.\d+\.\d+:\d+/g, 'ADDR');
  reasons[key] = (reasons[key] ?? 0) + 1;
}

/** Wall clock on the `Date.now()` scale with sub-millisecond precision (same as the publisher). */
export function epochNow(): number {
  return performance.timeOrigin + performance.now();
}

/**
 * Wraps a connection's `done` so it runs once: on its last sub ack, on close, or after
 * `timeoutMs` (a server that never answers must not stall the connect lanes).
 */
export function settleOnce(done: () => void, timeoutMs: number): () => void {
  let settled = false;
  const timer = setTimeout(() => settle(), timeoutMs);
  const settle = (): void => {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    done();
  };
  return settle;
}
