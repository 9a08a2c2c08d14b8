/**
 * A troupe node of any role, composed from its parts:
 *
 *   standalone   dispatcher actor + publisher port + gateway (client port), linked in memory
 *   dispatcher   dispatcher actor + cluster router + publisher port + link port (+ http port)
 *   gateway      gateway (client port) + one link per dispatcher
 *
 * start() prints `listening <name> <host>:<port>` per listener as it binds (the `troupe` command
 * shows them once start() resolved, so never for a node that fails to start; a failed start
 * closes what it opened and rejects, with a StartupError where the operator can fix it); drain() turns
 * readyz 503, sends every client `bye` + 1001 and refuses new ones, undrain() ends that; stop()
 * closes the publisher port, drains, closes everything and terminates the actor system.
 *
 * The node owns every stats object (each tier's `newXStats()`) and hands it to its part, so
 * /metrics and the admin socket read the same counters the parts write.
 */
import type { Registry } from 'prom-client';
import { ActorSystem, type ActorRef } from '../actors';
import { AdminServer } from '../admin/admin-server';
import type { AdminTarget, DrainProgress, TreeNode } from '../admin/admin-target';
import {
  CLUSTER_ROUTER_SPAWN,
  clusterRouterBehavior,
  newClusterStats,
  type ClusterMsg,
  type ClusterStats,
} from '../dispatcher/cluster-router';
import {
  InProcessDispatcherClient,
  RemoteDispatcherClient,
  type DispatcherClient,
} from '../dispatcher/client';
import { COUNT_OWNER_SPAWN, countOwnerBehavior, type CountMsg } from '../dispatcher/count-owner';
import {
  DISPATCHER_SPAWN,
  dispatcherBehavior,
  newDispatcherStats,
  type DispatcherMsg,
  type DispatcherStats,
} from '../dispatcher/dispatcher-actor';
import {
  LinkServer,
  linkActorName,
  linkClientBehavior,
  newLinkStats,
  type LinkHandlers,
  type LinkOptions,
  type LinkStats,
} from '../dispatcher/link';
import type { PublishRequest } from '../dispatcher/publish-request';
import { PublisherServer } from '../dispatcher/publisher-server';
import { isFailure, type PublishResult } from '../dispatcher/types';
import { AuthThrottle, PublisherAuth, staticToken } from '../auth';
import { loadClientBundle } from '../gateway/client-bundle';
import { loadDemoPage } from '../gateway/demo-route';
import { Gateway } from '../gateway/gateway';
import { OriginPolicy } from '../gateway/origins';
import { newGatewayStats, type GatewayStats } from '../gateway/gateway-stats';
import { allowedOriginsOf, clientMayPublish, jwtVerifierOf } from './client-auth';
import { linkSecurityProblem, type TroupeConfig } from './config';
import { HttpServer } from './http-server';
import { loadTls } from './tls';
import { handleHttp } from '../gateway/http-routes';
import { Limits } from './limits';
import type { Logger } from './logger';
import { createMetrics } from './metrics';
import { openStore } from '../presence/open-store';
import {
  newPresenceStats,
  PRESENCE_SPAWN,
  presenceBehavior,
  type PresenceChange,
  type PresenceMsg,
  type PresenceStats,
} from '../presence/presence-supervisor';
import { listenMetricsPort } from './metrics-port';
import { topicReport, topicsReport, type TopicSources } from './admin-topics';
import { bindAdmin, bindListener } from './startup-error';

type Print = (line: string) => void;

export interface NodeStartOptions {
  /**
   * A process of a `--workers` node (its main or a worker): the main serves `--metrics-port` for the whole
   * node, so this one neither binds it nor serves /metrics on its other ports. Its client port
   * is shared with the other workers (SO_REUSEPORT); a node of one process binds it alone.
   */
  readonly inWorkersNode?: boolean;
}

/** The `(level, msg, meta)` logger the actor kernel, links and servers take, over pino. */
function levelLog(log: Logger) {
  return (level: 'info' | 'warn' | 'error', msg: string, meta?: Record<string, unknown>): void =>
    log[level](meta ?? {}, msg);
}
type Closer = () => Promise<void> | void;

