/**
 * A standalone troupe node: gateway and dispatcher in one process, linked in memory.
 *
 *   start() ──► dispatcher actor, publisher port, gateway (client port), admin socket
 *           ──► prints `listening <name> <host>:<port>` for each, then serves
 *   drain() ──► readyz 503, bye + 1001 to every client, publisher port closed
 *   stop()  ──► every listener closed, the actor system terminated
 */
import { ActorSystem, type ActorRef } from '../actors';
import { AdminServer } from '../admin/admin-server';
import type { AdminTarget, TreeNode } from '../admin/admin-target';
import {
  dispatcherBehavior,
  newDispatcherStats,
  type DispatcherMsg,
} from '../dispatcher/dispatcher-actor';
import { LocalDispatcherClient } from '../dispatcher/local-link';
import { PublisherServer } from '../dispatcher/publisher-server';
import { Gateway } from '../gateway/gateway';
import type { TroupeConfig } from './config';
import type { Logger } from './logger';
import { createMetrics } from './metrics';

/** Bye's `retryMs` is drawn from [0, this): a drained fleet must not reconnect in one wave. */
const DRAIN_RETRY_MAX_MS = 5_000;
const DRAIN_TIMEOUT_MS = 5_000;

export class StandaloneNode {
  private drained: Promise<void> | undefined;

  private constructor(
    readonly system: ActorSystem,
    readonly gateway: Gateway,
    private readonly publisher: PublisherServer,
    private readonly log: Logger,
  ) {}

  private admin: AdminServer | undefined;

  static async start(
    cfg: TroupeConfig,
    log: Logger,
    print: (line: string) => void,
  ): Promise<StandaloneNode> {
    const system = ActorSystem.create(cfg.nodeId, {
      log: (level, msg, meta) => log[level](meta ?? {}, msg),
    });
    const dstats = newDispatcherStats();
    const dispatcher: ActorRef<DispatcherMsg> = system.spawn(
      'dispatcher',
      () =>
        dispatcherBehavior({ capacity: cfg.historySize, ttlMs: cfg.historyTtlMs, stats: dstats }),
      { kind: 'dispatcher' },
    );
    const metrics = () => registry.metrics();
    const gateway = new Gateway({
      system,
      node: cfg.nodeId,
      dispatcher: new LocalDispatcherClient(dispatcher, cfg.nodeId),
      transport: cfg.transport,
      routers: 4,
      limits: {
        heartbeatMs: cfg.heartbeatMs,
        idleTimeoutMs: Math.round(cfg.heartbeatMs * 2.5),
        outboundLimit: cfg.outboundLimit,
        maxSubscriptions: 1000,
        ratePerSec: 200,
        rateBurst: 400,
        rateStrikes: 50,
        requestTimeoutMs: 5_000,
        allowPublish: true,
      },
      maxFrame: cfg.maxFrame,
      mailboxCapacity: 4096,
      authToken: cfg.authToken,
      httpPublish: cfg.httpPublish,
      metrics,
      log: (level, msg, meta) => log[level](meta ?? {}, msg),
    });
    const registry = createMetrics({ system, gateway: gateway.stats, dispatcher: dstats });
    const publisher = new PublisherServer({
      dispatcher,
      maxFrame: cfg.maxPublishFrame,
      authToken: cfg.authToken,
      stats: dstats,
      log: (level, msg, meta) => log[level](meta ?? {}, msg),
    });

    const wsPort = await gateway.listen(cfg.host, cfg.port);
    print(`listening ws ${cfg.host}:${wsPort}`);
    const pubPort = await publisher.listen(cfg.host, cfg.publishPort);
    print(`listening publish ${cfg.host}:${pubPort}`);

    const node = new StandaloneNode(system, gateway, publisher, log);
    const target: AdminTarget = {
      tree: (path, depth) => system.snapshot(path ?? '/user', depth ?? 3) as TreeNode | undefined,
      stats: () => ({
        node: cfg.nodeId,
        role: cfg.role,
        transport: gateway.kind,
        draining: gateway.isDraining,
        actors: system.stats(),
        gateway: { ...gateway.stats, latencySamples: undefined, topics: gateway.topics },
        dispatcher: dstats,
        memory: process.memoryUsage(),
      }),
      inspect: (path) => {
        const node = system.inspect(path);
        return node === undefined ? undefined : { ...node };
      },
      stop: (path) => {
        const ref = system.lookup(path);
        if (ref === undefined) return false;
        system.stop(ref);
        return true;
      },
      drain: async () => {
        void node.drain();
      },
    };
    if (cfg.admin !== '' && cfg.admin !== 'none') {
      node.admin = new AdminServer(target, { path: cfg.admin, log });
      print(`listening admin ${await node.admin.listen()}`);
    }
    log.info(
      { node: cfg.nodeId, ws: wsPort, publish: pubPort, transport: gateway.kind },
      'troupe ready',
    );
    return node;
  }

  /** Idempotent; resolves once every client is gone (or the drain timed out). */
  drain(): Promise<void> {
    this.drained ??= (async () => {
      this.log.info({}, 'draining');
      await this.publisher.close();
      await this.gateway.drain(DRAIN_RETRY_MAX_MS, DRAIN_TIMEOUT_MS);
    })();
    return this.drained;
  }

  async stop(): Promise<void> {
    await this.drain();
    await this.gateway.close();
    await this.admin?.close();
    await this.system.terminate();
  }
}
