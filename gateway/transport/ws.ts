/**
 * The second client transport, on Node's http server and the `ws` package.
 *
 *   'upgrade' ─> path/method/handshake checks ─> handlers.upgrade (sync or async)
 *        ─> wss.handleUpgrade (handleProtocols answers the chosen protocol) ─> open
 *        ─> (message | drain)* ─> close (local close, peer close, or a ws protocol error)
 *   'request' ─> body collected up to maxHttpBody ─> handlers.http
 *
 * With `tls` the server is Node's https server (`node-server.ts`): the same events over TLS.
 *
 * It mirrors uWS where `ws` differs: the close handler runs as soon as the connection is
 * closed from the server's side (`ws` itself would wait for the peer's close frame, up to
 * 30 s), sends past `maxBackpressure` are dropped rather than queued, and 'drain' is reported
 * when a write that left bytes buffered has been flushed.
 *
 * Bounds uWS has built in and Node's server must be told:
 * - Handshake deadline: a request (an upgrade included) whose headers are not complete within
 *   HANDSHAKE_TIMEOUT_MS (uWS: 10 s) is answered 408 and closed, so slowloris upgrades cannot
 *   pile up; a request body must be complete within REQUEST_TIMEOUT_MS.
 * - Closing handshake: after a close frame the socket is destroyed at once if the peer is not
 *   reading (its buffer is over `maxBackpressure`: a slow consumer), else after
 *   CLOSE_GRACE_MS if the peer has not answered it, instead of `ws`'s 30 s.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type {
  HttpResponse,
  SendResult,
  Transport,
  TransportConnection,
  TransportHandlers,
  TransportKind,
  TransportOptions,
  UpgradeDecision,
  UpgradeRequest,
} from './types';
import { TransportCloseCode, clampReason, wsErrorCloseCode, wsErrorReason } from './close';
import { TransportListenError, TransportStateError } from './errors';
import {
  internalErrorDecision,
  internalErrorResponse,
  notFoundResponse,
  overloadedResponse,
  parseProtocols,
  pickProtocol,
  settle,
  splitUrl,
  statusLine,
  tooLargeResponse,
} from './request';
import { createNodeServer, type NodeServer } from './node-server';
import { wsStream } from './sse-ws';
import { streamHostOf, type StreamHost } from './stream-host';

/** Headers of a request must be complete within this (uWS has the same 10 s built in). */
export const HANDSHAKE_TIMEOUT_MS = 10_000;
/** A whole HTTP request, body included (bodies are at most `maxHttpBody`). */
const REQUEST_TIMEOUT_MS = 30_000;
/** How long a peer has to answer our close frame before its socket is destroyed. */
export const CLOSE_GRACE_MS = 1000;

const binaryFrame = { binary: true, compress: false, fin: true } as const;
const textFrame = { binary: false, compress: false, fin: true } as const;
const websocketKey = /^[+/0-9A-Za-z]{22}==$/;

export class WsConnection implements TransportConnection {
  private closed = false;
  private drainWanted = false;
  /** One bound callback per connection, so sends allocate no closure. */
  private readonly afterWrite = (): void => this.onFlushed();

  constructor(
    private readonly ws: WebSocket,
    private readonly transport: WsTransport,
    readonly remoteAddress: string,
    readonly subprotocol: string,
    public userData: unknown,
  ) {}

  send(data: Uint8Array | string, binary: boolean): SendResult {
    if (this.closed) return 'dropped';
    const ws = this.ws;
    if (ws.bufferedAmount > this.transport.maxBackpressure) return 'dropped';
    ws.send(data, binary ? binaryFrame : textFrame, this.afterWrite);
    if (ws.bufferedAmount === 0) return 'ok';
    this.drainWanted = true;
    return 'backpressure';
  }

  bufferedAmount(): number {
    return this.closed ? 0 : this.ws.bufferedAmount;
  }

  close(code: number, reason: string): void {
    if (this.closed) return;
    const clamped = clampReason(reason);
    const ws = this.ws;
    ws.close(code, clamped);
    // A peer that does not read would hold the socket (and its buffer) until ws's 30 s
    // closing timeout: one that is behind goes now, any other gets a short grace.
    if (ws.bufferedAmount > this.transport.maxBackpressure) ws.terminate();
    else setTimeout(terminateUnlessClosed, this.transport.closeGraceMs, ws).unref();
    this.markClosed();
    queueMicrotask(() => this.transport.handlers.close(this, code, clamped));
  }

  terminate(): void {
    if (this.closed) return;
    this.ws.terminate();
    this.markClosed();
    queueMicrotask(() => this.transport.handlers.close(this, TransportCloseCode.Abnormal, ''));
  }

  /** `ws` has no cork of its own that keeps `bufferedAmount` meaningful, so just run `fn`. */
  cork(fn: () => void): void {
    fn();
  }