export class TroupeNode {
  private drained: Promise<void> | undefined;
  private stopping = false;
  /** Run in reverse order of registration at stop. */
  private readonly closers: Closer[] = [];
  gateway: Gateway | undefined;
  publisher: PublisherServer | undefined;
  gatewayStats: GatewayStats | undefined;
  dispatcherStats: DispatcherStats | undefined;
  clusterStats: ClusterStats | undefined;
  presenceStats: PresenceStats | undefined;
  /** Every link of the node, both sides (gateway and dispatcher roles). */
  linkStats: LinkStats | undefined;
  remote: RemoteDispatcherClient | undefined;
  /** This process's metrics; `metricsSource`, when set, is what /metrics answers instead. */
  registry!: Registry;
  metricsSource: (() => Promise<string>) | undefined;
  /** The actors `troupe admin topics`/`topic` read (dispatcher and standalone roles). */
  private topicActors: Pick<TopicSources, 'dispatcher' | 'counts'> = {};

  private constructor(
    readonly cfg: TroupeConfig,
    readonly system: ActorSystem,
    readonly log: Logger,
  ) {}

  static async start(
    cfg: TroupeConfig,
    log: Logger,
    print: Print,
    opts: NodeStartOptions = {},
  ): Promise<TroupeNode> {
    // parseConfig checks it too; a config built in code (workers, tests) must not skip it.
    const insecure = linkSecurityProblem(cfg);
    if (insecure !== undefined) throw new Error(insecure);
    const system = ActorSystem.create(cfg.nodeId, { log: levelLog(log) });
    const node = new TroupeNode(cfg, system, log);
    try {
      await TroupeNode.compose(node, print, opts);
    } catch (err) {
      // Nothing served yet: close what was opened, without a drain.
      await node.publisher?.close();
      await node.release();
      throw err;
    }
    return node;
  }

