/**
 * The default client transport, on uWebSockets.js.
 *
 *   GET wsPath + upgrade ─> upgrade() ─> handlers.upgrade (sync, or async guarded by onAborted)
 *        ─> res.upgrade ─> open ─> UwsConnection.ws set ─> (message | drain)* ─> close
 *   any other request   ─> onHttp ─> body via onData (copied) ─> handlers.http ─> res.cork(end)
 *
 * uWS objects are only valid inside their callbacks: the request is stack-allocated (read it
 * all before returning), message ArrayBuffers are neutered on return (copy binary frames), and
 * a WebSocket throws once closed, so `UwsConnection.ws` is cleared the moment uWS reports the
 * close and every method checks it first.
 *
 * Oversized frames: uWS answers a frame above its `maxPayloadLength` by dropping the TCP
 * connection without a close frame (1006), as soon as the frame's header arrives. To give
 * clients a real 1009, uWS gets a hard cap of UWS_MAX_PAYLOAD (16 MiB) and messages between
 * `maxPayload` and it are closed here with 1009; only above the hard cap does the client see
 * 1006 (the close handler still reports 1009). The price: uWS buffers a frame until it is
 * complete, so a peer can make it hold up to 16 MiB (idle connections cost nothing more:
 * 1000 idle ones took the same RSS at 128 KiB and 16 MiB; 50 connections each holding 8 MiB
 * of a 15 MiB frame took 400 MiB more), for as long as the connection's idle timeout allows.
 *
 * With `tls` the app is an SSLApp: HTTPS, WSS and SSE streams over TLS on the one port.
 *
 * Invalid UTF-8 in a text frame: uWS validates text itself and drops the TCP connection
 * (1006 on the wire) before any handler runs; nothing in uWS.js can turn that into a 1007
 * close frame. The close handler reports 1007, so counters are right.
 *
 * Native fan-out (`fanout`): a connection that `join`s a channel is a uWS topic subscriber, and
 * `app.publish` writes a frame to all of a channel's sockets in native code, ordered with every
 * `send` to each socket (uWS drains a socket's published frames before a direct send). No
 * JavaScript sees those sockets' buffers grow, so a sweep (live-sweep.ts) closes the ones past
 * `maxBackpressure` with 4008; uWS itself is given 4x the bound with
 * `closeOnBackpressureLimit`, so a socket that outgrew that between sweeps is closed (1006)
 * at the next frame instead of skipped: a client never misses a frame without losing the
 * connection, and resumes from its position.
 *
 * Out of file descriptors, uWS would spin on accept(): an AcceptGuard closes the listening
 * socket until descriptors are free again and then reopens it on the same port. On an explicit
 * port that works at once (SO_REUSEPORT); on a port picked with 0, Linux refuses the new
 * listener while connections on the old one remain, so it reopens only once they are gone.
 */
import * as uWS from 'uWebSockets.js';
import type {
  HttpResponse,
  NativeFanout,
  SendResult,
  Transport,
  TransportConnection,
  TransportHandlers,
  TransportKind,
  TransportOptions,
  UpgradeDecision,
  UpgradeRequest,
} from './types';
import { AcceptGuard } from './accept-guard';
import { LiveSweep } from './live-sweep';
import { SocketList, type Listed } from './socket-list';
import { Limits } from '../../server/limits';
import { uwsStream } from './sse-uws';
import { streamHostOf } from './stream-host';
import { formatAddress, packAddress, unpackAddress } from './address';
import { TooBigReason, clampReason, uwsCloseCode } from './close';
import { CloseCode } from '../../protocol';
import { TransportListenError, TransportStateError, TransportTlsError } from './errors';
import {
  internalErrorDecision,
  internalErrorResponse,
  notFoundResponse,
  overloadedResponse,
  parseProtocols,
  pickProtocol,
  settle,
  statusLine,
  tooLargeResponse,
} from './request';

/** uWS `send()` returns 0 backpressure, 1 ok, 2 dropped. */
const sendResults: readonly SendResult[] = ['backpressure', 'ok', 'dropped'];

/**
 * uWS copies the upgrade userData's properties onto its WebSocket object, into a property
 * store V8 makes three slots long for the first: `subprotocol` and `closeAs` ride in the two
 * the connection would leave empty, instead of in fields of UwsConnection (8 bytes each).
 */
