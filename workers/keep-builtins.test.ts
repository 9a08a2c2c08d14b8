import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { babelPolyfillPath } from './keep-builtins';

const COMPILED = path.join(__dirname, '..', 'dist', 'workers', 'keep-builtins.js');

/** Runs comedy's first line of a forked worker in a fresh node; says which builtins changed. */
function changedBuiltins(preload: string[]): string {
  const script = `
    const read = () => ({
      trim: String.prototype.trim,
      trimStart: String.prototype.trimStart,
      parseInt: Number.parseInt,
      toString: Function.prototype.toString,
    });
    const before = read();
    require(${JSON.stringify(babelPolyfillPath())});
    const after = read();
    console.log(Object.keys(before).filter((k) => before[k] !== after[k]).join(',') || 'none');
  `;
  const r = spawnSync(process.execPath, [...preload, '-e', script], { encoding: 'utf8' });
  expect(r.stderr).toBe('');
  return r.stdout.trim();
}

describe('keep-builtins', () => {
  it('finds the babel-polyfill that comedy requires in its forked workers', () => {
    expect(babelPolyfillPath()).toMatch(/babel-polyfill[/\\]lib[/\\]index\.js$/);
  });

  it("without it, comedy's babel-polyfill replaces V8's builtins", () => {
    expect(changedBuiltins([])).toBe('trim,trimStart,parseInt,toString');
  });

  it('preloaded, the polyfill is a no-op and the builtins stay native', () => {
    expect(changedBuiltins([`--require=${COMPILED}`])).toBe('none');
  });
});
