/**
 * Systems under test. Each is a command that prints `listening ws H:P` and
 * `listening publish H:P` (PROTOCOL.md §1) and accepts the same client and publisher frames.
 * `dialect` says how the generator's subscribers talk to it.
 */
import { existsSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Dialect } from '../generator/worker-messages';

export interface SystemCommand {
  readonly command: string;
  readonly args: readonly string[];
}

export interface System {
  readonly name: string;
  readonly kind: 'troupe' | 'baseline';
  readonly dialect: Dialect;
  /** troupe only: path of the built `troupe` command, or null when not built. */
  readonly troupeBin?: () => string | null;
  /** The command line, or a reason why the system cannot run here. */
  resolve(): SystemCommand | { readonly unavailable: string };
}

/** dist/ root: this file compiles to dist/load-tests/bench/systems.js. */
const DIST = path.resolve(__dirname, '..', '..');
const TROUPE_BIN = path.join(DIST, 'bin', 'troupe.js');

/**
 * The node flags troupe's own command runs with (its shebang, `#!/usr/bin/env -S node FLAGS`),
 * so the bench runs troupe exactly as `troupe start` does.
 */
export function troupeNodeArgs(bin: string): string[] {
  const first = readFileSync(bin, 'utf8').split('\n', 1)[0] ?? '';
  const m = /^#!\S*env\s+-S\s+node\s+(.*)$/.exec(first);
  return m ? m[1]!.trim().split(/\s+/) : [];
}

export const SYSTEMS: readonly System[] = [
  {
    name: 'uws-native',
    kind: 'baseline',
    dialect: 'troupe',
    resolve: () => ({
      command: process.execPath,
      args: [
        path.join(DIST, 'load-tests', 'baselines', 'uws-native.js'),
        '--port',
        '0',
        '--publish-port',
        '0',
      ],
    }),
  },
  {
    name: 'troupe',
    kind: 'troupe',
    dialect: 'troupe',
    troupeBin: () => (existsSync(TROUPE_BIN) ? TROUPE_BIN : null),
    resolve: () => {
      const bin = TROUPE_BIN;
      if (!existsSync(bin))
        return { unavailable: `${path.relative(process.cwd(), bin)} not built yet` };
      const admin = path.join(os.tmpdir(), `troupe-bench-${process.pid}.sock`);
      return {
        command: process.execPath,
        args: [
          ...troupeNodeArgs(bin),
          bin,
          'start',
          '--port',
          '0',
          '--publish-port',
          '0',
          '--admin',
          admin,
          '--log-level',
          'warn',
        ],
      };
    },
  },
  {
    name: 'socketio',
    kind: 'baseline',
    dialect: 'socketio',
    resolve: () => ({
      command: process.execPath,
      args: [
        path.join(DIST, 'load-tests', 'baselines', 'socketio.js'),
        '--port',
        '0',
        '--publish-port',
        '0',
      ],
    }),
  },
];

export function selectSystems(only: readonly string[] | null): System[] {
  if (only === null) return [...SYSTEMS];
  const unknown = only.filter((n) => !SYSTEMS.some((s) => s.name === n));
  if (unknown.length > 0)
    throw new Error(
      `unknown system(s): ${unknown.join(', ')} (known: ${SYSTEMS.map((s) => s.name).join(', ')})`,
    );
  return SYSTEMS.filter((s) => only.includes(s.name));
}