interface SocketData {
  conn: UwsConnection;
  subprotocol: string;
  /** The close to report when close() had to drop a peer that does not read (else uWS's 1006). */
  closeAs: { code: number; reason: string } | undefined;
}
type UwsSocket = uWS.WebSocket<SocketData>;

/** What a connection needs of its transport (one object shared by all of them). */
interface UwsHost {
  readonly maxBackpressure: number;
  readonly sweep: LiveSweep<UwsConnection>;
}

/** The typings lack listen(host, port, options, cb); the native addon has it. */
type ListenWithOptions = (
  host: string,
  port: number,
  options: number,
  cb: (listenSocket: uWS.us_listen_socket | false) => void,
) => uWS.TemplatedApp;
const LIBUS_LISTEN_EXCLUSIVE_PORT = 1;

/** uWS's own frame limit: past it uWS drops the connection without a close frame. */
export const UWS_MAX_PAYLOAD = 16 * 1024 * 1024;

/** UwsConnection's flags; the bits from LIST_SHIFT up are its SocketList index + 1. */
const CLOSED_LOCALLY = 1;
const JOINED = 2;
const LIST_SHIFT = 2;
const LOW_BITS = (1 << LIST_SHIFT) - 1;

export class UwsConnection implements TransportConnection, Listed {
  /** Null before open and from the moment the socket is closed. */
  ws: UwsSocket | null = null;
  /**
   * CLOSED_LOCALLY: set by close()/terminate() so the close handler is not called
   * re-entrantly. JOINED: on some channel, so the sweep reads its buffer (live-sweep.ts).
   * Above them, `listIndex` + 1: one small integer instead of three fields.
   */
  private flags = 0;
  private readonly addr: string | number;

  constructor(
    remoteAddress: string,
    public userData: unknown,
    /** Its transport: `maxBackpressure` (a peer with more buffered is not reading), the sweep. */
    private readonly host: UwsHost,
  ) {
    this.addr = packAddress(remoteAddress);
  }

  /** Formatted on demand (admin inspect): it is rarely read. */
  get remoteAddress(): string {
    return unpackAddress(this.addr);
  }

  /** Kept on the socket (SocketData); '' once it is closed. */
  get subprotocol(): string {
    return this.ws === null ? '' : this.ws.getUserData().subprotocol;
  }

  get closedLocally(): boolean {
    return (this.flags & CLOSED_LOCALLY) !== 0;
  }

  /** Its place in the transport's SocketList, -1 while not listed (SocketList only). */
  get listIndex(): number {
    return (this.flags >>> LIST_SHIFT) - 1;
  }
  set listIndex(i: number) {
    this.flags = ((i + 1) << LIST_SHIFT) | (this.flags & LOW_BITS);
  }

  /** Read and written by the sweep only (SweptConnection). */
  get joined(): boolean {
    return (this.flags & JOINED) !== 0;
  }
  set joined(on: boolean) {
    this.flags = on ? this.flags | JOINED : this.flags & ~JOINED;
  }

  send(data: Uint8Array | string, binary: boolean): SendResult {
    const ws = this.ws;
    if (ws === null) return 'dropped';
    // Checked here, at the transport's bound: uWS's own is higher (see `fanout`) and would close.
    if (ws.getBufferedAmount() > this.host.maxBackpressure) return 'dropped';
    return sendResults[ws.send(data, binary, false)] ?? 'dropped';
  }

  bufferedAmount(): number {
    return this.ws === null ? 0 : this.ws.getBufferedAmount();
  }

  close(code: number, reason: string): void {
    const ws = this.ws;
    if (ws === null) return;
    const clamped = clampReason(reason);
    // A close frame queued behind a full buffer never leaves, and uWS would keep the socket
    // for seconds waiting for it: drop a peer that does not read now, reporting our code.
    this.flags |= CLOSED_LOCALLY;
    if (ws.getBufferedAmount() > this.host.maxBackpressure) {
      ws.getUserData().closeAs = { code, reason: clamped };
      ws.close();
      return;
    }
    // Nothing published after the close frame: a closing socket leaves its channels.
    for (const channel of ws.getTopics()) ws.unsubscribe(channel);
    ws.end(code, clamped);
  }

