/**
 * Systems under test. Each is a command that prints `listening ws H:P` and
 * `listening publish H:P` (PROTOCOL.md §1) and accepts the same client and publisher frames.
 * A Socket.IO baseline slots in here as one more entry.
 */
import { existsSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface SystemCommand {
  readonly command: string;
  readonly args: readonly string[];
}

export interface System {
  readonly name: string;
  readonly kind: 'troupe' | 'baseline';
  /** The command line, or a reason why the system cannot run here. */
  resolve(): SystemCommand | { readonly unavailable: string };
}

/** dist/ root: this file compiles to dist/load-tests/bench/systems.js. */
const DIST = path.resolve(__dirname, '..', '..');

export const SYSTEMS: readonly System[] = [
  {
    name: 'uws-native',
    kind: 'baseline',
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
    resolve: () => {
      const bin = path.join(DIST, 'bin', 'troupe.js');
      if (!existsSync(bin))
        return { unavailable: `${path.relative(process.cwd(), bin)} not built yet` };
      const admin = path.join(os.tmpdir(), `troupe-bench-${process.pid}.sock`);
      return {
        command: process.execPath,
        args: [
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
