/**
 * A measurement window: the sum of worker deltas that arrived while it was open. The progress
 * printer opens one per second, a bench step one per step; both see the same reports.
 */
import { LatencyHistogram } from './latency-histogram';
import type { WorkerCounters } from './worker-messages';

export class Window {
  events = 0;
  frames = 0;
  missing = 0;
  gaps = 0;
  reorders = 0;
  errors = 0;
  cpuUserUs = 0;
  cpuSystemUs = 0;
  readonly latency = new LatencyHistogram();
  readonly connectMs = new LatencyHistogram();
  readonly perTopic = new Map<string, number>();
  readonly openedAt = performance.now();

  add(c: WorkerCounters): void {
    this.events += c.events;
    this.frames += c.frames;
    this.missing += c.missing;
    this.gaps += c.gaps;
    this.reorders += c.reorders;
    this.errors += c.errors;
    this.cpuUserUs += c.cpuUserUs;
    this.cpuSystemUs += c.cpuSystemUs;
    this.latency.merge(c.latency);
    this.connectMs.merge(c.connectMs);
    if (c.perTopic !== null) {
      for (const [topic, n] of Object.entries(c.perTopic)) {
        if (n > 0) this.perTopic.set(topic, (this.perTopic.get(topic) ?? 0) + n);
      }
    }
  }

  /** Seconds since the window opened. */
  seconds(): number {
    return (performance.now() - this.openedAt) / 1000;
  }

  /** Generator CPU (all workers) as a fraction of one core over the window. */
  cpuCores(): number {
    const s = this.seconds();
    return s > 0 ? (this.cpuUserUs + this.cpuSystemUs) / 1e6 / s : 0;
  }
}
