import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { troupeNodeArgs } from './systems';

describe('troupeNodeArgs', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'shebang-'));
  const file = (name: string, text: string): string => {
    const p = path.join(dir, name);
    writeFileSync(p, text);
    return p;
  };

  it('reads the node flags of an env -S shebang', () => {
    const bin = file('a.js', '#!/usr/bin/env -S node --max-semi-space-size=8 --foo\nrest\n');
    expect(troupeNodeArgs(bin)).toEqual(['--max-semi-space-size=8', '--foo']);
  });

  it('gives no flags for a plain node shebang', () => {
    expect(troupeNodeArgs(file('b.js', '#!/usr/bin/env node\n'))).toEqual([]);
  });

  it('matches the flags of the real troupe command', () => {
    const src = path.resolve(__dirname, '..', '..', 'bin', 'troupe.ts');
    expect(troupeNodeArgs(src)).toContain('--max-semi-space-size=4');
    expect(troupeNodeArgs(src)).toContain('--no-allocation-site-pretenuring');
  });

  it('gives `npm start` the node flags of the troupe command', () => {
    const root = path.resolve(__dirname, '..', '..');
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    const flags = troupeNodeArgs(path.join(root, 'bin', 'troupe.ts'));
    expect(pkg.scripts['start']).toBe(`exec node ${flags.join(' ')} dist/bin/troupe.js start`);
  });
});
