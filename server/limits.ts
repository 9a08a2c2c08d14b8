/**
 * The node's bounds and timings, each named once with what happens at it. `node.ts` builds the
 * gateway and dispatcher from these; `config.ts` reads them as the defaults of its flags; the
 * bounds internal to a tier (replay chunks, drain polling, idle positions) are read by that
 * tier directly.
 *
 * A leaf module: it imports nothing, so gateway/ and dispatcher/ may import it without turning
 * the import direction (server/ builds them) into a cycle.
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
  /** How often a drain looks whether every client has left; it ends then or at its timeout. */
  drainPollMs: 20,
  /** Smallest HTTP body accepted (a publish), even when client frames are capped lower; then 413. */
  minHttpBody: 1024 * 1024,
  /** Distinct topics whose unencodable events are logged; past it they are only counted. */
  skipLogTopics: 100,
  /**
   * The most events a newcomer may ask for (`sub` with `last: N`, `GET /v1/history?limit=N`;
   * PROTOCOL.md §12), so one request costs at most this many held events; more is 400.
   */
  maxHistoryLast: 1_000,
  /** Events `GET /v1/history` answers when the request names no `limit`. */
  historyDefaultLimit: 100,
  /**
   * JSON bytes of the events one `GET /v1/history` answer carries: past it the oldest of them
   * are left out (`truncated: true`), so 1,000 large events cannot make one answer huge.
   */
  historyHttpMaxBytes: 4 * 1024 * 1024,
  /**
   * `GET /v1/history` requests one gateway answers at once (each may hold an owner's answer and
   * its JSON); past it a request is answered 503 at once, so a flood holds at most this many.
   */
  historyHttpInFlight: 64,
  /** Replayed events per frame; a longer history goes out in several frames. */
  replayChunk: 100,
  /** Queued batches a connection folds into one write at most; then the run is written. */
  maxHeldBatches: 64,
  /**
   * Times a connection that caught up tries again to join its topics' live channels while its
   * mailbox or its router's backlog is not empty; past it the subscriptions stay with the
   * router (gateway/conn-live.ts).
   */
  maxLiveRetries: 16,
  /**
   * How often, at least, the uws transport checks the sockets fed by native fan-out (live
   * channels) for more than --outbound-limit bytes waiting (closed 4008); it also checks once
   * half the bound has been published since the last check. ~50 ns per socket.
   */
  liveSweepMs: 1000,
  /**
   * uWS's own bound, as a multiple of --outbound-limit: a socket that grew past it between two
   * sweeps is closed by uWS itself at the next published frame (reported 1006), never skipped.
   */
  liveHardLimitFactor: 4,
  /** Bye's `retryMs` to a client whose actor was stopped from outside: it comes back after it. */
  stoppedRetryMs: 1_000,
  /** Online members (presence actors) one dispatcher tracks; past it new members are refused. */
  maxPresenceMembers: 1_000_000,
  /** Members per presence heartbeat or query message on a link. */
  presenceChunk: 1_000,
  /** Members one `GET /v1/presence` may ask about; more is 400. */
  maxPresenceQuery: 1_000,
  /** Latency samples held between scrapes; past it new ones wait for the next scrape. */
  maxLatencySamples: 10_000,
  /** How often the dispatcher lets expired events and idle positions go. */
  dispatcherSweepMs: 1_000,
  /** Positions of topics nobody has interest in, kept at most (oldest let go first). */
  maxIdlePositions: 100_000,
  /** How long a store remembers an offline member's lastSeen (the `sub` ack of its presence). */
  presenceRetentionMs: 24 * 60 * 60 * 1000,
  /** Live presence entries the memory store holds; past it the oldest-touched one is let go. */
  presenceMaxEntries: 1_000_000,
  /** Offline members whose lastSeen the memory store remembers; past it the oldest goes. */
  presenceMaxRemembered: 1_000_000,
  /** How often the memory store lets expired entries go (besides a little on every call). */
  presenceSweepMs: 1_000,
  /** Entries one sweep tick lets go at most, so a mass expiry never stalls the event loop. */
  presenceSweepBatch: 20_000,
  /** A Redis command (and a connect) without an answer; then the call rejects, Redis is down. */
  storeCommandTimeoutMs: 1_000,
  /** First Redis reconnect delay; it doubles per failed attempt up to `storeRetryMaxMs`. */
  storeRetryBaseMs: 50,
  /** Longest pause between two Redis reconnect attempts. */
  storeRetryMaxMs: 2_000,
  /** Members per Redis pipeline; a larger call is sent as several pipelines at once. */
  storeChunkMembers: 1_000,
  /** Redis key operations awaiting a reply; a call past it is refused (StoreUnavailableError). */
  storeMaxPending: 100_000,
  /** Viewer counts (PROTOCOL.md §8): the default of --count-interval-ms. */
  countIntervalMs: 1_000,
  /**
   * Every this many count intervals a gateway re-reports all its non-zero counts to their
   * owners and an owner re-sends its datacenter's sums to the other datacenters, so a new
   * owner (or a peer datacenter) converges even if a report was lost in a change of ownership.
   */
  countRefreshIntervals: 10,
  /** Count intervals without a refresh after which another datacenter's sum is let go. */
  countDcExpiryIntervals: 35,
  /** [topic, n] pairs per count link message (1,000 topics of 200 bytes stay under 256 KiB). */
  countChunk: 1_000,
  /** Topics one gateway (or one other datacenter) may hold counts for at an owner; more are dropped. */
  countTopicsPerSource: 100_000,
  /** The largest count a report may carry (a link that sends more is dropped as bad-frame). */
  maxCount: 1_000_000_000,
  /**
   * Topics one Server-Sent Events stream may name (and at most `maxSubscriptions`); more is
   * HTTP 413. Its `Last-Event-ID` holds a position per topic, so this bounds that header too.
   */
  sseMaxTopics: 100,
  /** Characters of an SSE request's query string; longer is HTTP 414 (a browser URL fits). */
  sseMaxQuery: 16 * 1024,
  /** Characters of a `Last-Event-ID` read at most; a longer one is treated as absent. */
  sseMaxLastEventId: 4096,
  /** Bytes of a --tls-cert or --tls-key file read at most; a larger one stops the start. */
  tlsFileMaxBytes: 1024 * 1024,
  /** Bytes of a `--config` file; a larger one is refused before it is parsed. */
  maxConfigFileBytes: 1024 * 1024,
  /** Rows `troupe admin topics --top N` may ask for (an admin answer is one line). */
  maxAdminTopicsTop: 1_000,
  /** Gateways named per topic in an admin `topic` answer; the count of all is given too. */
  maxAdminReportGateways: 100,
} as const;
