/**
 * The gateway: holds client connections and delivers the events of their topics.
 *
 *   transport ──open──► ConnSlot ──► topic router (round robin) ──spawn──► connection actor
 *   dispatcher client ──events──► TurnBatcher ──per topic batch──► routers with interest ──► actors
 *
 * Client auth at the upgrade (PROTOCOL.md §6), decided before any actor exists:
 *
 *   Origin header not allowed (--allowed-origins) ──► HTTP 403, before any token check
 *   --auth-token T   token == T (constant time) ──► open  |  else ──► open, closed at once 4001
 *   JWT flags        no token ──► open; the connection actor waits 5 s for `auth`
 *                    address throttled ──► HTTP 429, nothing verified
 *                    token verified ──► open with its Identity on the slot
 *                    token refused ──► failure counted for the address; open, closed at once 4001
 *
 * A refused client is accepted and then closed (not answered 401) so that a browser, which
 * cannot read an upgrade's HTTP status, sees the 4001. The token string itself is dropped here:
 * only the Identity it granted travels to the connection actor.
 *
 * Lifecycle: created ──listen()──► serving ──drain()──► draining (readyz 503, bye + 1001 to every
 * client) ──close()──► closed. The actor tree is /user/gateway/router-N/conn-ID.
 */
import { Limits } from '../server/limits';
import { Directive, nowMs, oneForOne, type ActorRef, type ActorSystem } from '../actors';
import {
  AuthThrottle,
  staticToken,
  THROTTLED,
  type PublisherAuth,
  type Identity,
  type JwtVerifier,
  type StaticToken,
} from '../auth';
import {
  chooseSubprotocol,
  codecFor,
  Disconnect,
  ErrorCode,
  type SkipHandler,
  type Subprotocol,
} from '../protocol';
import type { DispatcherClient } from '../dispatcher/client';
import type { TopicEvent } from '../dispatcher/types';
import { bearer } from './bearer';
import { ConnSlot } from './conn-slot';
import { helloMessage, type ConnectionLimits } from './connection-actor';
import type { EventBatch } from './event-batch';
import { bump, newGatewayStats, recordRoute, type GatewayStats } from './gateway-stats';
import type { ClientBundle } from './client-bundle';
import { InFlight } from './history-route';
import type { DemoPage } from './demo-route';
import { handleHttp, type HttpDeps } from './http-routes';
import { GatewayCounts } from './gateway-counts';
import { InterestTable, MAX_ROUTERS } from './interest-table';
import { TopicTable, type TopicEntry } from './topic-table';
import type { OriginPolicy } from './origins';
import type { RouterMsg } from './messages';
import { topicReadAccess } from './topic-read-access';
import { connectionSupervisor, routerBehavior } from './topic-router';
import {
  createTransport,
  type Transport,
  type TransportKind,
  type TransportTls,
  type UpgradeDecision,
  type UpgradeRequest,
} from './transport';
import { AUTH_TIMEOUT_MS, checkToken, type ClientAuth } from './token-check';
import { TurnBatcher } from './turn-batcher';
import { MEMBERS_SPAWN, MemberHeartbeats, type MembersMsg } from '../presence/member-heartbeats';
import { namedMember } from './presence-hooks';
import { SSE_PATH, sseRoute, type SseRouteDeps } from './sse-route';
import { LiveTable, publishLive } from './live-channels';

export type GatewayLog = (
  level: 'warn' | 'error',
  msg: string,
  meta?: Record<string, unknown>,
) => void;

/** What a socket's userData is: its ConnSlot, then its connection actor's ref. */
type Teller = Pick<ConnSlot, 'tell'>;

