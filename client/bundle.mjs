/**
 * Builds the browser bundle of the client with esbuild (`npm run build` runs it after tsc):
 *
 *   dist/client/troupe-client.js         one minified ES module (`import { connect } from '/v1/client.js'`)
 *   dist/client/troupe-client.global.js  the same as a classic script: sets `globalThis.troupe`
 *
 * An ES module cannot be run by a classic `<script>` (its `export` is a syntax error there), so
 * the classic build is a second file; the server answers `GET /v1/client.js` with one or the
 * other by the request's `Sec-Fetch-Mode` (docs/protocol.md section 10). `websocket-node.ts`
 * (which requires `ws`) is swapped for `websocket-browser.ts`, so `ws` is never bundled.
 * Prints each file's size and fails (exit 1) when one is over 30 KB minified, before gzip: the
 * target of issue 12, kept by the build so that growth is noticed when it happens.
 */
import { build } from 'esbuild';
import { readFileSync, statSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const out = path.join(here, '..', 'dist', 'client');
const TARGET = 30 * 1024;

const browserWebSocket = {
  name: 'browser-websocket',
  setup(b) {
    b.onResolve({ filter: /\/websocket-node$/ }, () => ({
      path: path.join(here, 'websocket-browser.ts'),
    }));
  },
};

const common = {
  entryPoints: [path.join(here, 'browser.ts')],
  bundle: true,
  minify: true,
  platform: 'browser',
  target: 'es2022',
  legalComments: 'none',
  plugins: [browserWebSocket],
  logLevel: 'warning',
};

const files = [
  { outfile: path.join(out, 'troupe-client.js'), format: 'esm' },
  // No `globalName`: `browser.ts` sets `globalThis.troupe` itself, and esbuild's globalName
  // wrapper (a CommonJS-style copy of the exports) cost 0.4 KB for the same object.
  { outfile: path.join(out, 'troupe-client.global.js'), format: 'iife' },
];

let over = false;
for (const f of files) {
  await build({ ...common, ...f });
  const size = statSync(f.outfile).size;
  const gz = gzipSync(readFileSync(f.outfile)).length;
  over ||= size > TARGET;
  console.log(
    `client bundle ${path.relative(process.cwd(), f.outfile)}: ${(size / 1024).toFixed(1)} KB minified, ${(gz / 1024).toFixed(1)} KB gzip (target < ${TARGET / 1024} KB)`,
  );
}
if (over) {
  console.error(`client bundle: over its size target of ${TARGET / 1024} KB minified`);
  process.exitCode = 1;
}
