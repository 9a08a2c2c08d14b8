/**
 * The node's bounds and timings, each named once with what happens at it. `node.ts` builds the
 * gateway and dispatcher from these; `config.ts` reads them as the defaults of its flags.
 *
 * Only server/ and workers/ import this file: gateway/ and dispatcher/ sit below server/ in the
 * import direction, so the bounds internal to them stay named in their own files.
 */
export const Limits = {
  /** Topic routers (connection shards) per gateway; each owns a share of the connections. */
  routers: 4,
  /** Topics one connection may hold; the next `sub` is answered `err` 413. */
  maxSubscriptions: 1000,
  /** Client requests per second a connection earns; above it (and its burst) `err` 429. */
  ratePerSec: 200,
  /** Requests a connection may send at once above its rate before `err` 429. */
  rateBurst: 400,
  /** Rate-limited requests in a row; at this many the connection is closed with 4029. */
  rateStrikes: 50,
  /** Messages queued to one connection actor; past it the client is closed with 4008. */
  mailboxCapacity: 4096,
  /** Default client ping interval (hello `hb`, `--heartbeat-ms`). */
  heartbeatMs: 25_000,
  /** Heartbeats without a frame from the client; after that it is closed with 1001. */
  idleHeartbeats: 2.5,
  /** A client's sub (router, history) or pub waiting on the dispatcher; then `err` 503. */
  requestTimeoutMs: 5_000,
  /** Bye's `retryMs` is drawn from [0, this): a drained fleet must not reconnect in one wave. */
  drainRetryMaxMs: 5_000,
  /** How long a drain waits for clients to leave; the connections left are then closed. */
  drainTimeoutMs: 5_000,
  /** A worker's drain as the main waits for it: longer than `drainTimeoutMs`, so it can finish. */
  workerDrainTimeoutMs: 8_000,
} as const;
