/**
 * The k6 scripts are not run here (k6 is not installable on this machine), but they must keep
 * compiling against @types/k6: a type error in them fails `npm test`.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');

describe('k6 scripts', () => {
  it('type-check against @types/k6', () => {
    const r = spawnSync(
      process.execPath,
      [
        path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'),
        '-p',
        path.join(ROOT, 'load-tests', 'k6', 'tsconfig.json'),
        '--noEmit',
      ],
      { cwd: ROOT, encoding: 'utf8', timeout: 60_000 },
    );
    expect(`${r.stdout}${r.stderr}`.trim()).toBe('');
    expect(r.status).toBe(0);
  }, 60_000);
});