  terminate(): void {
    const ws = this.ws;
    if (ws === null) return;
    this.flags |= CLOSED_LOCALLY;
    ws.close();
  }

  cork(fn: () => void): void {
    const ws = this.ws;
    if (ws === null) fn();
    else ws.cork(fn);
  }

  join(channel: string): boolean {
    const ws = this.ws;
    if (ws === null) return false;
    ws.subscribe(channel);
    this.host.sweep.add(this);
    return true;
  }

  leave(channel: string): void {
    this.ws?.unsubscribe(channel);
  }
}

export class UwsTransport implements Transport {
  readonly kind: TransportKind = 'uws';
  private readonly app: uWS.TemplatedApp;
  /** @internal */
  readonly handlers: TransportHandlers;
  /** @internal */
  readonly maxBackpressure: number;
  /** Open WebSockets; they and the streams in `open` count against `maxConnections`. */
  /** @internal */
  readonly sockets = new SocketList<UwsConnection>();
  /** Open one-way streams (SSE), few: a Set. */
  /** @internal */
  readonly open = new Set<TransportConnection>();
  /** Upgrades whose decision is pending (async handler): they count against maxConnections. */
  /** @internal */
  deciding = 0;
  /** @internal */
  readonly maxConnections: number;
  private listenSocket: uWS.us_listen_socket | null = null;
  readonly fanout: NativeFanout = {
    publish: (channel, data, binary) => {
      this.app.publish(channel, data, binary, false);
      this.sweep.published(typeof data === 'string' ? data.length * 3 : data.byteLength);
    },
  };
  /** @internal Joined sockets, checked for slow consumers (live-sweep.ts). */
  readonly sweep: LiveSweep<UwsConnection>;
  /** Where it listens, from listen() to close(), also while the guard has it paused. */
  private address: { host: string; port: number } | null = null;

  constructor(private readonly opts: TransportOptions) {
    this.handlers = opts.handlers;
    this.maxBackpressure = opts.maxBackpressure;
    this.maxConnections = opts.maxConnections ?? Infinity;
    this.sweep = new LiveSweep(this.sockets, opts.maxBackpressure, Limits.liveSweepMs);
    this.app = appOf(opts)
      .ws<SocketData>(opts.wsPath, {
        compression: uWS.DISABLED,
        maxPayloadLength: Math.max(UWS_MAX_PAYLOAD, opts.maxPayload + 1024),
        idleTimeout: 0,
        // Sends check `maxBackpressure` themselves and the sweep closes joined sockets past it
        // (4008); uWS's bound is higher and only catches a socket that outgrew it between two
        // sweeps: it is then closed at the next published frame rather than skipped.
        maxBackpressure: opts.maxBackpressure * Limits.liveHardLimitFactor,
        closeOnBackpressureLimit: 1,
        sendPingsAutomatically: false,
        upgrade: (res, req, context) => this.onUpgrade(res, req, context),
        open: (ws) => this.onOpen(ws),
        message: (ws, message, isBinary) => this.onMessage(ws, message, isBinary),
        drain: (ws) => this.onDrain(ws),
        close: (ws, code, message) => this.onClose(ws, code, message),
      })
      .any('/*', (res, req) => this.onHttp(res, req));
    if (opts.ssePath !== undefined && opts.handlers.stream !== undefined) {
      const host = streamHostOf(this);
      this.app.get(opts.ssePath, (res, req) => uwsStream(host, res, req, readHeaders));
    }
  }

  get connections(): number {
    return this.sockets.size + this.open.size;
  }

  listen(host: string, port: number): Promise<number> {
    if (this.address !== null) {
      return Promise.reject(new TransportStateError('uws transport is already listening'));
    }
    return new Promise((resolve, reject) => {
      this.bind(host, port, (ls) => {
        if (ls === false) {
          reject(new TransportListenError(host, port));
          return;
        }
        const actual = uWS.us_socket_local_port(ls as uWS.us_socket);
        this.address = { host, port: actual };
        this.guard.start();
        resolve(actual);
      });
    });
  }

  close(): Promise<void> {
    this.guard.stop();
    this.sweep.stop();
    this.address = null;
    this.unbind();
    return Promise.resolve();
  }

