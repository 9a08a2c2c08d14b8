/**
 * The client's bounds and timings, each named once. The client is bundled for browsers, so it
 * cannot import `server/limits.ts`; `limits.test.ts` keeps these inside the server's own bounds
 * (a client that paced itself above the server's rate would be refused with 429, then 4029).
 */
export const ClientLimits = {
  /** Requests sent and not yet answered (sub, unsub, pub, refresh); past it `TroupeLimitError`. */
  maxPending: 4096,
  /** Publishes waiting for a connection or for the send pace; past it `TroupeLimitError`. */
  maxQueuedPublishes: 1000,
  /** Bytes of those publishes (encoded frames). */
  maxQueuedBytes: 1024 * 1024,
  /** Topics (presence included) one client holds: the server's own per-connection bound. */
  maxSubscriptions: 1000,
  /** Largest frame the client sends: the server's default `--max-frame` (a bigger one closes 1009). */
  maxFrameBytes: 64 * 1024,
  /** Requests per second the client sends, and the burst above it (the server allows 200/400). */
  ratePerSec: 150,
  rateBurst: 300,
  /** A request without `ack`/`err` within it rejects with `TroupeTimeoutError`. */
  requestTimeoutMs: 10_000,
  /** From opening a socket to its `hello`; then the attempt counts as failed. */
  connectTimeoutMs: 10_000,
  /** Full-jitter backoff: the n-th retry waits random(0, min(maxMs, baseMs * 2^n)). */
  backoffBaseMs: 500,
  backoffMaxMs: 30_000,
  /** A connection up this long resets the backoff; a server that accepts then drops does not. */
  backoffStableMs: 5_000,
  /** `bye.retryMs` is honoured up to this (a bogus huge value must not park the client). */
  maxByeRetryMs: 60_000,
  /** `hello.hb` is clamped into this range before it paces pings. */
  minPingMs: 100,
  maxPingMs: 300_000,
  /** Pings without a `pong`; at this many the connection is dead and is replaced. */
  missedPongs: 2,
  /** A failed resubscription (429, 503, timeout) is retried after this, doubling up to the cap. */
  resubscribeRetryMs: 1_000,
  resubscribeRetryMaxMs: 30_000,
  /** A token is refreshed when this much of its life is left, or half of it if shorter. */
  refreshBeforeExpMs: 30_000,
  /** SSE: the largest event (or line) read from a stream; past it the stream is dropped. */
  sseMaxEventBytes: 4 * 1024 * 1024,
  /** SSE: a stream silent (no event, no `: hb` comment) for this many `hb` is dead. */
  sseIdleHeartbeats: 2.5,
} as const;

export type ClientLimitName = keyof typeof ClientLimits;
