/**
 * The client transport seam: the interface both implementations keep (`index.ts` holds the
 * factory, so this file imports neither).
 *
 *   uws (default)  uWebSockets.js, `uws.ts`
 *   ws             Node's http server + the `ws` package, `ws.ts`
 *
 * Both pass the same contract suite (`transport.contract.test.ts`), so the gateway never
 * knows which one it runs on.
 *
 * Connection lifecycle, as every implementation reports it:
 *
 *   upgrade ──accept──> open ──(message | drain)*──> close (exactly once)
 *      └──reject──> (HTTP status; no open, no close)
 *
 * - `close` is never called re-entrantly from inside `close()`/`terminate()`: a local close
 *   is reported on a microtask, a peer close or error when the transport sees it.
 * - From the moment `close()`/`terminate()` is called, or the peer is gone, the connection
 *   is closed: `send` returns 'dropped' and `close`/`terminate`/`cork` do nothing harmful.
 * - A client frame above `maxPayload` closes the connection with 1009 (on uws only up to its
 *   hard cap, see `uws.ts`); a text frame that is not UTF-8 closes it with 1007.
 * - With `maxConnections` open or being decided, an upgrade is answered 503 at once, before
 *   `upgrade` is called: plain HTTP (health checks) is never refused for it.
 */

export const TransportKind = { Uws: 'uws', Ws: 'ws' } as const;
export type TransportKind = (typeof TransportKind)[keyof typeof TransportKind];

/** uWS `send()` results: 1 ok, 0 backpressure (queued, will drain), 2 dropped (not sent). */
export type SendResult = 'ok' | 'backpressure' | 'dropped';

export interface TransportConnection {
  readonly remoteAddress: string;
  /** The subprotocol agreed at upgrade ('' if none). */
  readonly subprotocol: string;
  /** Safe after close: returns 'dropped' and never throws. */
  send(data: Uint8Array | string, binary: boolean): SendResult;
  bufferedAmount(): number;
  /** Sends a close frame; idempotent; safe after the peer left. */
  close(code: number, reason: string): void;
  /** Hard close without a close frame; idempotent. */
  terminate(): void;
  /** Batches the sends made inside `fn` into one syscall where the transport can. */
  cork(fn: () => void): void;
  /** Slot the gateway uses to attach its connection actor. */
  userData: unknown;
  /**
   * Where the transport fans out natively (`Transport.fanout`): from now on the socket also
   * gets every frame published on `channel`, after whatever was sent to it before. False when
   * the connection is closed.
   */
  join?(channel: string): boolean;
  /** Stops the frames of `channel`; safe when not joined or closed. */
  leave?(channel: string): void;
}

/**
 * Fan-out done by the transport itself (uWS topics): one call hands a frame to every socket
 * that joined the channel, in native code, in the order of every send and publish made to
 * each socket. A socket that stops reading is closed, never skipped: past `maxBackpressure` with
 * 4008 (slow consumer) by the transport's check, past its hard bound by uWS itself (1006), so
 * nothing is left out silently.
 */
export interface NativeFanout {
  publish(channel: string, data: Uint8Array | string, binary: boolean): void;
}

export interface UpgradeRequest {
  path: string;
  query: URLSearchParams;
  /** Lowercased names; repeated headers joined with ', '. */
  headers: Record<string, string>;
  /** The subprotocols the client offered, in its order. */
  protocols: string[];
  remoteAddress: string;
}

/**
 * `protocol` is sent back only when the client offered subprotocols and `protocol` is one of
 * them; otherwise the connection has no subprotocol ('').
 */
export type UpgradeDecision =
  | { accept: true; protocol: string | null; userData?: unknown }
  | { accept: false; status: number; body: string };

/**
 * The answer to a request for a one-way stream (`ssePath`). Accepted, the transport answers
 * 200 with `headers`, writes `preamble`, and from then on the stream is a connection like a
 * WebSocket (open, sends, close) that never receives a message. Refused: an HTTP status.
 */
export type StreamDecision =
  | {
      accept: true;
      userData: unknown;
      headers: Record<string, string>;
      preamble: string;
      /** The last bytes of a stream the server closes (SSE has no close frame: a `bye`). */
      farewell(code: number, reason: string): string;
    }
  | { accept: false; status: number; body: string; headers?: Record<string, string> };

