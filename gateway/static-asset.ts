/**
 * Files the client port serves from memory (the client bundle, the demo page): read once at
 * start, answered with a strong ETag (a hash of the content) and 304 to a matching
 * `If-None-Match`, to GET and HEAD only.
 */
import { createHash } from 'node:crypto';
import { fail } from './http-reply';
import type { HttpRequest, HttpResponse } from './transport';

export interface StaticAsset {
  readonly body: Buffer;
  readonly etag: string;
}

export function asset(body: Buffer): StaticAsset {
  return { body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` };
}

/** True when `If-None-Match` (a list, weak tags allowed, or `*`) names `etag`. */
function matches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (ifNoneMatch === undefined) return false;
  return ifNoneMatch.split(',').some((t) => {
    const tag = t.trim();
    return tag === '*' || tag === etag || tag === `W/${etag}`;
  });
}

/** 405 for anything but GET and HEAD (the transport answers HEAD with the headers only). */
export function notGetOrHead(req: HttpRequest): HttpResponse | undefined {
  if (req.method === 'GET' || req.method === 'HEAD') return undefined;
  const res = fail(405, 'use GET');
  return { ...res, headers: { ...res.headers, allow: 'GET, HEAD' } };
}

/**
 * 200 with `file` and every header of `headers` and `bodyHeaders`, or 304 with `headers` only
 * (a 304 carries the validators and caching headers, never the body's type).
 */
export function serveAsset(
  file: StaticAsset,
  req: HttpRequest,
  headers: Record<string, string>,
  bodyHeaders: Record<string, string>,
): HttpResponse {
  const common = { ...headers, etag: file.etag };
  if (matches(req.headers['if-none-match'], file.etag)) {
    return { status: 304, headers: common, body: '' };
  }
  return {
    status: 200,
    headers: { ...common, ...bodyHeaders, 'x-content-type-options': 'nosniff' },
    body: file.body,
  };
}