  private bind(host: string, port: number, done: (ls: uWS.us_listen_socket | false) => void): void {
    const onListen = (ls: uWS.us_listen_socket | false): void => {
      if (ls !== false) this.listenSocket = ls;
      done(ls);
    };
    if (this.opts.reusePort === false) {
      (this.app.listen as unknown as ListenWithOptions).call(
        this.app,
        host,
        port,
        LIBUS_LISTEN_EXCLUSIVE_PORT,
        onListen,
      );
    } else {
      this.app.listen(host, port, onListen);
    }
  }

  private unbind(): void {
    if (this.listenSocket === null) return;
    uWS.us_listen_socket_close(this.listenSocket);
    this.listenSocket = null;
  }

  /** Out of descriptors: stop accepting (see accept-guard.ts), and start again on the same port. */
  private readonly guard = new AcceptGuard({
    pause: () => this.unbind(),
    resume: () => {
      const address = this.address;
      if (address === null) return true;
      let ok = false;
      this.bind(address.host, address.port, (ls) => (ok = ls !== false));
      return ok;
    },
  });

  closeAll(code: number, reason: string): void {
    for (const conn of [...this.sockets, ...this.open]) conn.close(code, reason);
  }

  private onUpgrade(
    res: uWS.HttpResponse,
    req: uWS.HttpRequest,
    context: uWS.us_socket_context_t,
  ): void {
    if (this.connections + this.deciding >= this.maxConnections) {
      this.handlers.refused?.();
      writeResponse(res, overloadedResponse, true);
      return;
    }
    const headers = readHeaders(req);
    const key = headers['sec-websocket-key'] ?? '';
    const upgradeReq: UpgradeRequest = {
      path: req.getUrl(),
      query: new URLSearchParams(req.getQuery() ?? ''),
      headers,
      protocols: parseProtocols(headers['sec-websocket-protocol']),
      remoteAddress: formatAddress(res.getRemoteAddress()),
    };
    let aborted = false;
    let pending = false;
    const complete = (decision: UpgradeDecision): void => {
      if (pending && !aborted) this.deciding--;
      if (aborted) return;
      if (pending) res.cork(() => this.completeUpgrade(res, decision, upgradeReq, key, context));
      else this.completeUpgrade(res, decision, upgradeReq, key, context);
    };
    pending = settle(
      () => this.handlers.upgrade(upgradeReq),
      internalErrorDecision,
      this.handlers.error,
      complete,
    );
    if (pending) {
      this.deciding++;
      res.onAborted(() => {
        aborted = true;
        this.deciding--;
      });
    }
  }

  private completeUpgrade(
    res: uWS.HttpResponse,
    decision: UpgradeDecision,
    req: UpgradeRequest,
    key: string,
    context: uWS.us_socket_context_t,
  ): void {
    if (!decision.accept) {
      res
        .writeStatus(statusLine(decision.status))
        .writeHeader('content-type', 'text/plain; charset=utf-8');
      res.end(decision.body, true);
      return;
    }
    const conn = new UwsConnection(req.remoteAddress, decision.userData, this);
    const subprotocol = pickProtocol(req.protocols, decision.protocol);
    // Extensions are never negotiated: compression stays off on the hot path.
    const data: SocketData = { conn, subprotocol, closeAs: undefined };
    res.upgrade<SocketData>(data, key, subprotocol, '', context);
  }

  private onOpen(ws: UwsSocket): void {
    const conn = ws.getUserData().conn;
    conn.ws = ws;
    this.sockets.add(conn);
    this.handlers.open(conn);
  }

  private onMessage(ws: UwsSocket, message: ArrayBuffer, isBinary: boolean): void {
    const conn = ws.getUserData().conn;
    if (conn.ws === null) return;
    if (message.byteLength > this.opts.maxPayload) {
      conn.close(CloseCode.TooLarge, TooBigReason);
      return;
    }
    // The ArrayBuffer is neutered when this returns: copy binary, decode text now.
    if (isBinary) this.handlers.message(conn, Buffer.from(new Uint8Array(message)), true);
    else this.handlers.message(conn, Buffer.from(message).toString('utf8'), false);
  }

  private onDrain(ws: UwsSocket): void {
    const conn = ws.getUserData().conn;
    if (conn.ws !== null) this.handlers.drain?.(conn);
  }

