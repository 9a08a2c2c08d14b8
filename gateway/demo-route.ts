/**
 * `GET /`: the demo page (PROTOCOL.md §10) on the client port of a standalone node, read once
 * at start from the package's `demo/index.html` (`--no-demo`: not read, and `GET /` is 404).
 *
 * The page is one HTML file with an inline `<style>` and an inline module `<script>` (which
 * imports `/v1/client.js`). Its Content-Security-Policy allows exactly those: every inline block
 * is hashed at load into `script-src 'self' 'sha256-…'` / `style-src 'sha256-…'`, so there is no
 * `'unsafe-inline'`, an injected `<script>` or `<style>` does not run, and an edit of the page
 * needs no edit here. `connect-src 'self'` covers the page's WebSocket (CSP 3: `'self'` matches
 * ws: and wss: of the same host) and fetches; nothing else is loaded (`default-src 'none'`).
 *
 * Caching (_decided_): `no-cache` with the ETag, so a browser revalidates (a 304) and an
 * upgraded node's page shows at once.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { asset, notGetOrHead, serveAsset, type StaticAsset } from './static-asset';
import type { HttpRequest, HttpResponse } from './transport';

export interface DemoPage {
  readonly page: StaticAsset;
  readonly csp: string;
}

/** The package root's `demo/` (this file runs as dist/gateway/demo-route.js). */
export const DEMO_DIR = path.resolve(__dirname, '..', '..', 'demo');
export const DEMO_FILE = 'index.html';

/**
 * The text of every inline `<tag>` block (not one with a `src`), as a browser hashes it: line
 * breaks normalised to LF, blocks inside HTML comments left out.
 */
function inlineBlocks(html: string, tag: 'script' | 'style'): string[] {
  const re = new RegExp(`<${tag}(\\s[^>]*)?>([\\s\\S]*?)</${tag}\\s*>`, 'gi');
  const text = html.replace(/\r\n?/g, '\n').replace(/<!--[\s\S]*?-->/g, '');
  const out: string[] = [];
  for (const m of text.matchAll(re)) {
    if (!/\ssrc\s*=/i.test(m[1] ?? '')) out.push(m[2]!);
  }
  return out;
}

function hashSources(blocks: readonly string[]): string {
  return blocks
    .map((b) => ` 'sha256-${createHash('sha256').update(b, 'utf8').digest('base64')}'`)
    .join('');
}

/** The policy of a page: its own inline blocks by hash, scripts and connections to itself. */
export function demoPolicy(html: string): string {
  return [
    "default-src 'none'",
    `script-src 'self'${hashSources(inlineBlocks(html, 'script'))}`,
    `style-src${hashSources(inlineBlocks(html, 'style')) || " 'none'"}`,
    "connect-src 'self'",
    'img-src data:',
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Reads `dir/index.html`; undefined where it is missing (the route then answers 404). */
export function loadDemoPage(dir = DEMO_DIR): DemoPage | undefined {
  let body: Buffer;
  try {
    body = readFileSync(path.join(dir, DEMO_FILE));
  } catch {
    return undefined;
  }
  return { page: asset(body), csp: demoPolicy(body.toString('utf8')) };
}

export function serveDemoPage(demo: DemoPage, req: HttpRequest): HttpResponse {
  return (
    notGetOrHead(req) ??
    serveAsset(
      demo.page,
      req,
      { 'cache-control': 'no-cache' },
      {
        'content-type': 'text/html; charset=utf-8',
        'content-security-policy': demo.csp,
        'referrer-policy': 'no-referrer',
      },
    )
  );
}