  /** Builds the node's parts and binds their listeners; start() undoes it if it throws. */
  private static async compose(
    node: TroupeNode,
    print: Print,
    opts: NodeStartOptions,
  ): Promise<void> {
    const { cfg, system, log } = node;
    const logFn = levelLog(log);
    const scrape = () => node.metricsSource?.() ?? registry.metrics();
    // With --metrics-port, /metrics is served there alone (by the main of a --workers node).
    const metrics = cfg.metricsPort === undefined ? scrape : undefined;
    let client: DispatcherClient | undefined;
    let ingress: ActorRef<PublishRequest> | undefined;
    if (cfg.role !== 'standalone') node.linkStats = newLinkStats();
    // One verifier and one throttle per process, shared by clients and publishers (any role: a
    // dispatcher has no gateway but verifies its publishers' JWTs). Reads the key files: an
    // unusable one throws AuthConfigError and the node does not start.
    const jwt = jwtVerifierOf(cfg, log);
    const throttle = new AuthThrottle();
    const publisherAuth = new PublisherAuth({
      publisherToken: cfg.publisherToken,
      authToken: cfg.authToken,
      jwt,
      throttle,
    });
    const origins = new OriginPolicy(allowedOriginsOf(cfg));
    const metricsToken = cfg.metricsToken === undefined ? undefined : staticToken(cfg.metricsToken);
    // --tls-cert/--tls-key: read and checked now (a TlsConfigError stops the start).
    const tls = loadTls(cfg);
    if (tls?.expired) log.warn({ cert: tls.certFile }, 'TLS certificate has expired');

    if (cfg.role !== 'gateway') {
      const dstats = (node.dispatcherStats = newDispatcherStats());
      const dispatcher: ActorRef<DispatcherMsg> = system.spawn(
        'dispatcher',
        () =>
          dispatcherBehavior({
            capacity: cfg.historySize,
            ttlMs: cfg.historyTtlMs,
            historyMaxBytes: cfg.historyMaxBytes,
            stats: dstats,
          }),
        DISPATCHER_SPAWN,
      );
      // Viewer counts of the topics this node owns (PROTOCOL.md §8), beside the dispatcher.
      const counts = system.spawn<CountMsg>(
        'counts',
        () => countOwnerBehavior({ self: cfg.nodeId, dc: cfg.dc, intervalMs: cfg.countIntervalMs }),
        COUNT_OWNER_SPAWN,
      );
      ingress = dispatcher;
      node.topicActors = { dispatcher, counts };
      // Presence changes are published like any event: through the cluster router where there
      // is one (so they reach the other datacenters), else straight to the dispatcher.
      let publishVia: ActorRef<PublishRequest> = dispatcher;
      const presence = node.startPresence((topic, change) =>
        publishVia.tell({ type: 'publish', items: [{ topic, data: change }] }),
      );
      if (cfg.role === 'standalone') {
        client = new InProcessDispatcherClient(dispatcher, cfg.nodeId, counts, presence);
      } else ingress = publishVia = await node.startCluster(dispatcher, presence, counts, print);
    } else {
      client = node.remote = new RemoteDispatcherClient({
        system,
        dispatchers: cfg.dispatchers,
        link: node.linkOptions('gateway'),
        requestTimeoutMs: Limits.requestTimeoutMs,
        onLinkChange: (peer, up) => log.info({ peer, up }, 'dispatcher link'),
      });
      node.closers.push(() => client!.close());
    }

    if (client !== undefined) {
      const gateway = (node.gateway = new Gateway({
        system,
        node: cfg.nodeId,
        dispatcher: client,
        transport: cfg.transport,
        routers: Limits.routers,
        limits: {
          heartbeatMs: cfg.heartbeatMs,
          idleTimeoutMs: Math.round(cfg.heartbeatMs * Limits.idleHeartbeats),
          outboundLimit: cfg.outboundLimit,
          maxSubscriptions: Limits.maxSubscriptions,
          ratePerSec: Limits.ratePerSec,
          rateBurst: Limits.rateBurst,
          rateStrikes: Limits.rateStrikes,
          requestTimeoutMs: Limits.requestTimeoutMs,
          allowPublish: clientMayPublish(cfg),
          presencePrivate: cfg.presencePrivate,
        },
        maxFrame: cfg.maxFrame,
        maxConnections: cfg.maxConnections,
        mailboxCapacity: Limits.mailboxCapacity,
        authToken: cfg.authToken,
        jwt,
        authThrottle: throttle,
        publisherAuth,
        origins,
        metricsToken,
        httpPublish: cfg.httpPublish,
        clientBundle: loadClientBundle(),
        demoPage: cfg.demo ? loadDemoPage() : undefined,
        metrics,
        log: logFn,
        stats: (node.gatewayStats = newGatewayStats()),
        presence: { intervalMs: cfg.presenceIntervalMs, private: cfg.presencePrivate },
        countIntervalMs: cfg.countIntervalMs,
        tls,
        sharePort: opts.inWorkersNode === true,
      }));
      node.closers.push(() => gateway.close());
      const port = await bindListener('--port', cfg.host, cfg.port, () =>
        gateway.listen(cfg.host, cfg.port),
      );
      print(`listening ws ${cfg.host}:${port}`);
    }

    if (ingress !== undefined) {
      const publisher = (node.publisher = new PublisherServer({
        dispatcher: ingress,
        maxFrame: cfg.maxPublishFrame,
        auth: publisherAuth,
        stats: node.dispatcherStats!,
        deadlines: {
          authMs: cfg.publisherAuthTimeoutMs,
          frameMs: cfg.publisherFrameTimeoutMs,
          idleMs: cfg.publisherIdleTimeoutMs,
        },
        log: logFn,
      }));
      const port = await bindListener('--publish-port', cfg.host, cfg.publishPort, () =>
        publisher.listen(cfg.host, cfg.publishPort),
      );
      print(`listening publish ${cfg.host}:${port}`);
    }

    const registry = (node.registry = createMetrics({
      system,
      gateway: node.gatewayStats,
      dispatcher: node.dispatcherStats,
      cluster: node.clusterStats,
      presence: node.presenceStats,
      links: node.linkStats,
    }));

    // A dispatcher has no client port, so its HTTP endpoints take that port unless told otherwise.
    const httpPort = cfg.httpPort ?? (cfg.role === 'dispatcher' ? cfg.port : undefined);
    if (httpPort !== undefined) {
      const deps = {
        ready: () => node.drained === undefined,
        metrics,
        dispatcher: {
          publish: (topic: string, data: unknown, bytes?: number) =>
            node.publishVia(ingress, client, topic, data, bytes),
        },
        httpPublish: cfg.httpPublish,
        publisherAuth,
        origins,
        metricsToken,
      };
      const http = new HttpServer((req) => handleHttp(deps, req), tls);
      node.closers.push(() => http.close());
      const flag = cfg.httpPort === undefined ? '--port' : '--http-port';
      const port = await bindListener(flag, cfg.host, httpPort, () =>
        http.listen(cfg.host, httpPort),
      );
      print(`listening http ${cfg.host}:${port}`);
    }

    if (opts.inWorkersNode !== true) {
      const server = await listenMetricsPort(cfg, { metrics: scrape, metricsToken }, print);
      if (server !== undefined) node.closers.push(() => server.close());
    }

    if (cfg.admin !== '' && cfg.admin !== 'none') {
      const admin = new AdminServer(node.adminTarget(), { path: cfg.admin, log });
      node.closers.push(() => admin.close());
      print(`listening admin ${await bindAdmin(cfg.admin, () => admin.listen())}`);
    }
    // A --workers node logs its own `troupe ready` once every process serves.
    if (opts.inWorkersNode !== true) {
      log.info(
        { node: cfg.nodeId, role: cfg.role, transport: cfg.transport, tls: tls !== undefined },
        'troupe ready',
      );
    }
  }

