import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listenPrivate, prepareSocketPath, removeSocketFile } from './socket-file';

let dir: string;
const servers: Server[] = [];

function closeAll(): Promise<void[]> {
  return Promise.all(servers.splice(0).map((s) => new Promise<void>((r) => s.close(() => r()))));
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'troupe-sock-'));
});

afterEach(async () => {
  await closeAll();
  rmSync(dir, { recursive: true, force: true });
});

describe(listenPrivate, () => {
  it('binds a 0600 socket and resolves with its inode', async () => {
    const path = join(dir, 'a.sock');
    await prepareSocketPath(path);
    const server = createServer();
    servers.push(server);
    const ino = await listenPrivate(server, path);
    expect(statSync(path).ino).toBe(ino);
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });
});

describe(removeSocketFile, () => {
  it('removes our socket but leaves one with another inode', async () => {
    const path = join(dir, 'a.sock');
    const server = createServer();
    servers.push(server);
    const ino = await listenPrivate(server, path);
    await removeSocketFile(path, ino + 1);
    expect(existsSync(path)).toBe(true);
    await removeSocketFile(path, ino);
    expect(existsSync(path)).toBe(false);
  });

  it('is quiet when the file is already gone', async () => {
    await expect(removeSocketFile(join(dir, 'none.sock'), 1)).resolves.toBeUndefined();
  });
});

describe(prepareSocketPath, () => {
  it('makes the missing directories, each mode 0700', async () => {
    const path = join(dir, 'a', 'b', 'admin.sock');
    await prepareSocketPath(path);
    expect(statSync(join(dir, 'a')).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, 'a', 'b')).mode & 0o777).toBe(0o700);
  });

  it('fails with ENOTDIR when a part of the directory is a file', async () => {
    writeFileSync(join(dir, 'file'), '');
    await expect(prepareSocketPath(join(dir, 'file', 'x', 'admin.sock'))).rejects.toMatchObject({
      code: 'ENOTDIR',
    });
  });

  (process.platform === 'linux' ? it : it.skip)(
    'fails where a directory cannot be made, rather than looping (/proc)',
    async () => {
      await expect(prepareSocketPath('/proc/troupe-none/admin.sock')).rejects.toMatchObject({
        code: 'ENOENT',
      });
    },
  );
});
