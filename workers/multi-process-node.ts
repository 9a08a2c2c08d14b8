/**
 * A node run with `--workers N` (N > 1; roles standalone and gateway): the main process is the
 * comedy root and N forked gateway workers share the client port (SO_REUSEPORT), each linked to
 * the node's dispatcher like any other gateway (ARCHITECTURE.md, "Process-level actors use
 * comedy"; issue 3 part 6).
 *
 *   standalone  main: dispatcher role (publisher port + link port), workers: gateway -> main link
 *   gateway     main: supervision only, workers: gateway -> cfg.dispatchers
 *
 * It prints the lines a single process prints (`listening ws|publish|link|admin ...`), so tools
 * do not care how many processes serve: `ws` once the first worker listens, `admin` last, once
 * every worker listens.
 *
 * GET /metrics answers the whole node wherever it lands (a worker, or the main's http port of a
 * standalone node): the main merges its own registry with every worker's (node-metrics.ts).
 *
 * A standalone node's link port serves only its own workers. Given no --cluster-secret, it makes
 * a random one at start and tells it to its workers alone (in their start parameters, over
 * comedy's IPC channel, never argv or env), so no other local process can link in.
 *
 *   start() --> serving --drain()--> draining (every worker's clients get bye + 1001, then the
 *   main's publisher closes) --stop()--> workers destroyed and gone, main stopped
 */
import { randomBytes } from 'node:crypto';
import { AdminServer } from '../admin/admin-server';
import type { HostPort, TroupeConfig } from '../server/config';
import type { HttpServer } from '../server/http-server';
import { Limits } from '../server/limits';
import { listenMetricsPort } from '../server/metrics-port';
import { assertPortFree, bindAdmin } from '../server/startup-error';
import { staticToken } from '../auth';
import type { Logger } from '../server/logger';
import { TroupeNode } from '../server/node';
import { createProcessSystem } from './comedy-facade';
import { pickFreePort } from './free-port';
import { mergedAdminTarget } from './merged-admin-target';
import { NodeMetrics } from './node-metrics';
import { WorkerPool } from './worker-pool';
import {
  MainTopic,
  WorkerTopic,
  type NodeMetricsAnswer,
  type WorkerParams,
} from './worker-protocol';

type Print = (line: string) => void;

/** A standalone node with no secret gets a random one for the links to its own workers. */
export function withOwnSecret(cfg: TroupeConfig): TroupeConfig {
  if (cfg.role !== 'standalone' || cfg.clusterSecret !== undefined) return cfg;
  return { ...cfg, clusterSecret: randomBytes(32).toString('base64url') };
}

/** Why `cfg` cannot run with workers, for an exit-2 message; `undefined` when it can. */
export function workersConfigProblem(cfg: TroupeConfig): string | undefined {
  if (cfg.workers <= 1) return undefined;
  if (cfg.role === 'dispatcher') return '--workers applies to --role standalone and gateway only';
  if (cfg.transport === 'ws')
    return '--workers > 1 needs --transport uws: ws cannot share the client port between processes';
  return undefined;
}

/** Where workers reach the main's link port: a wildcard bind is reached over loopback. */
function linkAddress(host: string, port: number): HostPort {
  if (host === '0.0.0.0') return { host: '127.0.0.1', port };
  if (host === '::') return { host: '::1', port };
  return { host, port };
}

export class MultiProcessNode {
  private drained: Promise<void> | undefined;
  private stopped: Promise<void> | undefined;
  private admin: AdminServer | undefined;
  private metricsServer: HttpServer | undefined;

  private constructor(
    private readonly cfg: TroupeConfig,
    private readonly log: Logger,
    private readonly main: TroupeNode | undefined,
    private readonly pool: WorkerPool,
  ) {}