export interface GatewayOptions {
  readonly system: ActorSystem;
  readonly node: string;
  readonly dispatcher: DispatcherClient;
  readonly transport: TransportKind;
  readonly routers: number;
  readonly limits: ConnectionLimits;
  readonly maxFrame: number;
  /** Client connections at once; past it an upgrade gets 503 (counted as max_connections). */
  readonly maxConnections: number;
  readonly mailboxCapacity: number;
  /** When set, clients must present this token. */
  readonly authToken: string | undefined;
  /** Who may `POST /v1/publish` where (PROTOCOL.md §6). */
  readonly publisherAuth: PublisherAuth;
  /** --metrics-token: what `GET /metrics` needs as its bearer token. */
  readonly metricsToken?: StaticToken;
  /** Browser origins allowed to upgrade and to call the HTTP endpoints. */
  readonly origins: OriginPolicy;
  /** When set, clients must present a JWT it accepts (and `authToken` is not asked of them). */
  readonly jwt?: JwtVerifier;
  /** Failed client authentications per source address (default: the AuthThrottle defaults). */
  readonly authThrottle?: AuthThrottle;
  readonly httpPublish: boolean;
  /** `GET /v1/client.js` (`client-bundle.ts`). */
  readonly clientBundle?: ClientBundle;
  /** `GET /` (`demo-route.ts`). */
  readonly demoPage?: DemoPage;
  /** Undefined where `--metrics-port` serves them: the client port then answers 404. */
  readonly metrics: (() => Promise<string>) | undefined;
  readonly log: GatewayLog;
  /** Counters the node exports through /metrics and the admin socket (default: a fresh set). */
  readonly stats?: GatewayStats;
  /**
   * Presence (PROTOCOL.md §7): `d`, and --presence-private. Without it the gateway keeps no
   * member table and sends no heartbeats.
   */
  readonly presence?: { readonly intervalMs: number; readonly private: boolean };
  /** --count-interval-ms: how often changed viewer counts are reported (default 1 s). */
  readonly countIntervalMs?: number;
  /** --tls-cert/--tls-key: the client port serves HTTPS and WSS. */
  readonly tls?: TransportTls;
  /** Share the client port with other processes (`--workers`); default: bind it alone. */
  readonly sharePort?: boolean;
}

const {
  skipLogTopics: SKIP_LOG_TOPICS,
  minHttpBody: MIN_HTTP_BODY,
  drainPollMs: DRAIN_POLL_MS,
} = Limits;

/** The gateway actor's one message: route the events of the turn that just ended. */
type GatewayMsg = { type: 'route'; run: () => void };

export class Gateway {
  readonly stats: GatewayStats;
  private readonly interest: InterestTable;
  /** Per topic: its routers and live members, one entry (topic-table.ts). */
  private readonly entries = new TopicTable();
  /** Local viewer counts, reported to the owners once per count interval (PROTOCOL.md §8). */
  readonly counts: GatewayCounts;
  private readonly routers: ActorRef<RouterMsg>[] = [];
  private readonly transport: Transport;
  /** Live members per topic, where the transport fans out natively (live-channels.ts). */
  private live: LiveTable | undefined;
  private readonly batcher: TurnBatcher<TopicEvent>;
  private self: ActorRef<GatewayMsg> | undefined;
  /** Scratch of `route`: the batches of the current turn per router index (emptied each turn). */
  private readonly perRouter: (EventBatch[] | undefined)[] = [];
  /** Scratch of `route`: the turn's batches in order and each one's topic entry. */
  private readonly turnBatches: EventBatch[] = [];
  private readonly turnEntries: TopicEntry[] = [];
  /** Topics whose unencodable events were logged (once each), bounded. */
  private readonly skipLogged = new Set<string>();
  private nextRouter = 0;
  private nextConn = 0;
  private draining = false;
  private serving = false;
  private readonly started: Promise<void>;
  private readonly clientToken: StaticToken | undefined;
  private readonly throttle: AuthThrottle;
  /** Set where JWT auth is configured; shared with every connection actor (auth, refresh). */
  private readonly auth: ClientAuth | undefined;

