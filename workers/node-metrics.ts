/**
 * /metrics of a node run with `--workers N`: the whole node, not the one worker the kernel
 * handed the scrape to. The main process merges its own registry (the dispatcher and links of a
 * standalone node) with every worker's (server/metrics.ts `mergeMetrics`).
 *
 *   GET /metrics at a worker --askParent(nodeMetrics)--> main: NodeMetrics.text()
 *   GET /metrics at the main's http port ------------->       NodeMetrics.text()
 *     text(): main registry + each worker's `localMetrics`, asked in parallel, each within
 *             `timeoutMs`; a worker that does not answer in time is left out and counted
 *             (troupe_workers_answering, troupe_workers_scrape_failures_total)
 *
 * A scrape therefore never waits much longer than `timeoutMs`, however many workers hang.
 */
import type { Registry } from 'prom-client';
import type { Logger } from '../server/logger';
import { mergeMetrics, type MetricsJson } from '../server/metrics';
import type { WorkerPool } from './worker-pool';
import { WorkerTopic } from './worker-protocol';

/** How long the main waits for one worker's registry. */
export const WORKER_SCRAPE_TIMEOUT_MS = 1_000;

export interface NodeMetricsOptions {
  /** The main's own registry; absent for a gateway node, whose main only supervises. */
  main: Pick<Registry, 'getMetricsAsJSON'> | undefined;
  /** The pool, or a fake of it in tests. */
  pool: Pick<WorkerPool, 'slots' | 'ask'>;
  log: Logger;
  timeoutMs?: number;
}

export class NodeMetrics {
  private failures = 0;

  constructor(private readonly opts: NodeMetricsOptions) {}

  /** The node's Prometheus exposition text. */
  async text(): Promise<string> {
    const { main, pool, log } = this.opts;
    const timeoutMs = this.opts.timeoutMs ?? WORKER_SCRAPE_TIMEOUT_MS;
    const [own, ...answers] = await Promise.all([
      main?.getMetricsAsJSON(),
      ...pool.slots.map((slot) =>
        pool.ask(slot.index, WorkerTopic.LocalMetrics, {}, timeoutMs).then(
          (json): MetricsJson | undefined => {
            if (Array.isArray(json)) return json;
            log.warn({ worker: slot.index }, 'worker metrics are not a list; left out');
            return undefined;
          },
          (err: unknown) => {
            // Not a warning: the pool already logs a worker that stops answering.
            log.debug({ worker: slot.index, reason: String(err) }, 'worker metrics left out');
            return undefined;
          },
        ),
      ),
    ]);
    const parts = answers.filter((a): a is MetricsJson => a !== undefined);
    this.failures += answers.length - parts.length;
    return mergeMetrics(own === undefined ? parts : [own, ...parts], {
      workers: pool.slots.length,
      answering: parts.length,
      failures: this.failures,
    });
  }
}
