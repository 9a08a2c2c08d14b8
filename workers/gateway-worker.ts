/**
 * comedy definition module of one gateway worker process (`--workers N`). comedy forks a child,
 * requires this file by path and calls `initialize`; each public method is a message topic of
 * worker-protocol.ts.
 *
 *   forked --initialize--> gateway node listening (shared port, linked to the dispatcher)
 *          --drain-->      clients got bye + 1001
 *          --localMetrics--> this process's registry as JSON (the main merges every worker's)
 *          --destroy-->    node stopped; comedy then exits the process
 *
 * The worker listens on the port the main chose, never on port 0: uWebSockets.js sets
 * SO_REUSEPORT only for an explicit port, and every worker (and every respawn) must share it.
 * The worker ignores SIGINT and SIGTERM: a terminal's Ctrl-C, `timeout` or systemd signal the
 * whole process group, and a worker that exited on its own would be respawned by comedy in the
 * middle of the main's shutdown; the main drains and stops its workers itself. When the main
 * dies, the IPC channel closes and the worker exits with it (SIGKILL still kills a worker,
 * which comedy then respawns).
 *
 * GET /metrics on the shared port reaches one worker; it asks the main for the whole node's
 * text (node-metrics.ts), so a scrape sees the node whichever worker answers it.
 */
import type { AdminTarget, TreeNode } from '../admin/admin-target';
import { createLogger } from '../server/logger';
import type { MetricsJson } from '../server/metrics';
import { TroupeNode } from '../server/node';
import { forkedSelf, takeOverChildSignals, type ForkedSelf } from './comedy-facade';
import { WORKER_SCRAPE_TIMEOUT_MS } from './node-metrics';
import {
  MainTopic,
  type NodeMetricsAnswer,
  type PathRequest,
  type TreeRequest,
  type WorkerInfo,
  type WorkerParams,
  type WorkerTopic,
} from './worker-protocol';

/** The main waits up to WORKER_SCRAPE_TIMEOUT_MS for the slowest worker, then merges. */
const NODE_METRICS_TIMEOUT_MS = WORKER_SCRAPE_TIMEOUT_MS + 1_500;

/** The module comedy loads in the child (compiled: dist/workers/gateway-worker.js). */
export const GATEWAY_WORKER_MODULE = __filename;

/** Lets TypeScript check that every topic has a handler. */
type Handlers = Record<WorkerTopic, (payload: never) => unknown>;

export default class GatewayWorker implements Handlers {
  private node: TroupeNode | undefined;
  private target: AdminTarget | undefined;
  private params: WorkerParams | undefined;
  private port = 0;
  private stopping: Promise<void> | undefined;

  async initialize(self: unknown): Promise<void> {
    const forked = forkedSelf(self);
    const params = forked.customParameters() as unknown as WorkerParams;
    this.params = params;
    const log = createLogger(params.cfg.logLevel).child({ worker: params.index });
    takeOverChildSignals((signal) =>
      log.info({ signal }, 'worker ignores the signal; the main process drains and stops it'),
    );
    process.once('disconnect', () => {
      log.warn({}, 'lost the main process; exiting');
      void this.destroy().finally(() => process.exit(0));
    });
    // stdout belongs to the main (it prints one `listening ws` for all workers).
    const print = (line: string): void => {
      const m = /^listening ws .*:(\d+)$/.exec(line);
      if (m) this.port = Number(m[1]);
    };
    this.node = await TroupeNode.start(params.cfg, log, print, { inWorkersNode: true });
    this.node.metricsSource = () => nodeMetrics(forked);
    this.target = this.node.adminTarget();
    log.info({ port: this.port }, 'gateway worker listening');
  }

  info(): WorkerInfo {
    const { params } = this;
    return {
      index: params?.index ?? -1,
      pid: process.pid,
      port: this.port,
      nodeId: params?.cfg.nodeId ?? '',
    };
  }

  async tree(req: TreeRequest): Promise<TreeNode | null> {
    return (await this.admin().tree(req.path, req.depth)) ?? null;
  }

  async stats(): Promise<Record<string, unknown>> {
    return { pid: process.pid, ...(await this.admin().stats()) };
  }

  async inspect(req: PathRequest): Promise<Record<string, unknown> | null> {
    return (await this.admin().inspect(req.path)) ?? null;
  }

  stopActor(req: PathRequest): Promise<boolean> {
    return Promise.resolve(this.admin().stop(req.path));
  }

  async localMetrics(): Promise<MetricsJson> {
    if (this.node === undefined) throw new Error('gateway worker is not started');
    return this.node.registry.getMetricsAsJSON();
  }

  /** Resolves once every client of this worker got `bye` and is gone (or the drain timed out). */
  async drain(): Promise<boolean> {
    await this.node?.drain();
    return true;
  }

  /** Ends this worker's drain; `false` when it was not draining. */
  undrain(): boolean {
    return this.node?.undrain() ?? false;
  }

  /** comedy lifecycle hook: runs on destroy from the main, before the process exits. */
  destroy(): Promise<void> {
    this.stopping ??= this.node?.stop() ?? Promise.resolve();
    return this.stopping;
  }

  private admin(): AdminTarget {
    if (this.target === undefined) throw new Error('gateway worker is not started');
    return this.target;
  }
}

/** The whole node's /metrics text; rejects (the scrape answers 500) if the main does not answer. */
async function nodeMetrics(forked: ForkedSelf): Promise<string> {
  const answer = await forked.askParent<NodeMetricsAnswer>(
    MainTopic.NodeMetrics,
    {},
    NODE_METRICS_TIMEOUT_MS,
  );
  return answer.text;
}
