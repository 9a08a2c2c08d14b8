/**
 * Start-up failures an operator can fix: one line naming the cause and the flag to change
 * (`port 7070 is in use (--port)`), printed by `troupe start` without a stack trace.
 *
 * A listener that cannot bind is explained from its error code. uWebSockets.js reports no code
 * (its listen callback gets `false`), so the port is then probed with a plain TCP bind, which
 * fails the same way and says why.
 */
import { createServer } from 'node:net';
import { AdminSocketError } from '../admin/socket-file';

export class StartupError extends Error {
  override readonly name = 'StartupError';
}

function errnoOf(err: unknown): string | undefined {
  for (let e = err, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++) {
    const code = (e as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && code.startsWith('E') && !code.startsWith('ERR_')) return code;
  }
  return undefined;
}

/** The error code a plain TCP listen on host:port gets now; undefined when it binds. */
function probe(host: string, port: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'EUNKNOWN'));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(undefined)));
  });
}

/** The one line for a listener of `flag` that could not bind host:port. */
export function explainListen(
  flag: string,
  host: string,
  port: number,
  code: string | undefined,
): string {
  switch (code) {
    case 'EADDRINUSE':
      return `port ${port} is in use (${flag}); stop what holds it or choose another port`;
    case 'EACCES':
    case 'EPERM':
      return `no permission to listen on port ${port} (${flag}); ports below 1024 need privileges`;
    case 'EADDRNOTAVAIL':
      return `address ${host} is not one of this machine's (--host)`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NONAME':
      return `cannot resolve host ${host} (--host)`;
    default:
      return `cannot listen on ${host}:${port} (${flag})${code === undefined ? '' : `: ${code}`}`;
  }
}

/**
 * Throws the StartupError of `flag` when a plain TCP listen on host:port fails now: for a port
 * that processes of a `--workers` node will share, checked once before they start.
 */
export async function assertPortFree(flag: string, host: string, port: number): Promise<void> {
  const code = await probe(host, port);
  if (code !== undefined) throw new StartupError(explainListen(flag, host, port, code));
}

/** Runs `listen`; a failure becomes a StartupError with the one line for `flag`. */
export async function bindListener(
  flag: string,
  host: string,
  port: number,
  listen: () => Promise<number>,
): Promise<number> {
  try {
    return await listen();
  } catch (err) {
    const code = errnoOf(err) ?? (await probe(host, port));
    throw new StartupError(explainListen(flag, host, port, code), { cause: err });
  }
}

/** The one line for an admin socket that could not be made at `path`. */
export function explainAdmin(path: string, err: unknown): string {
  if (err instanceof AdminSocketError) return `${err.message} (--admin)`;
  switch (errnoOf(err)) {
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return `cannot create the admin socket ${path}: no permission (--admin; choose a directory this user may write)`;
    case 'ENOTDIR':
    case 'EEXIST':
      return `cannot create the admin socket ${path}: a part of its directory is a file (--admin)`;
    default:
      return `cannot create the admin socket ${path} (--admin): ${err instanceof Error ? err.message : String(err)}`;
  }
}

/** Runs the admin socket's `listen`; a failure becomes a StartupError. */
export async function bindAdmin(path: string, listen: () => Promise<string>): Promise<string> {
  try {
    return await listen();
  } catch (err) {
    throw new StartupError(explainAdmin(path, err), { cause: err });
  }
}