  /** @internal the peer closed, or `ws` closed the connection itself. */
  onClosed(code: number, reason: string): void {
    if (this.closed) return;
    this.markClosed();
    this.transport.handlers.close(this, code, reason);
  }

  /** @internal */
  isClosed(): boolean {
    return this.closed;
  }

  private markClosed(): void {
    this.closed = true;
    this.transport.forget(this);
  }

  private onFlushed(): void {
    if (!this.drainWanted || this.closed || this.ws.bufferedAmount !== 0) return;
    this.drainWanted = false;
    this.transport.handlers.drain?.(this);
  }
}

function terminateUnlessClosed(ws: WebSocket): void {
  if (ws.readyState !== ws.CLOSED) ws.terminate();
}

export class WsTransport implements Transport {
  readonly kind: TransportKind = 'ws';
  /** @internal */
  readonly handlers: TransportHandlers;
  /** @internal */
  readonly maxBackpressure: number;
  /** @internal */
  readonly closeGraceMs: number;
  private readonly server: NodeServer;
  private readonly wss: WebSocketServer;
  /** WebSockets and one-way streams (SSE) alike: both count against `maxConnections`. */
  /** @internal */
  readonly open = new Set<TransportConnection>();
  /** Upgrades whose decision is pending (async handler): they count against maxConnections. */
  /** @internal */
  deciding = 0;
  /** What SSE streams share of this transport (made on the first one). */
  private streams: StreamHost | undefined;
  /** @internal */
  readonly maxConnections: number;
  /** The subprotocol chosen for a request between its upgrade decision and the handshake. */
  private readonly chosenProtocol = new WeakMap<IncomingMessage, string>();
  private listening = false;

