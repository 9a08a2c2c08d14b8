/**
 * `GET /v1/client.js`: the client library's browser bundle (PROTOCOL.md §10), read once at
 * start from `dist/client/` (built by `npm run build`, `client/bundle.mjs`).
 *
 * Two builds of one source: an ES module (`import { connect } from '/v1/client.js'`) and a
 * classic script that sets `globalThis.troupe` (an ES module's `export` is a syntax error in a
 * classic `<script>`). Browsers fetch module scripts in `cors` mode and classic ones in
 * `no-cors` mode, and say so in `Sec-Fetch-Mode`: `no-cors` gets the classic build, anything
 * else (no header included) the module, with `Vary: Sec-Fetch-Mode`.
 *
 * Caching (_decided_): the URL carries no version, so `immutable` would pin an old client in
 * browsers for a year. Instead `max-age` of one day (the wire contract is versioned and a
 * day-old client speaks it to an upgraded server) with a strong ETag (a hash of the content),
 * and `If-None-Match` answered 304, so a revalidation after the day costs no body.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fail } from './http-reply';
import { asset, notGetOrHead, serveAsset, type StaticAsset } from './static-asset';
import type { HttpRequest, HttpResponse } from './transport';

export { asset, type StaticAsset } from './static-asset';

export interface ClientBundle {
  readonly module: StaticAsset;
  readonly classic: StaticAsset;
}

export const CLIENT_BUNDLE_FILES = {
  module: 'troupe-client.js',
  classic: 'troupe-client.global.js',
} as const;

export const CLIENT_CACHE_CONTROL = 'public, max-age=86400';

/** Reads both builds from `dir` (dist/client beside this file's dist/gateway); undefined when not built. */
export function loadClientBundle(
  dir = path.resolve(__dirname, '..', 'client'),
): ClientBundle | undefined {
  try {
    return {
      module: asset(readFileSync(path.join(dir, CLIENT_BUNDLE_FILES.module))),
      classic: asset(readFileSync(path.join(dir, CLIENT_BUNDLE_FILES.classic))),
    };
  } catch {
    return undefined;
  }
}

export function serveClientBundle(
  bundle: ClientBundle | undefined,
  req: HttpRequest,
): HttpResponse {
  const refused = notGetOrHead(req);
  if (refused !== undefined) return refused;
  if (bundle === undefined) return fail(404, 'client bundle not built');
  const file = req.headers['sec-fetch-mode'] === 'no-cors' ? bundle.classic : bundle.module;
  return serveAsset(
    file,
    req,
    { 'cache-control': CLIENT_CACHE_CONTROL, vary: 'Sec-Fetch-Mode' },
    { 'content-type': 'text/javascript; charset=utf-8' },
  );
}