  private linkOptions(role: 'gateway' | 'dispatcher'): LinkOptions {
    return {
      self: { node: this.cfg.nodeId, role, dc: this.cfg.dc },
      secret: this.cfg.clusterSecret,
      maxFrame: this.cfg.maxPublishFrame,
      log: levelLog(this.log),
      stats: this.linkStats!,
    };
  }

  /**
   * The presence supervisor (/user/presence) over the --store; a Redis store connects in the
   * background and logs one line per outage (presence is unknown meanwhile, never a crash).
   */
  private startPresence(
    publish: (topic: string, change: PresenceChange) => void,
  ): ActorRef<PresenceMsg> {
    const { cfg, log } = this;
    const store = openStore(cfg.store, {
      redis: {
        onStateChange: (available, reason) =>
          available
            ? log.info({ store: 'redis' }, 'presence store connected')
            : log.warn({ store: 'redis', reason }, 'presence store unavailable: presence unknown'),
      },
    });
    this.closers.push(() => store.close());
    const stats = (this.presenceStats = newPresenceStats());
    return this.system.spawn<PresenceMsg>(
      'presence',
      () =>
        presenceBehavior({
          store,
          intervalMs: cfg.presenceIntervalMs,
          graceMs: cfg.presenceGraceMs,
          publish,
          stats,
          log: levelLog(log),
        }),
      PRESENCE_SPAWN,
    );
  }

  /** Dispatcher role: the cluster router in front of the dispatcher actor, and its links. */
  private async startCluster(
    dispatcher: ActorRef<DispatcherMsg>,
    presence: ActorRef<PresenceMsg>,
    counts: ActorRef<CountMsg>,
    print: Print,
  ): Promise<ActorRef<ClusterMsg>> {
    const { cfg, system } = this;
    const stats = (this.clusterStats = newClusterStats());
    const router = system.spawn<ClusterMsg>(
      'cluster',
      () =>
        clusterRouterBehavior({
          self: cfg.nodeId,
          dc: cfg.dc,
          dispatcher,
          counts,
          stats,
          trustClaims: cfg.clusterSecret !== undefined,
          presence,
          log: levelLog(this.log),
          maxFrame: cfg.maxPublishFrame,
        }),
      CLUSTER_ROUTER_SPAWN,
    );
    const handlers: LinkHandlers = {
      onUp: (ep) => router.tell({ type: 'link-up', ep }),
      onDown: (ep) => router.tell({ type: 'link-down', ep }),
      onMessage: (ep, msg) => router.tell({ type: 'link-msg', ep, msg }),
    };
    const server = new LinkServer(system, this.linkOptions('dispatcher'), handlers);
    this.closers.push(() => server.close());
    const port = await bindListener('--link-port', cfg.host, cfg.linkPort, () =>
      server.listen(cfg.host, cfg.linkPort),
    );
    print(`listening link ${cfg.host}:${port}`);
    const targets = [...cfg.peers, ...cfg.peerDcs.map((p) => p.addr)];
    for (const target of targets) {
      system.spawn(
        linkActorName(target),
        () => linkClientBehavior({ ...this.linkOptions('dispatcher'), target }, handlers),
        { kind: 'link', priority: 'high' },
      );
    }
    return router;
  }

