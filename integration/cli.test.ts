/**
 * The `troupe` command as an operator meets it: --version, start-up failures (one line, no
 * stack trace, no `listening` line), the config file, the log on stderr, and a stdout that goes
 * away under it.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { BIN, startArgs, startNode } from './harness';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `troupe ...args` to its end; `closeStdout` closes the pipe it writes to at once. */
function troupe(args: string[], opts: { env?: NodeJS.ProcessEnv; closeStdout?: boolean } = {}) {
  const proc = spawn(process.execPath, [BIN, ...args], {
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  if (opts.closeStdout) proc.stdout.destroy();
  else proc.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
  proc.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  return new Promise<Run>((resolve) =>
    proc.on('close', (code) => resolve({ code, stdout, stderr })),
  );
}

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'troupe-cli-'));
const STACK = /^\s+at /m;
const VERSION = (
  JSON.parse(readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')) as {
    version: string;
  }
).version;

/** A port held by another program (a plain TCP server). */
async function occupied(): Promise<{ port: number; close: () => Promise<void> }> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

/** Top-level keys of a flat-ish JSON log line that appear more than once. */
function duplicateKeys(line: string): string[] {
  const seen = new Set<string>();
  const dup: string[] = [];
  let depth = 0;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') depth--;
    else if (c === '"') {
      let j = i + 1;
      while (line[j] !== '"') j += line[j] === '\\' ? 2 : 1;
      if (depth === 1 && line[j + 1] === ':') {
        const key = line.slice(i + 1, j);
        if (seen.has(key)) dup.push(key);
        seen.add(key);
      }
      i = j;
    }
  }
  return dup;
}

describe('troupe --version', () => {
  it.each([['--version'], ['-v']])('%s prints the package version and exits 0', async (flag) => {
    expect(await troupe([flag])).toEqual({ code: 0, stdout: `${VERSION}\n`, stderr: '' });
  });
});

const ROOT = path.join(__dirname, '..');

