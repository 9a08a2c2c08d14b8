/**
 * What both transports do the same way with an incoming request: split the URL, read the
 * offered subprotocols, pick the one to answer with, and settle a handler that may or may not
 * return a promise (sync answers stay sync: no microtask on the hot upgrade path).
 */
import { STATUS_CODES } from 'node:http';
import type { HttpResponse, StreamDecision, UpgradeDecision } from './types';

export function splitUrl(url: string): { path: string; query: URLSearchParams } {
  const q = url.indexOf('?');
  if (q === -1) return { path: url, query: new URLSearchParams() };
  return { path: url.slice(0, q), query: new URLSearchParams(url.slice(q + 1)) };
}

/** `Sec-WebSocket-Protocol: a, b` → ['a', 'b']. */
export function parseProtocols(header: string | undefined): string[] {
  if (!header) return [];
  const out: string[] = [];
  for (const part of header.split(',')) {
    const p = part.trim();
    if (p !== '') out.push(p);
  }
  return out;
}

/** A client fails the handshake on a subprotocol it did not offer, so only echo an offered one. */
export function pickProtocol(offered: readonly string[], chosen: string | null): string {
  return chosen !== null && offered.includes(chosen) ? chosen : '';
}

/** `404` → `404 Not Found`, the form uWS `writeStatus` and raw upgrade rejections need. */
export function statusLine(status: number): string {
  return `${status} ${STATUS_CODES[status] ?? 'Unknown'}`;
}

export const internalErrorDecision: UpgradeDecision = {
  accept: false,
  status: 500,
  body: 'internal error',
};
export const streamErrorDecision: StreamDecision = {
  accept: false,
  status: 500,
  body: 'internal error',
};
/** An upgrade past `maxConnections`: refused before any work, so the refusal stays cheap. */
export const overloadedResponse: HttpResponse = { status: 503, body: 'too many connections' };
export const internalErrorResponse: HttpResponse = { status: 500, body: 'internal error' };
export const notFoundResponse: HttpResponse = { status: 404, body: 'not found' };
export const tooLargeResponse: HttpResponse = { status: 413, body: 'request body too large' };

/**
 * Calls `produce` and hands its value to `done`, synchronously when it is not a promise.
 * A throw or rejection is reported to `onError` and answered with `fallback`.
 * Returns true when the answer is still pending (the caller must guard against aborts).
 */
export function settle<T>(
  produce: () => T | PromiseLike<T>,
  fallback: T,
  onError: ((err: unknown) => void) | undefined,
  done: (value: T) => void,
): boolean {
  let result: T | PromiseLike<T>;
  try {
    result = produce();
  } catch (err) {
    onError?.(err);
    done(fallback);
    return false;
  }
  if (isThenable(result)) {
    result.then(done, (err: unknown) => {
      onError?.(err);
      done(fallback);
    });
    return true;
  }
  done(result);
  return false;
}

function isThenable<T>(v: T | PromiseLike<T>): v is PromiseLike<T> {
  return typeof v === 'object' && v !== null && typeof (v as PromiseLike<T>).then === 'function';
}