  private publishVia(
    ingress: ActorRef<PublishRequest> | undefined,
    client: DispatcherClient | undefined,
    topic: string,
    data: unknown,
    bytes?: number,
  ): Promise<PublishResult> {
    if (client !== undefined) return client.publish(topic, data, bytes);
    return new Promise((resolve, reject) => {
      const ok = ingress?.tell({
        type: 'publish',
        items: [{ topic, data, bytes }],
        reply: ([r]) => (isFailure(r!) ? reject(new Error(r.error)) : resolve(r!)),
      });
      if (!ok) reject(new Error('dispatcher is not running'));
    });
  }

  adminTarget(): AdminTarget {
    const { system, cfg } = this;
    return {
      tree: (path, depth) => system.snapshot(path ?? '/user', depth ?? 3) as TreeNode | undefined,
      stats: () => ({
        node: cfg.nodeId,
        role: cfg.role,
        dc: cfg.dc,
        transport: this.gateway?.kind,
        draining: this.drained !== undefined,
        actors: system.stats(),
        ...(this.gateway
          ? {
              gateway: {
                ...this.gatewayStats,
                latencySamples: undefined,
                routeSamples: undefined,
                topics: this.gateway.topics,
              },
            }
          : {}),
        ...(this.remote ? { dispatchers: this.remote.live } : {}),
        ...(this.dispatcherStats ? { dispatcher: this.dispatcherStats } : {}),
        ...(this.presenceStats ? { presence: this.presenceStats } : {}),
        ...(this.clusterStats ? { cluster: this.clusterStats, links: { ...this.linkStats! } } : {}),
        memory: process.memoryUsage(),
      }),
      inspect: (path) => {
        const n = system.inspect(path);
        return n === undefined ? undefined : { ...n };
      },
      stop: (path) => {
        const ref = system.lookup(path);
        if (ref === undefined) return false;
        system.stop(ref);
        return true;
      },
      drain: async (): Promise<DrainProgress> => {
        void this.drain();
        return { clients: this.gateway?.connections ?? 0 };
      },
      undrain: async () => this.undrain(),
      topics: (top) => topicsReport(this.topicSources(), top),
      topic: (name) => topicReport(this.topicSources(), name),
    };
  }

  private topicSources(): TopicSources {
    return { node: this.cfg.nodeId, ...this.topicActors, local: this.gateway?.counts };
  }

  /**
   * Idempotent; resolves once every client is gone (or the drain timed out). Publishers keep
   * publishing (_decided_: a drain is about clients; the port closes at stop).
   */
  drain(): Promise<void> {
    this.drained ??= (async () => {
      this.log.info({}, 'draining');
      // Clients told to come back within d never flap offline (PROTOCOL.md §7).
      const retryMaxMs = Math.min(
        Limits.drainRetryMaxMs,
        Math.floor(this.cfg.presenceIntervalMs / 2),
      );
      await this.gateway?.drain(retryMaxMs, Limits.drainTimeoutMs);
    })();
    return this.drained;
  }

  /** Ends a drain (not a stop): readyz 200 again, new clients accepted. */
  undrain(): boolean {
    if (this.drained === undefined || this.stopping) return false;
    this.drained = undefined;
    this.gateway?.undrain();
    this.log.info({}, 'drain ended; serving');
    return true;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.publisher?.close();
    await this.drain();
    await this.release();
  }

  /** Closes every listener and terminates the actor system. */
  private async release(): Promise<void> {
    for (const close of this.closers.reverse()) await close();
    await this.system.terminate();
  }
}