  constructor(private readonly o: GatewayOptions) {
    if (o.routers > MAX_ROUTERS) throw new RangeError(`at most ${MAX_ROUTERS} routers`);
    this.stats = o.stats ?? newGatewayStats();
    this.clientToken = o.authToken === undefined ? undefined : staticToken(o.authToken);
    this.throttle = o.authThrottle ?? new AuthThrottle();
    this.auth =
      o.jwt === undefined
        ? undefined
        : { verifier: o.jwt, throttle: this.throttle, timeoutMs: AUTH_TIMEOUT_MS };
    this.interest = new InterestTable(o.dispatcher, this.entries);
    const members =
      o.presence === undefined
        ? undefined
        : o.system.spawn<MembersMsg>(
            'members',
            () =>
              new MemberHeartbeats({
                intervalMs: o.presence!.intervalMs,
                heartbeat: (m) => o.dispatcher.heartbeat(m),
              }),
            MEMBERS_SPAWN,
          );
    this.counts = new GatewayCounts(o.dispatcher, Limits.countRefreshIntervals, this.entries);
    const routerFactory = (i: number) => () =>
      routerBehavior({
        index: i,
        node: o.node,
        interest: this.interest,
        counts: this.counts,
        dispatcher: o.dispatcher,
        limits: o.limits,
        stats: this.stats,
        mailboxCapacity: o.mailboxCapacity,
        auth: this.auth,
        onSkip: this.onSkip,
        members,
        // Routers start after the constructor, so the transport exists by then.
        live: this.live,
        topics: this.entries,
        log: o.log,
      });
    this.started = new Promise<void>((resolve) => {
      this.self = o.system.spawn<GatewayMsg>(
        'gateway',
        () => ({
          preStart: (ctx) => {
            const flushCounts: GatewayMsg = { type: 'route', run: () => this.counts.flush() };
            ctx.timers.startPeriodic(
              'counts',
              flushCounts,
              o.countIntervalMs ?? Limits.countIntervalMs,
            );
            this.routers.length = 0;
            this.perRouter.length = 0;
            for (let i = 0; i < o.routers; i++) {
              this.perRouter.push(undefined);
              this.routers.push(
                ctx.spawn<RouterMsg>(`router-${i}`, routerFactory(i), {
                  kind: 'topic-router',
                  priority: 'high',
                  supervisor: connectionSupervisor(o.log),
                }),
              );
            }
            resolve();
          },
          receive: (msg) => {
            // A bug in routing must not restart the gateway (that would stop every router).
            try {
              msg.run();
            } catch (err) {
              o.log('error', 'routing a turn failed', { err: String(err) });
            }
          },
        }),
        {
          kind: 'gateway',
          priority: 'high',
          // A router's index is its shard's only copy: keep it through a failed message.
          supervisor: oneForOne(() => Directive.Resume),
        },
      );
    });
    this.batcher = new TurnBatcher(
      (events) => this.route(events),
      // Through the gateway actor: events pushed from inside the dispatcher actor are routed in
      // the same scheduler drain, and so are the routers and connection actors they wake.
      (run) => {
        if (this.self === undefined || !this.self.tell({ type: 'route', run })) setImmediate(run);
      },
    );
    o.dispatcher.onEvents((events) => {
      this.stats.eventsIn += events.length;
      if (events.length > 0) recordRoute(this.stats, nowMs() - events[0]!.t0);
      this.batcher.push(events);
    });
    o.dispatcher.onCounts((items) => this.counts.deliver(items, this.interest, this.routers));
    const http: HttpDeps = {
      ready: () => this.serving && !this.draining,
      metrics: o.metrics,
      dispatcher: o.dispatcher,
      httpPublish: o.httpPublish,
      publisherAuth: o.publisherAuth,
      origins: o.origins,
      metricsToken: o.metricsToken,
      presence:
        o.presence === undefined
          ? undefined
          : { dispatcher: o.dispatcher, private: o.presence.private, auth: this.auth },
      topics: {
        counts: this.counts,
        access: topicReadAccess(this.clientToken, this.auth, this.throttle),
      },
      clientBundle: o.clientBundle,
      history: {
        dispatcher: o.dispatcher,
        access: topicReadAccess(
          this.clientToken,
          this.auth,
          this.throttle,
          o.limits.presencePrivate ?? false,
        ),
        timeoutMs: o.limits.requestTimeoutMs,
        onSkip: this.onSkip,
        inFlight: new InFlight(),
      },
      demoPage: o.demoPage,
    };
    // Server-Sent Events (§9): the same checks as an upgrade, then the same connection actor.
    const sse: SseRouteDeps = {
      upgrade: (req) => this.upgrade(req),
      jwt: this.auth !== undefined,
      limits: o.limits,
      origins: o.origins,
      stats: this.stats,
    };
    this.transport = createTransport(o.transport, {
      wsPath: '/v1/ws',
      ssePath: SSE_PATH,
      maxPayload: o.maxFrame,
      maxBackpressure: o.limits.outboundLimit,
      maxHttpBody: Math.max(o.maxFrame, MIN_HTTP_BODY),
      maxConnections: o.maxConnections,
      tls: o.tls,
      reusePort: o.sharePort === true,
      handlers: {
        upgrade: (req) => this.upgrade(req),
        open: (conn) => {
          const slot = conn.userData as ConnSlot;
          slot.conn = conn;
          if (slot.authFailed)
            return conn.close(Disconnect.AuthFailed.code, Disconnect.AuthFailed.reason);
          if (this.draining)
            return conn.close(Disconnect.Shutdown.code, Disconnect.Shutdown.reason);
          // Written here, inside the transport's open callback, the hello leaves in the same
          // write as the upgrade's answer; the actor, spawned a turn later, would write it alone.
          const { codec } = slot;
          const hello = helloMessage(slot.id, o.node, o.limits.heartbeatMs);
          if (conn.send(codec.encode(hello), codec.binary) !== 'dropped') {
            slot.greeted = true;
            this.stats.framesOut++;
          }
          const router = this.routers[this.nextRouter++ % this.routers.length]!;
          router.tell({ type: 'open', slot });
        },
        // userData is the slot until the actor exists, then the actor ref: both take `tell`.
        message: (conn, data) => {
          const target = conn.userData as Teller;
          if (!target.tell({ type: 'frame', data })) {
            conn.close(Disconnect.SlowConsumer.code, Disconnect.SlowConsumer.reason);
          }
        },
        close: (conn, code) => {
          (conn.userData as Teller).tell({ type: 'closed', code });
        },
        http: (req) => handleHttp(http, req),
        refused: () => bump(this.stats.badInput, 'max_connections'),
        stream: (req) => sseRoute(sse, req),
      },
    });
    if (this.transport.fanout !== undefined) this.live = new LiveTable(o.routers, this.entries);
  }

