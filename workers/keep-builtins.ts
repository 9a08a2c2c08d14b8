/**
 * Preloaded (`--require`) by every process comedy forks, before comedy's own worker entry runs.
 *
 * comedy's forked-actor-worker.js begins with `require('babel-polyfill')` ("Babel support for
 * transpiled projects"). That installs core-js 2 in the worker, which judges some of V8's
 * builtins by its 2017 tests and replaces them with its own JavaScript: String.prototype.trim
 * (with trimStart/End and at), Number.parseInt/parseFloat and Function.prototype.toString,
 * and it adds some fifty non-standard statics (Array.map, Math.clamp, Reflect.metadata). A
 * worker's upgrade path trims every offered subprotocol, so the polyfill's trim alone was 2%
 * of a worker's CPU in a connection storm. troupe is compiled for Node 20 and comedy's own code
 * needs none of it (it uses Bluebird, not regeneratorRuntime).
 *
 * This puts an empty module in the require cache under babel-polyfill's path, so comedy's
 * require finds it loaded and the builtins stay V8's. Where babel-polyfill is not installed
 * there is nothing to skip. The main process imports it too, for the flag (comedy-facade.ts):
 * there the cache entry is made and never read.
 */
import Module from 'node:module';
import path from 'node:path';

/** babel-polyfill's file as comedy's require would resolve it, or null when it has none. */
export function babelPolyfillPath(): string | null {
  try {
    const comedyDir = path.dirname(require.resolve('comedy/package.json'));
    return require.resolve('babel-polyfill', { paths: [comedyDir] });
  } catch {
    return null;
  }
}

export function skipBabelPolyfill(): void {
  const file = babelPolyfillPath();
  if (file === null || require.cache[file] !== undefined) return;
  const empty = new Module(file);
  empty.filename = file;
  empty.loaded = true;
  require.cache[file] = empty;
}

/**
 * The node flag that preloads this module in a child process; null when this is the TypeScript
 * source (under ts-jest), which plain node cannot preload.
 */
export const KEEP_BUILTINS_FLAG = __filename.endsWith('.js') ? `--require=${__filename}` : null;

skipBabelPolyfill();
