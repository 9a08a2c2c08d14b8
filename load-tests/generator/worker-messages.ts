/** IPC between the coordinator and its subscriber workers (child_process.fork). */
import type { HistogramDelta } from './latency-histogram';

/** How a subscriber talks to the system: troupe's client protocol, or Socket.IO v4. */
export type Dialect = 'troupe' | 'socketio';

export interface SubscriberPlan {
  readonly dialect: Dialect;
  readonly host: string;
  readonly port: number;
  readonly path: string;
  readonly protocol: string;
  /** Loopback source addresses of this worker's sockets, taken in turn (CONNECTIONS_PER_SOURCE). */
  readonly localAddresses: readonly string[];
  /** Global index of this worker's first connection (topic assignment is global). */
  readonly firstIndex: number;
  readonly connections: number;
  readonly topicPrefix: string;
  readonly topicCount: number;
  readonly topicsPerConnection: number;
  /** Latency is sampled on 1 in `sampleEvery` events. */
  readonly sampleEvery: number;
  /** Connection attempts in flight at once. */
  readonly connectConcurrency: number;
  /**
   * One token per connection of this worker (`tokens[index - firstIndex]`), sent as `?token=`
   * of the upgrade URL; absent: no token.
   */
  readonly tokens?: readonly string[];
  /** Subscribe with `count: true` (viewer counts, PROTOCOL.md §8). */
  readonly count?: boolean;
  /** One connection in `every` (global index 0, every, 2 x every, ...) also subscribes to `name`. */
  readonly alsoTopic?: AlsoTopic;
  /**
   * Ping every open connection this often (troupe closes one silent for 2.5 heartbeats); absent:
   * never, for runs shorter than that bound.
   */
  readonly pingEveryMs?: number;
  /**
   * Open no new connection this long after the first (those in flight still finish, within
   * CONNECT_TIMEOUT_MS): a connect phase bounded in time leaves nothing connecting after it.
   */
  readonly connectForMs?: number;
}

/** A second topic some connections hold besides their share of the plan's topics (a hot topic). */
export interface AlsoTopic {
  readonly name: string;
  readonly every: number;
}

/** The upgrade path of global connection `index`: the plan's path, with its token if it has one. */
export function upgradePath(plan: SubscriberPlan, index: number): string {
  const token = plan.tokens?.[index - plan.firstIndex];
  return token === undefined ? plan.path : `${plan.path}?token=${encodeURIComponent(token)}`;
}

/** Topic names of global connection `index`: spread evenly, deterministic. */
export function topicsOf(
  plan: Pick<SubscriberPlan, 'topicPrefix' | 'topicCount' | 'topicsPerConnection' | 'alsoTopic'>,
  index: number,
): string[] {
  const out: string[] = [];
  const n = Math.min(plan.topicsPerConnection, plan.topicCount);
  for (let j = 0; j < n; j++) out.push(`${plan.topicPrefix}${(index * n + j) % plan.topicCount}`);
  const also = plan.alsoTopic;
  if (also !== undefined && index % also.every === 0 && !out.includes(also.name))
    out.push(also.name);
  return out;
}

export type ToWorker =
  | { readonly type: 'start'; readonly plan: SubscriberPlan }
  | { readonly type: 'flush'; readonly token: number }
  | { readonly type: 'stop' };

export interface WorkerCounters {
  /** Sockets open now. */
  connected: number;
  /** Subscriptions acknowledged so far (cumulative). */
  acked: number;
  /** Connections that failed or were closed, cumulative; `closeReasons` says why. */
  closed: number;
  /** Deliveries (ev messages) since the previous report. */
  events: number;
  /** Frames since the previous report (< events when the server batches). */
  frames: number;
  missing: number;
  gaps: number;
  reorders: number;
  /** `err` messages and undecodable frames since the previous report. */
  errors: number;
  /** Connect time (socket to sub ack) of connections that finished since the previous report. */
  connectMs: HistogramDelta;
  latency: HistogramDelta;
  /** Per-topic delivery deltas, only while the worker holds at most 100 topics. */
  perTopic: Record<string, number> | null;
  cpuUserUs: number;
  cpuSystemUs: number;
  rssBytes: number;
  /** Epoch ms of this worker's first connection attempt (0: none yet). */
  firstConnectAt: number;
  /** Epoch ms at which the latest connection finished subscribing (0: none yet). */
  lastReadyAt: number;
}

export type FromWorker =
  | {
      readonly type: 'report';
      readonly reason: 'tick' | 'flush' | 'ready';
      readonly token: number;
      readonly counters: WorkerCounters;
      readonly closeReasons: Record<string, number>;
    }
  | { readonly type: 'fatal'; readonly message: string };