  get kind(): TransportKind {
    return this.transport.kind;
  }

  get topics(): number {
    return this.interest.topics;
  }

  async listen(host: string, port: number): Promise<number> {
    await this.started;
    const actual = await this.transport.listen(host, port);
    this.serving = true;
    return actual;
  }

  /**
   * Graceful drain: readyz turns 503, every client gets `bye` with a jittered retry and a 1001
   * close. Resolves when every connection is gone or `timeoutMs` passed.
   */
  async drain(retryMaxMs: number, timeoutMs: number): Promise<void> {
    if (!this.draining) {
      this.draining = true;
      for (const r of this.routers) r.tell({ type: 'drain', retryMaxMs });
    }
    const deadline = Date.now() + timeoutMs;
    while (this.draining && this.transport.connections > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, DRAIN_POLL_MS));
    }
  }

  get isDraining(): boolean {
    return this.draining;
  }

  /** Ends a drain: ready again, new clients accepted (those told `bye` are gone already). */
  undrain(): void {
    this.draining = false;
  }

  /** Open client connections (the transport's count, upgrades included). */
  get connections(): number {
    return this.transport.connections;
  }

  async close(): Promise<void> {
    this.serving = false;
    this.transport.closeAll(Disconnect.Shutdown.code, Disconnect.Shutdown.reason);
    await this.transport.close();
  }

  private upgrade(req: UpgradeRequest): UpgradeDecision | Promise<UpgradeDecision> {
    // A page of an origin not allowed: refused before any token is looked at.
    if (!this.o.origins.allows(req.headers['origin'])) {
      bump(this.stats.badInput, 'origin_refused');
      return { accept: false, status: 403, body: 'origin not allowed' };
    }
    const protocol = chooseSubprotocol(req.protocols);
    if (protocol === null) {
      bump(this.stats.badInput, 'bad_subprotocol');
      return {
        accept: false,
        status: 400,
        body: 'unsupported subprotocol; offer troupe.v1.msgpack or troupe.v1.json',
      };
    }
    const token = req.query.get('token') ?? bearer(req.headers['authorization']);
    if (this.auth !== undefined) {
      // No token at all: the client may still send `auth` as its first message (the actor waits).
      if (token === undefined) return this.accept(req, protocol, false, undefined);
      return this.verifyUpgrade(this.auth, token, req, protocol);
    }
    // Without JWT a client may name its member (§7): a name, not a proof.
    const named = req.query.get('member');
    let identity: Identity | undefined;
    if (named !== null) {
      const m = namedMember(named);
      if (typeof m === 'string') {
        bump(this.stats.badInput, 'bad_member');
        return { accept: false, status: 400, body: m };
      }
      identity = m;
    }
    let failed = false;
    if (this.clientToken !== undefined) {
      if (!this.throttle.allow(req.remoteAddress, Date.now())) return this.throttled();
      failed = !this.clientToken.matches(token);
      if (failed) {
        bump(this.stats.badInput, 'auth_failed');
        this.throttle.fail(req.remoteAddress, Date.now());
      }
    }
    return this.accept(req, protocol, failed, identity);
  }

  private async verifyUpgrade(
    auth: ClientAuth,
    token: string,
    req: UpgradeRequest,
    protocol: Subprotocol,
  ): Promise<UpgradeDecision> {
    const check = await checkToken(auth, token, req.remoteAddress);
    if (check.ok) return this.accept(req, protocol, false, check.identity);
    if (check.code === ErrorCode.RateLimited) return this.throttled();
    bump(this.stats.badInput, 'auth_failed');
    return this.accept(req, protocol, true, undefined);
  }

  /** Past its failure budget an address is refused before anything is verified. */
  private throttled(): UpgradeDecision {
    bump(this.stats.badInput, 'auth_throttled');
    return { accept: false, status: 429, body: THROTTLED };
  }

  private accept(
    req: UpgradeRequest,
    protocol: Subprotocol,
    authFailed: boolean,
    identity: Identity | undefined,
  ): UpgradeDecision {
    const id = `${this.o.node.slice(-4)}${(this.nextConn++).toString(36)}`;
    return {
      accept: true,
      protocol: req.protocols.length > 0 ? protocol : null,
      userData: new ConnSlot(id, codecFor(protocol), authFailed, identity),
    };
  }

  /**
   * An event no codec could encode (ingress should have refused it): it costs that event alone,
   * counted in `drops.unencodable` and logged once per topic (at most SKIP_LOG_TOPICS topics).
   */
  private readonly onSkip: SkipHandler = (topic, event, cause) => {
    bump(this.stats.drops, 'unencodable');
    if (this.skipLogged.has(topic) || this.skipLogged.size >= SKIP_LOG_TOPICS) return;
    this.skipLogged.add(topic);
    this.o.log('error', 'event could not be encoded; left out', {
      topic,
      seq: event.seq,
      err: cause instanceof Error ? cause.message.slice(0, 200) : String(cause),
    });
  };

  /**
   * One native publish per live topic and format, then one tell per router per turn carrying
   * every batch of the turn that router has subscribers for (live-channels.ts: same turn).
   */
  private route(events: TopicEvent[]): void {
    const { perRouter, live, entries, turnBatches: batches, turnEntries: owners } = this;
    entries.group(events, this.onSkip, batches, owners);
    for (let b = 0; b < batches.length; b++) {
      const batch = batches[b]!;
      const entry = owners[b]!;
      entry.batch = undefined; // nothing of a turn is kept past it
      let mask = entry.routers;
      if (live !== undefined && entry.hasLive) {
        publishLive(this.transport.fanout!, batch, entry, this.stats);
        // Routers whose subscribers of the topic are all live need nothing more.
        mask &= ~entry.quiet;
      }
      for (let i = 0; i < perRouter.length; i++) {
        if ((mask & (1 << i)) === 0) continue;
        const list = perRouter[i];
        if (list === undefined) perRouter[i] = [batch];
        else list.push(batch);
      }
    }
    batches.length = 0;
    owners.length = 0;
    for (let i = 0; i < perRouter.length; i++) {
      const batches = perRouter[i];
      if (batches === undefined) continue;
      perRouter[i] = undefined;
      if (this.routers[i]!.tell({ type: 'events', batches }) && live !== undefined) {
        live.backlog[i]!++;
      }
    }
  }
}