/** Runs npm in the package root (its lifecycle hooks skipped: the suite runs after the build). */
function npm(args: string[]) {
  return spawn('npm', ['--ignore-scripts', '--silent', ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('the package', () => {
  it('packs dist, docs, README and LICENSE, and no tests', async () => {
    const proc = npm(['pack', '--dry-run', '--json']);
    let out = '';
    proc.stdout.on('data', (b: Buffer) => (out += b.toString()));
    expect(await new Promise((r) => proc.on('close', r))).toBe(0);
    const files = (JSON.parse(out) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path);
    for (const f of [
      'package.json',
      'README.md',
      'LICENSE',
      'docs/protocol.md',
      'dist/index.js',
      'dist/index.d.ts',
      'dist/bin/troupe.js',
      'dist/workers/gateway-worker.js',
    ]) {
      expect(files).toContain(f);
    }
    expect(
      files.filter((f) => /\.test\.|\.map$|^dist\/(testing|integration|load-tests)\//.test(f)),
    ).toEqual([]);
  });

  it.each(['SIGTERM', 'SIGINT'] as const)(
    'npm start hands %s to troupe, which stops; no node process is left',
    async (signal) => {
      const admin = path.join(tmp(), 'a.sock');
      const proc = npm(['start', '--', '--port', '0', '--publish-port', '0', '--admin', admin]);
      let stdout = '';
      let stderr = '';
      const closed = new Promise<number | null>((r) => proc.on('close', r));
      // troupe's pid, from its `troupe ready` log line (pino writes it asynchronously).
      let pid = 0;
      try {
        await new Promise<void>((resolve, reject) => {
          const check = () => {
            const ready = /"pid":(\d+),[^\n]*"msg":"troupe ready"/.exec(stderr);
            if (ready && stdout.includes('listening admin')) {
              pid = Number(ready[1]);
              resolve();
            }
          };
          proc.stdout.on('data', (b: Buffer) => ((stdout += b.toString()), check()));
          proc.stderr.on('data', (b: Buffer) => ((stderr += b.toString()), check()));
          void closed.then((code) => reject(new Error(`npm start ended (${code}): ${stderr}`)));
        });
        expect(pid).not.toBe(proc.pid);
        proc.kill(signal);
        expect(await closed).toBe(0);
        expect(alive(pid)).toBe(false);
        expect(stderr).toContain(`"signal":"${signal}","msg":"stopped"`);
      } finally {
        if (pid !== 0 && alive(pid)) process.kill(pid, 'SIGKILL');
        proc.kill('SIGKILL');
      }
    },
    30_000,
  );
});

describe('troupe start failures', () => {
  const base = () => startArgs(path.join(tmp(), 'a.sock'));

  it.each([
    ['--port', 'uws'],
    ['--port', 'ws'],
    ['--publish-port', 'uws'],
  ])(
    'a port in use (%s, %s) is one line naming it, exit 1, no stack, no listening line',
    async (flag, transport) => {
      const held = await occupied();
      try {
        const r = await troupe([...base(), '--transport', transport, flag, String(held.port)]);
        expect(r.code).toBe(1);
        expect(r.stderr).toBe(
          `troupe: port ${held.port} is in use (${flag}); stop what holds it or choose another port\n`,
        );
        expect(r.stdout).toBe('');
      } finally {
        await held.close();
      }
    },
  );

  it('a port in use by the metrics listener, bound after the others, prints no listening line', async () => {
    const held = await occupied();
    try {
      const r = await troupe([...base(), '--metrics-port', String(held.port)]);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(
        new RegExp(`^troupe: port ${held.port} is in use \\(--metrics-port\\)`),
      );
      expect(r.stderr).not.toMatch(STACK);
    } finally {
      await held.close();
    }
  });

  it('an admin socket directory that cannot be made is one line naming --admin', async () => {
    const dir = tmp();
    writeFileSync(path.join(dir, 'file'), '');
    const admin = path.join(dir, 'file', 'sub', 'admin.sock');
    const r = await troupe(startArgs(admin));
    expect(r).toEqual({
      code: 1,
      stdout: '',
      stderr: `troupe: cannot create the admin socket ${admin}: a part of its directory is a file (--admin)\n`,
    });
  });

  it('an unreadable key file is one line naming it, exit 2', async () => {
    const key = path.join(tmp(), 'none.pem');
    const r = await troupe([...base(), '--jwt-public-key', key]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n')).toEqual([expect.stringContaining(key), '']);
    expect(r.stderr).not.toMatch(STACK);
  });
});

describe('troupe start --config and --print-config', () => {
  it('prints the effective settings, flag over env over file, secrets redacted, and exits 0', async () => {
    const file = path.join(tmp(), 'troupe.json');
    writeFileSync(file, JSON.stringify({ port: 7170, 'publish-port': 7171, 'link-port': 7172 }));
    const r = await troupe(
      ['start', '--config', file, '--print-config', '--port', '7270', '--auth-token', 'sekrit'],
      { env: { TROUPE_PUBLISH_PORT: '7371', TROUPE_JWT_SECRET: 'j'.repeat(32) } },
    );
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const shown = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(shown).toMatchObject({
      port: 7270,
      'publish-port': 7371,
      'link-port': 7172,
      'auth-token': '<redacted>',
      'jwt-secret': '<redacted>',
      role: 'standalone',
    });
    expect(r.stdout).not.toContain('sekrit');
  });

  it('an unknown key is exit 2 naming the key and the file', async () => {
    const file = path.join(tmp(), 'troupe.json');
    writeFileSync(file, '{"port": 7170, "prot": 1}');
    const r = await troupe(['start', '--config', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^troupe: ${file}: unknown key "prot"`));
  });

  it('a file that is not JSON is exit 2 naming the file and the position', async () => {
    const file = path.join(tmp(), 'troupe.json');
    writeFileSync(file, '{\n  "port": 7170\n  "publish-port": 7171\n}');
    const r = await troupe(['start', '--config', file]);
    expect(r).toEqual({
      code: 2,
      stdout: '',
      stderr: `troupe: ${file}: not valid JSON at line 3, column 3 (unexpected "\\"")\n`,
    });
  });
});

describe('troupe start logs', () => {
  it.each([[[] as string[]], [['--workers', '2']]])(
    'with %j: troupe ready once, no duplicated keys, and `stopped` last after SIGTERM',
    async (extra) => {
      const node = await startNode(['--log-level', 'info', '--link-port', '0', ...extra]);
      expect(await node.stop('SIGTERM')).toBe(0);
      const lines = node.stderr.join('').split('\n').filter(Boolean);
      const logs = lines.map((l) => JSON.parse(l) as { msg: string; pid: number });
      expect(lines.flatMap(duplicateKeys)).toEqual([]);
      const main = logs.filter((l) => l.pid === node.proc.pid);
      expect(main.filter((l) => l.msg === 'troupe ready')).toHaveLength(1);
      expect(main[main.length - 1]!.msg).toBe('stopped');
      expect(node.stdout.filter((l) => l.startsWith('listening ws'))).toHaveLength(1);
    },
    30_000,
  );
});

describe('troupe start signals', () => {
  it('a SIGTERM during the start stops the node once started: exit 0, no listening line', async () => {
    const admin = path.join(tmp(), 'a.sock');
    const proc = spawn(
      process.execPath,
      [BIN, ...startArgs(admin), '--link-port', '0', '--workers', '2', '--log-level', 'info'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    proc.stderr.on('data', (b: Buffer) => {
      // The comedy root is made inside the start, after the signal handlers are in place.
      if (stderr === '' && b.toString().includes('programmatic actor configuration')) {
        proc.kill('SIGTERM');
      }
      stderr += b.toString();
    });
    const code = await new Promise((r) => proc.on('close', r));
    expect(code).toBe(0);
    expect(stdout).toBe('');
    const msgs = stderr
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { msg: string; pid: number })
      .filter((l) => l.pid === proc.pid)
      .map((l) => l.msg);
    expect(msgs.slice(-1)).toEqual(['stopped']);
    expect(msgs).toContain('shutting down');
  }, 30_000);
});

describe('troupe admin with a closed stdout', () => {
  it('exits with its code and no EPIPE stack trace (troupe admin tree | head -3)', async () => {
    const node = await startNode();
    try {
      const r = await troupe(['admin', 'tree', '--depth', '5', '--admin', node.admin], {
        closeStdout: true,
      });
      expect(r).toEqual({ code: 0, stdout: '', stderr: '' });
    } finally {
      await node.stop();
    }
  });
});