  constructor(private readonly opts: TransportOptions) {
    this.handlers = opts.handlers;
    this.maxBackpressure = opts.maxBackpressure;
    this.maxConnections = opts.maxConnections ?? Infinity;
    this.closeGraceMs = opts.closeGraceMs ?? CLOSE_GRACE_MS;
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: opts.maxPayload,
      perMessageDeflate: false,
      clientTracking: false,
      handleProtocols: (_offered, req) => this.chosenProtocol.get(req) || false,
    });
    const headersTimeout = opts.handshakeTimeoutMs ?? HANDSHAKE_TIMEOUT_MS;
    this.server = createNodeServer(
      {
        headersTimeout,
        requestTimeout: Math.max(headersTimeout, REQUEST_TIMEOUT_MS),
        // Node checks both only this often (default 30 s): a deadline must not run 3x over.
        connectionsCheckingInterval: Math.min(1000, Math.ceil(headersTimeout / 4)),
      },
      opts.tls,
      headersTimeout,
      (req, res) => this.onRequest(req, res),
    );
    this.server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) =>
      this.onUpgrade(req, socket, head),
    );
  }

  get connections(): number {
    return this.open.size;
  }

  listen(host: string, port: number): Promise<number> {
    if (this.listening) {
      return Promise.reject(new TransportStateError('ws transport is already listening'));
    }
    return new Promise((resolve, reject) => {
      const onError = (err: Error): void => reject(new TransportListenError(host, port, err));
      this.server.once('error', onError);
      this.server.listen({ host, port }, () => {
        this.server.off('error', onError);
        this.server.on('error', (err) => this.handlers.error?.(err));
        this.listening = true;
        resolve((this.server.address() as AddressInfo).port);
      });
    });
  }

  close(): Promise<void> {
    if (!this.listening) return Promise.resolve();
    this.listening = false;
    // Stops accepting now; the callback would wait for every open connection, so do not.
    this.server.close();
    return Promise.resolve();
  }

  closeAll(code: number, reason: string): void {
    for (const conn of [...this.open]) conn.close(code, reason);
  }

  /** @internal */
  forget(conn: TransportConnection): void {
    this.open.delete(conn);
  }

  private onUpgrade(req: IncomingMessage, socket: Socket, head: Buffer): void {
    // The http server stops watching an upgraded socket: a reset here must not go unhandled.
    socket.on('error', () => socket.destroy());
    const { path, query } = splitUrl(req.url ?? '/');
    if (req.method !== 'GET' || path !== this.opts.wsPath) {
      rejectUpgrade(socket, notFoundResponse.status, String(notFoundResponse.body));
      return;
    }
    if (!isWebSocketHandshake(req)) {
      rejectUpgrade(socket, 400, 'bad websocket handshake');
      return;
    }
    if (this.open.size + this.deciding >= this.maxConnections) {
      this.handlers.refused?.();
      rejectUpgrade(socket, overloadedResponse.status, String(overloadedResponse.body));
      return;
    }
    const upgradeReq: UpgradeRequest = {
      path,
      query,
      headers: readHeaders(req),
      protocols: parseProtocols(req.headers['sec-websocket-protocol']),
      remoteAddress: req.socket.remoteAddress ?? '',
    };
    let pending = false;
    pending = settle(
      () => this.handlers.upgrade(upgradeReq),
      internalErrorDecision,
      this.handlers.error,
      (decision) => {
        if (pending) this.deciding--;
        this.completeUpgrade(req, socket, head, upgradeReq, decision);
      },
    );
    if (pending) this.deciding++;
  }

  private completeUpgrade(
    req: IncomingMessage,
    socket: Socket,
    head: Buffer,
    upgradeReq: UpgradeRequest,
    decision: UpgradeDecision,
  ): void {
    if (socket.destroyed || !socket.writable) return; // the client left while we decided
    if (!decision.accept) {
      rejectUpgrade(socket, decision.status, decision.body);
      return;
    }
    const protocol = pickProtocol(upgradeReq.protocols, decision.protocol);
    this.chosenProtocol.set(req, protocol);
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      this.chosenProtocol.delete(req);
      this.onOpen(ws, upgradeReq.remoteAddress, protocol, decision.userData);
    });
  }

  private onOpen(ws: WebSocket, remoteAddress: string, protocol: string, userData: unknown): void {
    const conn = new WsConnection(ws, this, remoteAddress, protocol, userData);
    ws.on('message', (data: RawData, isBinary: boolean) => {
      if (conn.isClosed()) return;
      // With the default binaryType a message is a Buffer the receiver made for it alone.
      const buf = data as Buffer;
      this.handlers.message(conn, isBinary ? buf : buf.toString('utf8'), isBinary);
    });
    ws.on('error', (err: Error & { code?: string }) => {
      // `ws` closes the connection itself (1009 for maxPayload, 1007 for bad UTF-8, ...).
      conn.onClosed(wsErrorCloseCode(err.code), wsErrorReason(err.code, err.message));
    });
    ws.on('close', (code: number, reason: Buffer) => conn.onClosed(code, reason.toString('utf8')));
    this.open.add(conn);
    this.handlers.open(conn);
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    const max = this.opts.maxHttpBody;
    if (Number(req.headers['content-length'] ?? 0) > max) {
      writeResponse(res, tooLargeResponse, true);
      req.resume();
      return;
    }
    const method = req.method ?? 'GET';
    const remoteAddress = req.socket.remoteAddress ?? '';
    const { path, query } = splitUrl(req.url ?? '/');
    const headers = readHeaders(req);
    if (path === this.opts.ssePath && method === 'GET' && this.handlers.stream !== undefined) {
      const request = { path, query, headers, protocols: [], remoteAddress };
      return wsStream((this.streams ??= streamHostOf(this)), req, res, request);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      if (tooLarge) return;
      size += chunk.length;
      if (size > max) {
        tooLarge = true;
        writeResponse(res, tooLargeResponse, true);
        return;
      }
      chunks.push(chunk);
    });
    req.on('error', () => res.destroy());
    req.on('end', () => {
      if (tooLarge) return;
      const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
      settle(
        () => this.handlers.http({ method, path, query, headers, body, remoteAddress }),
        internalErrorResponse,
        this.handlers.error,
        (response) => writeResponse(res, response, false),
      );
    });
  }
}

function isWebSocketHandshake(req: IncomingMessage): boolean {
  const key = req.headers['sec-websocket-key'];
  const version = req.headers['sec-websocket-version'];
  return (
    req.headers.upgrade?.toLowerCase() === 'websocket' &&
    key !== undefined &&
    websocketKey.test(key) &&
    (version === '13' || version === '8')
  );
}

function rejectUpgrade(socket: Socket, status: number, body: string): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  socket.once('finish', () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${statusLine(status)}\r\n` +
      'Connection: close\r\n' +
      'Content-Type: text/plain; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n` +
      body,
  );
}

function writeResponse(
  res: ServerResponse,
  response: HttpResponse,
  closeConnection: boolean,
): void {
  if (res.headersSent || res.destroyed) return;
  res.statusCode = response.status;
  if (response.headers !== undefined) {
    for (const name in response.headers) res.setHeader(name, response.headers[name]!);
  }
  if (closeConnection) res.setHeader('connection', 'close');
  // Node leaves it out for HEAD; uWS sends it: announce the body either way.
  if (!res.hasHeader('content-length')) {
    res.setHeader('content-length', Buffer.byteLength(response.body));
  }
  res.end(response.body);
}

/** Node's `req.headers`, with repeated headers (set-cookie) joined like the others. */
function readHeaders(req: IncomingMessage): Record<string, string> {
  const headers = Object.create(null) as Record<string, string>;
  for (const name in req.headers) {
    const value = req.headers[name];
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}