  private onClose(ws: UwsSocket, code: number, message: ArrayBuffer): void {
    const { conn, closeAs } = ws.getUserData();
    conn.ws = null;
    this.sockets.delete(conn);
    this.sweep.delete(conn);
    const uwsReason = closeAs !== undefined ? closeAs.reason : decode(message);
    const closeCode = closeAs !== undefined ? closeAs.code : uwsCloseCode(code, uwsReason);
    const reason = closeCode === CloseCode.TooLarge ? TooBigReason : uwsReason;
    if (conn.closedLocally) queueMicrotask(() => this.handlers.close(conn, closeCode, reason));
    else this.handlers.close(conn, closeCode, reason);
  }

  private onHttp(res: uWS.HttpResponse, req: uWS.HttpRequest): void {
    const headers = readHeaders(req);
    const path = req.getUrl();
    if (headers['upgrade'] !== undefined) {
      // A WebSocket upgrade that the ws route did not take: wrong path, method or handshake.
      const badHandshake = path === this.opts.wsPath && req.getMethod() === 'get';
      writeResponse(
        res,
        badHandshake ? { status: 400, body: 'bad websocket handshake' } : notFoundResponse,
        true,
      );
      return;
    }
    const max = this.opts.maxHttpBody;
    if (Number(headers['content-length'] ?? 0) > max) {
      writeResponse(res, tooLargeResponse, true);
      return;
    }
    const method = req.getMethod().toUpperCase();
    const remoteAddress = formatAddress(res.getRemoteAddress());
    const query = new URLSearchParams(req.getQuery() ?? '');
    let aborted = false;
    let done = false;
    let size = 0;
    const chunks: Buffer[] = [];
    res.onAborted(() => {
      aborted = true;
    });
    res.onData((chunk, isLast) => {
      if (done) return;
      size += chunk.byteLength;
      if (size > max) {
        done = true;
        res.cork(() => writeResponse(res, tooLargeResponse, true));
        return;
      }
      // The chunk is neutered when this returns.
      if (chunk.byteLength > 0) chunks.push(Buffer.from(new Uint8Array(chunk)));
      if (!isLast) return;
      done = true;
      const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
      settle(
        () => this.handlers.http({ method, path, query, headers, body, remoteAddress }),
        internalErrorResponse,
        this.handlers.error,
        (response) => {
          if (!aborted) res.cork(() => writeResponse(res, response, false, method === 'HEAD'));
        },
      );
    });
  }
}

/**
 * uWS.App, or uWS.SSLApp reading the PEM files itself. Its own failure says only "App
 * construction failed": the files are named here (the node checked them before, `server/tls.ts`).
 */
function appOf(opts: TransportOptions): uWS.TemplatedApp {
  const tls = opts.tls;
  if (tls === undefined) return uWS.App();
  try {
    return uWS.SSLApp({ cert_file_name: tls.certFile, key_file_name: tls.keyFile });
  } catch (e) {
    throw new TransportTlsError(tls.certFile, tls.keyFile, e);
  }
}

function writeResponse(
  res: uWS.HttpResponse,
  response: HttpResponse,
  closeConnection: boolean,
  head = false,
): void {
  res.writeStatus(statusLine(response.status));
  if (response.headers !== undefined) {
    for (const name in response.headers) {
      // uWS writes the framing headers itself.
      const lower = name.toLowerCase();
      if (lower === 'content-length' || lower === 'transfer-encoding') continue;
      res.writeHeader(name, response.headers[name]!);
    }
  }
  // uWS would write a HEAD response's body onto the wire; Node's http server does not.
  if (head) res.endWithoutBody(Buffer.byteLength(response.body), closeConnection);
  else res.end(response.body, closeConnection);
}

function readHeaders(req: uWS.HttpRequest): Record<string, string> {
  // No prototype: header names are client input.
  const headers = Object.create(null) as Record<string, string>;
  req.forEach((name, value) => {
    const prev = headers[name];
    headers[name] = prev === undefined ? value : `${prev}, ${value}`;
  });
  return headers;
}

function decode(buf: ArrayBuffer): string {
  return buf.byteLength === 0 ? '' : Buffer.from(buf).toString('utf8');
}
