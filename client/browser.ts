/**
 * The browser bundle's entry (`bundle.mjs` builds it into `dist/client/troupe-client.js`,
 * served at `GET /v1/client.js`): the public surface as an ES module, also set on
 * `globalThis.troupe` for pages and consoles that want it without an import.
 */
import * as troupe from './index';

export * from './index';

(globalThis as { troupe?: typeof troupe }).troupe = troupe;
