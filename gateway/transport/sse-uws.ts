/**
 * One-way streams (Server-Sent Events) on uWebSockets.js: a chunked HTTP response held open.
 *
 *   GET ssePath ─> admit (503 past maxConnections) ─> handlers.stream (sync, or async guarded
 *   by onAborted) ─> 200 + headers + preamble ─> open ─> send* ─> close (local: farewell and
 *   end; peer gone: onAborted)
 *
 * uWS tells a response's writer nothing about buffered bytes (getWriteOffset stays 0 for
 * chunked writes), so `bufferedAmount` counts the bytes written since the last write that
 * left nothing buffered (uWS `write` returns true only then): an upper bound of what waits,
 * back to 0 the moment a write goes out whole. uWS itself also aborts a response that stays
 * backpressured for 10 s. Writes outside a request's own callback must be corked (uWS rule).
 */
import type * as uWS from 'uWebSockets.js';
import { formatAddress } from './address';
import { overloadedResponse, settle, statusLine, streamErrorDecision } from './request';
import { PEER_LEFT, STREAM_HEADERS, type AcceptedStream, type StreamHost } from './stream-host';
import type { SendResult, StreamDecision, TransportConnection, UpgradeRequest } from './types';

export class UwsStreamConnection implements TransportConnection {
  readonly subprotocol = '';
  /** Bytes written since a write last went out whole (see the file header). */
  private pending = 0;
  private res: uWS.HttpResponse | null;

  constructor(
    res: uWS.HttpResponse,
    private readonly host: StreamHost,
    readonly remoteAddress: string,
    public userData: unknown,
    private readonly farewell: (code: number, reason: string) => string,
  ) {
    this.res = res;
  }

  send(data: Uint8Array | string): SendResult {
    const res = this.res;
    if (res === null || this.pending > this.host.maxBackpressure) return 'dropped';
    let whole = false;
    res.cork(() => (whole = res.write(data)));
    if (whole) {
      this.pending = 0;
      return 'ok';
    }
    this.pending += typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength;
    return 'backpressure';
  }

  bufferedAmount(): number {
    return this.res === null ? 0 : this.pending;
  }

  /** Ends the stream with its farewell (unless the peer is too far behind to read it). */
  close(code: number, reason: string): void {
    const res = this.res;
    if (res === null) return;
    this.res = null;
    if (this.pending > this.host.maxBackpressure) res.close();
    else res.cork(() => res.end(this.farewell(code, reason), true));
    this.gone(code, reason);
  }

  terminate(): void {
    const res = this.res;
    if (res === null) return;
    this.res = null;
    res.close();
    this.gone(1006, '');
  }

  cork(fn: () => void): void {
    const res = this.res;
    if (res === null) fn();
    else res.cork(fn);
  }

  /** @internal uWS aborted the response: the peer left (or uWS gave up on it). */
  aborted(): void {
    if (this.res === null) return;
    this.res = null;
    this.host.closed(this);
    this.host.handlers.close(this, PEER_LEFT.code, PEER_LEFT.reason);
  }

  /** A local close is reported on a microtask, never from inside `close()`. */
  private gone(code: number, reason: string): void {
    this.host.closed(this);
    queueMicrotask(() => this.host.handlers.close(this, code, reason));
  }
}

/** Serves a GET on the stream path. */
export function uwsStream(
  host: StreamHost,
  res: uWS.HttpResponse,
  req: uWS.HttpRequest,
  readHeaders: (req: uWS.HttpRequest) => Record<string, string>,
): void {
  if (!host.admit()) {
    res.writeStatus(statusLine(overloadedResponse.status)).writeHeader('retry-after', '1');
    res.end(String(overloadedResponse.body), true);
    return;
  }
  const request: UpgradeRequest = {
    path: req.getUrl(),
    query: new URLSearchParams(req.getQuery() ?? ''),
    headers: readHeaders(req),
    protocols: [],
    remoteAddress: formatAddress(res.getRemoteAddress()),
  };
  let conn: UwsStreamConnection | undefined;
  let aborted = false;
  let pending = false;
  res.onAborted(() => {
    aborted = true;
    if (pending) host.deciding(-1);
    conn?.aborted();
  });
  const complete = (decision: StreamDecision): void => {
    if (pending && !aborted) host.deciding(-1);
    pending = false;
    if (aborted) return;
    res.cork(() => {
      if (!decision.accept) return refuse(res, decision);
      conn = open(host, res, request, decision);
    });
    if (conn !== undefined) host.handlers.open(conn);
  };
  pending = settle(
    () => host.handlers.stream!(request),
    streamErrorDecision,
    host.handlers.error,
    complete,
  );
  if (pending) host.deciding(1);
}

function refuse(res: uWS.HttpResponse, d: Extract<StreamDecision, { accept: false }>): void {
  res.writeStatus(statusLine(d.status));
  for (const [k, v] of Object.entries({
    'content-type': 'text/plain; charset=utf-8',
    ...d.headers,
  })) {
    res.writeHeader(k, v);
  }
  res.end(d.body, true);
}

function open(
  host: StreamHost,
  res: uWS.HttpResponse,
  req: UpgradeRequest,
  d: AcceptedStream,
): UwsStreamConnection {
  res.writeStatus('200 OK');
  for (const [k, v] of Object.entries({ ...STREAM_HEADERS, ...d.headers })) res.writeHeader(k, v);
  res.write(d.preamble);
  const conn = new UwsStreamConnection(res, host, req.remoteAddress, d.userData, (c, r) =>
    d.farewell(c, r),
  );
  host.opened(conn);
  return conn;
}