export interface HttpRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Record<string, string>;
  body: Buffer;
  /** The peer's address (per-address auth throttling); '' where unknown. */
  remoteAddress?: string;
}

export interface HttpResponse {
  status: number;
  headers?: Record<string, string>;
  body: string | Buffer;
}

export interface TransportHandlers {
  /** Only called for GET upgrades on `wsPath`; an upgrade elsewhere gets 404. A throw or rejection answers 500. */
  upgrade(req: UpgradeRequest): UpgradeDecision | Promise<UpgradeDecision>;
  open(conn: TransportConnection): void;
  /** Text frames as string, binary frames as a Uint8Array the handler owns (a copy). */
  message(conn: TransportConnection, data: Uint8Array | string, binary: boolean): void;
  /** Some buffered output was written out; check `bufferedAmount()`. */
  drain?(conn: TransportConnection): void;
  /** Exactly once per opened connection. */
  close(conn: TransportConnection, code: number, reason: string): void;
  /** Every non-upgrade request (body up to `maxHttpBody`, else 413 without calling). A throw or rejection answers 500. */
  http(req: HttpRequest): HttpResponse | Promise<HttpResponse>;
  /** Told about a throw or rejection of `upgrade` or `http` (the client got a 500). */
  error?(err: unknown): void;
  /** Told about an upgrade refused with 503 because `maxConnections` were open. */
  refused?(): void;
  /**
   * A GET on `ssePath` (Server-Sent Events), decided like an upgrade and counted against
   * `maxConnections` the same way. A throw or rejection answers 500.
   */
  stream?(req: UpgradeRequest): StreamDecision | Promise<StreamDecision>;
}

/**
 * TLS on a listener (--tls-cert, --tls-key), read and checked once at start (`server/tls.ts`):
 * the PEM files by name, which is how uWS takes them, and their contents, which is how Node's
 * https server takes them.
 */
export interface TransportTls {
  readonly certFile: string;
  readonly keyFile: string;
  readonly cert: Buffer;
  readonly key: Buffer;
}

export interface TransportOptions {
  /** '/v1/ws' */
  wsPath: string;
  /** '/v1/sse': GETs here go to `handlers.stream` (when set) instead of `handlers.http`. */
  ssePath?: string;
  /** Bytes; a bigger client message closes the connection with 1009. */
  maxPayload: number;
  /** Bytes buffered per connection before `send()` reports 'dropped'. */
  maxBackpressure: number;
  maxHttpBody: number;
  /**
   * Open connections plus upgrades being decided; past it an upgrade gets 503 without reaching
   * `handlers.upgrade`. Unset: no bound (the gateway always sets one).
   */
  maxConnections?: number;
  /**
   * Request headers (an upgrade's included) must be complete within it, else the socket is
   * closed. Default 10 s; uws has its own 10 s built in and ignores this.
   */
  handshakeTimeoutMs?: number;
  /**
   * How long a peer has to answer the server's close frame before its socket is destroyed
   * (one not reading at all is destroyed at once). Default 1 s; uws closes by itself.
   */
  closeGraceMs?: number;
  handlers: TransportHandlers;
  /** Serve HTTPS and WSS instead of HTTP and WS (SSE streams included); unset: plain. */
  tls?: TransportTls;
  /**
   * Share the port with other processes (SO_REUSEPORT) so gateway workers can each listen on
   * it. Default true for uws (its own default on Linux). Node 20's `net` cannot set it, so
   * the ws transport always binds exclusively.
   */
  reusePort?: boolean;
}

export interface Transport {
  readonly kind: TransportKind;
  /** Resolves with the actual port (0 picks one); rejects if it cannot bind. */
  listen(host: string, port: number): Promise<number>;
  /** Stops listening; open connections are left for the gateway to close. */
  close(): Promise<void>;
  /** Closes every open connection with a close frame (shutdown). */
  closeAll(code: number, reason: string): void;
  readonly connections: number;
  /** Set where the transport fans out natively (uws); its connections then offer `join`. */
  readonly fanout?: NativeFanout;
}