  static async start(given: TroupeConfig, log: Logger, print: Print): Promise<MultiProcessNode> {
    const problem = workersConfigProblem(given);
    if (problem !== undefined) throw new Error(problem);
    const cfg = withOwnSecret(given);
    // Checked first: a worker that cannot bind fails inside comedy, far from a clear message.
    if (cfg.port !== 0) await assertPortFree('--port', cfg.host, cfg.port);

    let main: TroupeNode | undefined;
    let dispatchers = cfg.dispatchers;
    if (cfg.role === 'standalone') {
      let linkPort = 0;
      const capture: Print = (line) => {
        const m = /^listening link .*:(\d+)$/.exec(line);
        if (m) linkPort = Number(m[1]);
        print(line);
      };
      // A dispatcher serves HTTP on `port` unless given `httpPort`; the client port belongs to
      // the workers, so the main's /metrics (dispatcher, links) gets a port of its own.
      main = await TroupeNode.start(
        { ...cfg, role: 'dispatcher', admin: 'none', workers: 1, httpPort: cfg.httpPort ?? 0 },
        log,
        capture,
        { inWorkersNode: true },
      );
      dispatchers = [linkAddress(cfg.host, linkPort)];
    }

    let node: MultiProcessNode | undefined;
    try {
      const port = cfg.port === 0 ? await pickFreePort(cfg.host) : cfg.port;
      const params = (index: number): WorkerParams => ({
        index,
        cfg: {
          ...cfg,
          role: 'gateway',
          port,
          dispatchers,
          admin: 'none',
          workers: 1,
          // A separate HTTP port cannot be shared by Node's http server; the main keeps it.
          httpPort: undefined,
          nodeId: `${cfg.nodeId}-w${index}`,
        },
      });
      // Workers ask for the node's metrics as soon as they serve, before the pool is complete.
      let metrics: NodeMetrics | undefined;
      const parentHandlers = {
        [MainTopic.NodeMetrics]: async (): Promise<NodeMetricsAnswer> => {
          if (metrics === undefined) throw new Error('the node is starting');
          return { text: await metrics.text() };
        },
      };
      const pool = await WorkerPool.start({
        system: createProcessSystem({ logLevel: cfg.logLevel, parentHandlers }),
        count: cfg.workers,
        params,
        log,
        onFirstListening: (info) => print(`listening ws ${cfg.host}:${info.port}`),
      });
      const nodeMetrics = (metrics = new NodeMetrics({ main: main?.registry, pool, log }));
      if (main !== undefined) main.metricsSource = () => nodeMetrics.text();
      node = new MultiProcessNode(cfg, log, main, pool);
      const metricsToken =
        cfg.metricsToken === undefined ? undefined : staticToken(cfg.metricsToken);
      node.metricsServer = await listenMetricsPort(
        cfg,
        { metrics: () => nodeMetrics.text(), metricsToken },
        print,
      );
      await node.listenAdmin(print);
      log.info(
        { node: cfg.nodeId, role: cfg.role, workers: cfg.workers, tls: cfg.tlsCert !== undefined },
        'troupe ready',
      );
      return node;
    } catch (err) {
      // The workers go with the node; before it exists, only the main has started.
      await (node?.stop() ?? main?.stop());
      throw err;
    }
  }

  private async listenAdmin(print: Print): Promise<void> {
    const { cfg } = this;
    if (cfg.admin === '' || cfg.admin === 'none') return;
    const target = mergedAdminTarget({
      main: this.main?.adminTarget(),
      pool: this.pool,
      nodeId: cfg.nodeId,
      role: cfg.role,
      drain: () => void this.drain(),
      undrain: () => this.undrain(),
    });
    this.admin = new AdminServer(target, { path: cfg.admin, log: this.log });
    print(`listening admin ${await bindAdmin(cfg.admin, () => this.admin!.listen())}`);
  }

  /** Idempotent: every worker drains (in parallel), then the main's publisher closes. */
  drain(): Promise<void> {
    this.drained ??= (async () => {
      this.log.info({ workers: this.pool.slots.length }, 'draining workers');
      const results = await Promise.allSettled(
        this.pool.slots.map((s) =>
          this.pool.ask(s.index, WorkerTopic.Drain, {}, Limits.workerDrainTimeoutMs),
        ),
      );
      results.forEach((r, index) => {
        if (r.status === 'rejected')
          this.log.warn({ worker: index, reason: String(r.reason) }, 'worker drain failed');
      });
      await this.main?.drain();
    })();
    return this.drained;
  }

  /** Ends a drain: every worker and the main serve again. `false` when it was not draining. */
  async undrain(): Promise<boolean> {
    if (this.drained === undefined || this.stopped !== undefined) return false;
    this.drained = undefined;
    await Promise.allSettled(
      this.pool.slots.map((s) => this.pool.ask(s.index, WorkerTopic.Undrain, {})),
    );
    this.main?.undrain();
    this.log.info({}, 'drain ended; serving');
    return true;
  }

  /** Idempotent: drain, then workers destroyed (their processes gone), then the main. */
  stop(): Promise<void> {
    this.stopped ??= (async () => {
      await this.drain();
      await this.admin?.close();
      await this.metricsServer?.close();
      await this.pool.close();
      await this.main?.stop();
    })();
    return this.stopped;
  }
}
