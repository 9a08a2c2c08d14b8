/**
 * Numeric codes of the wire contract (PROTOCOL.md §2): `err` codes, WebSocket close codes, and
 * the one table of disconnect reasons every part of the server closes connections with.
 *
 * Why one `Disconnect` table (centrifuge style): a close is always a code *and* a reason text, and
 * spelling them in one place keeps every close of one kind identical on the wire, so clients and
 * dashboards can rely on the pair.
 */

/** `code` of an `err` message (HTTP-like, so operators read them without a lookup table). */
export const ErrorCode = {
  BadRequest: 400,
  Unauthorized: 401,
  Forbidden: 403,
  NotFound: 404,
  Conflict: 409,
  TooLarge: 413,
  RateLimited: 429,
  Internal: 500,
  Unavailable: 503,
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** WebSocket close codes the server uses; nothing outside this list goes on the wire. */
export const CloseCode = {
  Normal: 1000,
  GoingAway: 1001,
  /** Invalid UTF-8 in a text frame (PROTOCOL.md §11); the transports close with it themselves. */
  InvalidPayload: 1007,
  TooLarge: 1009,
  Undecodable: 4000,
  AuthFailed: 4001,
  SlowConsumer: 4008,
  RateLimited: 4029,
} as const;
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

/** A close: code plus reason text (at most 123 UTF-8 bytes, the limit RFC 6455 leaves a reason). */
export interface DisconnectReason {
  readonly code: CloseCode;
  readonly reason: string;
  /**
   * Its `reason` label in `troupe_disconnects_total`: spelled out, not derived from the text,
   * because dashboards select on it and a reworded reason must not rename a series.
   */
  readonly label: string;
}

/**
 * Every way the server closes a client connection.
 *
 * `IdleTimeout` (no frame from the client within its heartbeat window) uses 1001: the contract
 * lists no dedicated code for it, and 1001 is the one that makes every client library reconnect
 * at once — which is right, since the usual cause is a dead network path, not a bad client.
 * `TokenExpired` shares 4001 with `AuthFailed` as the contract says, with its own reason text.
 */
export const Disconnect = {
  Normal: { code: CloseCode.Normal, reason: 'normal', label: 'normal' },
  Shutdown: {
    code: CloseCode.GoingAway,
    reason: 'server shutting down',
    label: 'server_shutting_down',
  },
  /** One connection stopped by an operator (`troupe admin stop`) or its supervisor. */
  Stopped: {
    code: CloseCode.GoingAway,
    reason: 'connection stopped by server',
    label: 'stopped_by_server',
  },
  IdleTimeout: { code: CloseCode.GoingAway, reason: 'idle timeout', label: 'idle_timeout' },
  InvalidPayload: {
    code: CloseCode.InvalidPayload,
    reason: 'invalid UTF-8',
    label: 'invalid_utf8',
  },
  TooLarge: { code: CloseCode.TooLarge, reason: 'frame too large', label: 'frame_too_large' },
  Undecodable: {
    code: CloseCode.Undecodable,
    reason: 'undecodable frame',
    label: 'undecodable_frame',
  },
  AuthFailed: {
    code: CloseCode.AuthFailed,
    reason: 'authentication failed',
    label: 'authentication_failed',
  },
  TokenExpired: { code: CloseCode.AuthFailed, reason: 'token expired', label: 'token_expired' },
  SlowConsumer: { code: CloseCode.SlowConsumer, reason: 'slow consumer', label: 'slow_consumer' },
  RateLimited: {
    code: CloseCode.RateLimited,
    reason: 'rate limit exceeded',
    label: 'rate_limit_exceeded',
  },
} as const satisfies Record<string, DisconnectReason>;
export type DisconnectName = keyof typeof Disconnect;
