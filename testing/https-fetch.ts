/**
 * `fetch` for tests over HTTPS with a certificate of their own: Node 20's global fetch cannot
 * be given a CA (its undici Agent is not importable), so this is a small one over
 * `https.request` that trusts exactly `ca` and answers a WHATWG Response (streaming body), so
 * callers such as SseClient take either.
 */
import https from 'node:https';
import { Readable } from 'node:stream';

export interface FetchInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  signal?: AbortSignal;
}

export type Fetch = (url: string, init?: FetchInit) => Promise<Response>;

const NULL_BODY = new Set([101, 204, 205, 304]);

export function httpsFetch(ca: string | Buffer): Fetch {
  return (url, init = {}) =>
    new Promise((resolve, reject) => {
      const req = https.request(
        url,
        {
          method: init.method ?? 'GET',
          headers: init.headers,
          signal: init.signal,
          ca,
          agent: false,
        },
        (res) => {
          const headers = new Headers();
          for (const [name, value] of Object.entries(res.headers)) {
            for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value]) {
              headers.append(name, v);
            }
          }
          const status = res.statusCode ?? 0;
          const empty = NULL_BODY.has(status) || init.method === 'HEAD';
          if (empty) res.resume();
          const body = empty
            ? null
            : (Readable.toWeb(res) as unknown as ReadableStream<Uint8Array>);
          resolve(new Response(body, { status, headers }));
        },
      );
      req.on('error', reject);
      req.end(init.body);
    });
}
