/**
 * The package's version, read from its package.json at run time: the same code runs from the
 * sources (tests) and from dist/, at different depths below the package root.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const PACKAGE_NAME = 'troupe';

/** The version of the troupe package this module belongs to. */
export function packageVersion(from: string = __dirname): string {
  for (let dir = from, i = 0; i < 4; dir = dirname(dir), i++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
        name?: unknown;
        version?: unknown;
      };
      if (pkg.name === PACKAGE_NAME && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // Not here: look one directory up.
    }
  }
  throw new Error(`no package.json of ${PACKAGE_NAME} above ${from}`);
}
