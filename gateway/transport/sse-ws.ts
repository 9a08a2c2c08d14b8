/**
 * One-way streams (Server-Sent Events) on Node's http server: a response held open.
 *
 *   'request' GET ssePath ─> admit (503 past maxConnections) ─> handlers.stream (sync or
 *   async) ─> 200 + headers + preamble ─> open ─> send* ─> close (local: farewell and end;
 *   peer gone: the response's 'close')
 *
 * `bufferedAmount` is the response's `writableLength`, which counts the socket's buffer too.
 * The server's request and header timeouts end with the request (a GET has no body), so they
 * never cut a stream; `keepAliveTimeout` applies only after it ends.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { overloadedResponse, settle, streamErrorDecision } from './request';
import { PEER_LEFT, STREAM_HEADERS, type StreamHost } from './stream-host';
import type { SendResult, StreamDecision, TransportConnection, UpgradeRequest } from './types';

export class WsStreamConnection implements TransportConnection {
  readonly subprotocol = '';
  private closed = false;

  constructor(
    private readonly res: ServerResponse,
    private readonly host: StreamHost,
    readonly remoteAddress: string,
    public userData: unknown,
    private readonly farewell: (code: number, reason: string) => string,
  ) {
    res.on('close', () => this.peerGone());
  }

  send(data: Uint8Array | string): SendResult {
    const res = this.res;
    if (this.closed || res.writableLength > this.host.maxBackpressure) return 'dropped';
    return res.write(data) ? 'ok' : 'backpressure';
  }

  bufferedAmount(): number {
    return this.closed ? 0 : this.res.writableLength;
  }

  /** Ends the stream with its farewell (unless the peer is too far behind to read it). */
  close(code: number, reason: string): void {
    if (this.closed) return;
    const res = this.res;
    if (res.writableLength > this.host.maxBackpressure) res.destroy();
    else res.end(this.farewell(code, reason));
    this.gone(code, reason);
  }

  terminate(): void {
    if (this.closed) return;
    this.res.destroy();
    this.gone(1006, '');
  }

  cork(fn: () => void): void {
    fn();
  }

  private peerGone(): void {
    if (this.closed) return;
    this.closed = true;
    this.host.closed(this);
    this.host.handlers.close(this, PEER_LEFT.code, PEER_LEFT.reason);
  }

  /** A local close is reported on a microtask, never from inside `close()`. */
  private gone(code: number, reason: string): void {
    this.closed = true;
    this.host.closed(this);
    queueMicrotask(() => this.host.handlers.close(this, code, reason));
  }
}

/** Serves a GET on the stream path; `request` is read already (path, query, headers). */
export function wsStream(
  host: StreamHost,
  req: IncomingMessage,
  res: ServerResponse,
  request: UpgradeRequest,
): void {
  req.resume();
  if (!host.admit()) {
    res.writeHead(overloadedResponse.status, { 'retry-after': '1', connection: 'close' });
    res.end(String(overloadedResponse.body));
    return;
  }
  let pending = false;
  pending = settle(
    () => host.handlers.stream!(request),
    streamErrorDecision,
    host.handlers.error,
    (decision: StreamDecision) => {
      if (pending) host.deciding(-1);
      if (res.destroyed || res.socket === null || res.socket.destroyed) return; // the client left
      if (!decision.accept) {
        res.writeHead(decision.status, {
          'content-type': 'text/plain; charset=utf-8',
          ...decision.headers,
        });
        res.end(decision.body);
        return;
      }
      res.writeHead(200, { ...STREAM_HEADERS, ...decision.headers });
      res.socket?.setNoDelay(true);
      res.write(decision.preamble);
      const conn = new WsStreamConnection(
        res,
        host,
        request.remoteAddress,
        decision.userData,
        (c, r) => decision.farewell(c, r),
      );
      host.opened(conn);
      host.handlers.open(conn);
    },
  );
  if (pending) host.deciding(1);
}
