/**
 * The admin socket's file: a private parent directory, stale-socket cleanup, a 0600 socket with
 * no window in which it is wider, and removal on close.
 *
 *   prepareSocketPath: mkdir -p (0700) -> path free? -> stale socket? unlink : live? fail
 *   listenPrivate:     umask 0177 around bind -> chmod 0600 (belt and braces) -> inode
 *   removeSocketFile:  unlink only if the file is still the socket we bound
 */
import { promises as fs } from 'node:fs';
import { connect, type Server } from 'node:net';
import { dirname, resolve } from 'node:path';

/** sun_path holds 108 bytes on Linux and 104 on macOS, with a terminating NUL. */
export const MAX_SOCKET_PATH_BYTES = 103;

export class AdminSocketError extends Error {
  override readonly name = 'AdminSocketError';
}

type Probe = 'live' | 'stale' | 'gone';

function probe(path: string, timeoutMs: number): Promise<Probe> {
  return new Promise((resolve, reject) => {
    const socket = connect({ path });
    const done = (result: Probe | Error): void => {
      clearTimeout(timer);
      socket.destroy();
      if (result instanceof Error) reject(result);
      else resolve(result);
    };
    // A process that accepted but hangs is still alive: it holds the path.
    const timer = setTimeout(() => done('live'), timeoutMs);
    socket.once('connect', () => done('live'));
    socket.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ECONNREFUSED') done('stale');
      else if (err.code === 'ENOENT') done('gone');
      else done(new AdminSocketError(`cannot check admin socket ${path}: ${err.message}`));
    });
  });
}

/** Makes `path` ready to bind, or throws AdminSocketError saying why it cannot be. */
export async function prepareSocketPath(path: string, probeTimeoutMs = 1000): Promise<void> {
  if (Buffer.byteLength(path) > MAX_SOCKET_PATH_BYTES) {
    throw new AdminSocketError(
      `admin socket path is too long for a Unix socket (${Buffer.byteLength(path)} bytes, ` +
        `at most ${MAX_SOCKET_PATH_BYTES}): ${path}; choose a shorter --admin path`,
    );
  }
  await makeDirectory(dirname(path));
  const stat = await fs.lstat(path).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw err;
  });
  if (stat === undefined) return;
  if (!stat.isSocket()) {
    throw new AdminSocketError(`${path} exists and is not a socket; refusing to replace it`);
  }
  const state = await probe(path, probeTimeoutMs);
  if (state === 'live') {
    throw new AdminSocketError(
      `another process is already serving the admin socket ${path} (is troupe already running?)`,
    );
  }
  if (state === 'stale') await fs.unlink(path).catch(ignoreMissing);
}

/**
 * `mkdir -p` with mode 0700, one level at a time: Node's recursive mkdir never returns where a
 * directory cannot be made in a parent that exists (`/proc/x` on Linux loops on ENOENT).
 */
async function makeDirectory(dir: string): Promise<void> {
  const missing: string[] = [];
  for (let d = resolve(dir); ; d = dirname(d)) {
    const stat = await fs.stat(d).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return undefined;
      throw err;
    });
    if (stat !== undefined) break;
    missing.push(d);
    if (dirname(d) === d) break;
  }
  for (const d of missing.reverse()) {
    await fs.mkdir(d, { mode: 0o700 }).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'EEXIST') throw err;
    });
  }
}

/** Binds `server` to `path` as mode 0600 and resolves with the socket file's inode. */
export async function listenPrivate(server: Server, path: string): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException): void => {
      server.off('listening', onListening);
      reject(
        err.code === 'EADDRINUSE'
          ? new AdminSocketError(`admin socket ${path} was taken by another process meanwhile`)
          : err,
      );
    };
    const onListening = (): void => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    // The bind happens synchronously inside listen(), so the narrowed umask covers only it.
    // Worker threads may not change the umask; the chmod below then closes the gap.
    const previous = trySetUmask(0o177);
    try {
      server.listen(path);
    } finally {
      if (previous !== undefined) trySetUmask(previous);
    }
  });
  await fs.chmod(path, 0o600);
  return (await fs.stat(path)).ino;
}

function trySetUmask(mask: number): number | undefined {
  try {
    return process.umask(mask);
  } catch {
    return undefined;
  }
}

/** Removes the socket file if it is still the one we bound (inode `ino`). */
export async function removeSocketFile(path: string, ino: number): Promise<void> {
  const stat = await fs.lstat(path).catch(ignoreMissing);
  if (stat?.isSocket() && stat.ino === ino) await fs.unlink(path).catch(ignoreMissing);
}

function ignoreMissing(err: NodeJS.ErrnoException): undefined {
  if (err.code === 'ENOENT') return undefined;
  throw err;
}
