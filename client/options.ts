/**
 * What `connect()` accepts, and its resolution into the values the client runs on (defaults
 * from `ClientLimits`). Bad options throw `TroupeUsageError` from `connect()`, never later.
 */
import { backoffDelay } from '../dispatcher/link/backoff';
import { systemClock, type Clock } from './clock';
import { Protocol } from './codec';
import { TroupeUsageError } from './errors';
import { ClientLimits } from './limits';
import type { TokenGetter } from './token-keeper';
import { TransportKind, type Transport } from './transport';
import { defaultWebSocket } from './websocket-node';
import { WebSocketTransport, type WebSocketCtor } from './websocket-transport';
import { AutoTransport } from './auto-transport';
import { SseTransport, type FetchFn } from './sse-transport';

export type TunableLimit =
  | 'maxPending'
  | 'maxQueuedPublishes'
  | 'maxQueuedBytes'
  | 'maxSubscriptions'
  | 'maxFrameBytes'
  | 'ratePerSec'
  | 'rateBurst';

const TUNABLE: readonly string[] = [
  'maxPending',
  'maxQueuedPublishes',
  'maxQueuedBytes',
  'maxSubscriptions',
  'maxFrameBytes',
  'ratePerSec',
  'rateBurst',
] satisfies TunableLimit[];

export interface ConnectOptions {
  /** A token for `?token=` (static: a rejected one closes the client). */
  token?: string;
  /** Called on every (re)connect and before the token's `exp` (the `refresh` op). */
  getToken?: TokenGetter;
  /** `?member=` where there is no token (presence without JWT, PROTOCOL.md §7). */
  member?: string;
  /** `msgpack` (default) or `json`. */
  protocol?: Protocol;
  /**
   * `websocket` (default), `sse` (`GET /v1/sse`, publishing over `POST /v1/publish`) or `auto`
   * (WebSocket, SSE where it fails: `auto-transport.ts`).
   */
  transport?: TransportKind;
  requestTimeoutMs?: number;
  connectTimeoutMs?: number;
  backoff?: { baseMs?: number; maxMs?: number; stableMs?: number };
  /** Bounds (see `ClientLimits`): requests pending, publishes queued (count, bytes), topics, frame size, pace. */
  limits?: Partial<Record<TunableLimit, number>>;
  /** A WebSocket constructor to use instead of the browser's or the `ws` package. */
  WebSocket?: WebSocketCtor;
  /** A `fetch` to use for SSE instead of the global one. */
  fetch?: FetchFn;
  /** Seams for tests: time, randomness, and a transport of one's own. */
  clock?: Clock;
  random?: () => number;
  customTransport?: Transport;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] extends number ? number : T[K] };

export interface Resolved {
  limits: Mutable<typeof ClientLimits>;
  protocol: Protocol;
  transport: Transport;
  clock: Clock;
  random: () => number;
  token?: string;
  getToken?: TokenGetter;
  member?: string;
}

function positive(name: string, v: number | undefined, fallback: number): number {
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
    throw new TroupeUsageError(`${name} must be a positive number`);
  }
  return v;
}

function pickTransport(o: ConnectOptions): Transport {
  if (o.customTransport !== undefined) return o.customTransport;
  const kind = o.transport ?? TransportKind.WebSocket;
  if (
    kind !== TransportKind.WebSocket &&
    kind !== TransportKind.Auto &&
    kind !== TransportKind.Sse
  ) {
    throw new TroupeUsageError(`unknown transport ${String(kind)}`);
  }
  const fetchFn = o.fetch ?? (globalThis as { fetch?: FetchFn }).fetch;
  const sse = fetchFn === undefined ? undefined : new SseTransport(fetchFn);
  if (kind === TransportKind.Sse) {
    if (sse === undefined) throw new TroupeUsageError('no fetch implementation found (SSE)');
    return sse;
  }
  const Ctor = o.WebSocket ?? defaultWebSocket();
  const ws = Ctor === undefined ? undefined : new WebSocketTransport(Ctor);
  if (kind === TransportKind.Auto && ws !== undefined && sse !== undefined) {
    return new AutoTransport(ws, sse);
  }
  const any = ws ?? (kind === TransportKind.Auto ? sse : undefined);
  if (any === undefined) throw new TroupeUsageError('no WebSocket implementation found');
  return any;
}

export function resolveOptions(o: ConnectOptions): Resolved {
  if (o.protocol !== undefined && o.protocol !== Protocol.Msgpack && o.protocol !== Protocol.Json) {
    throw new TroupeUsageError(`unknown protocol ${String(o.protocol)}`);
  }
  if (o.token !== undefined && o.getToken !== undefined) {
    throw new TroupeUsageError('give token or getToken, not both');
  }
  const limits: Resolved['limits'] = { ...ClientLimits };
  for (const [k, v] of Object.entries(o.limits ?? {})) {
    if (!TUNABLE.includes(k)) throw new TroupeUsageError(`unknown limit ${k}`);
    (limits as Record<string, number>)[k] = positive(k, v, 0);
  }
  // The timing options, each into its `limits` key (`name` is how messages call it).
  const timing = (key: keyof typeof ClientLimits, v: number | undefined, name: string = key) => {
    limits[key] = positive(name, v, limits[key]);
  };
  const b = o.backoff;
  timing('requestTimeoutMs', o.requestTimeoutMs);
  timing('connectTimeoutMs', o.connectTimeoutMs);
  timing('backoffBaseMs', b?.baseMs, 'backoff.baseMs');
  timing('backoffMaxMs', b?.maxMs, 'backoff.maxMs');
  timing('backoffStableMs', b?.stableMs, 'backoff.stableMs');
  return {
    limits,
    protocol: o.protocol ?? Protocol.Msgpack,
    transport: pickTransport(o),
    clock: o.clock ?? systemClock,
    random: o.random ?? Math.random,
    token: o.token,
    getToken: o.getToken,
    member: o.member,
  };
}

/** The wait before reconnect attempt `attempt` (0 first), at least what a `bye` asked. */
export function reconnectDelay(r: Resolved, attempt: number, byeRetryMs: number): number {
  const { backoffBaseMs: baseMs, backoffMaxMs: maxMs, maxByeRetryMs } = r.limits;
  return Math.max(
    backoffDelay(attempt, { baseMs, maxMs }, r.random),
    Math.min(byeRetryMs, maxByeRetryMs),
  );
}
