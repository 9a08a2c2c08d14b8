import { createServer, type Server } from 'node:net';
import { AdminSocketError } from '../admin/socket-file';
import {
  assertPortFree,
  bindAdmin,
  bindListener,
  explainAdmin,
  explainListen,
  StartupError,
} from './startup-error';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/** A port held by a plain TCP server, as another program would hold it. */
async function heldPort(): Promise<number> {
  const server = createServer();
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as { port: number }).port;
}

const errno = (code: string) => Object.assign(new Error(`listen ${code}`), { code });

describe(explainListen, () => {
  it.each([
    ['EADDRINUSE', 'port 7070 is in use (--port); stop what holds it or choose another port'],
    ['EACCES', 'no permission to listen on port 7070 (--port); ports below 1024 need privileges'],
    ['EADDRNOTAVAIL', "address 10.1.2.3 is not one of this machine's (--host)"],
    ['ENOTFOUND', 'cannot resolve host 10.1.2.3 (--host)'],
    ['EWHAT', 'cannot listen on 10.1.2.3:7070 (--port): EWHAT'],
  ])('names the cause and the flag of %s', (code, line) => {
    expect(explainListen('--port', '10.1.2.3', 7070, code)).toBe(line);
  });
});

describe(bindListener, () => {
  it('resolves with the port when the listen succeeds', async () => {
    await expect(bindListener('--port', '127.0.0.1', 1, async () => 1234)).resolves.toBe(1234);
  });

  it('turns an errno of the listen, or of its cause, into the one line', async () => {
    const wrapped = new Error('cannot listen', { cause: errno('EADDRINUSE') });
    const err = await bindListener('--link-port', '127.0.0.1', 7072, () =>
      Promise.reject(wrapped),
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StartupError);
    expect((err as Error).message).toBe(
      'port 7072 is in use (--link-port); stop what holds it or choose another port',
    );
    expect((err as Error).cause).toBe(wrapped);
  });

  it('probes the port when the failure has no code (uWebSockets.js)', async () => {
    const port = await heldPort();
    await expect(
      bindListener('--port', '127.0.0.1', port, () => Promise.reject(new Error('false'))),
    ).rejects.toThrow(`port ${port} is in use (--port)`);
  });
});

describe(assertPortFree, () => {
  it('passes for a free port and throws the one line for a held one', async () => {
    const port = await heldPort();
    await expect(assertPortFree('--port', '127.0.0.1', port)).rejects.toThrow(
      new StartupError(
        `port ${port} is in use (--port); stop what holds it or choose another port`,
      ),
    );
    const held = servers.pop()!;
    await new Promise((r) => held.close(r));
    await expect(assertPortFree('--port', '127.0.0.1', port)).resolves.toBeUndefined();
  });
});

describe(explainAdmin, () => {
  it('adds the flag to an admin socket problem', () => {
    expect(
      explainAdmin('/x.sock', new AdminSocketError('/x.sock exists and is not a socket')),
    ).toBe('/x.sock exists and is not a socket (--admin)');
  });

  it.each([
    ['EACCES', /no permission \(--admin; choose a directory this user may write\)$/],
    ['ENOTDIR', /a part of its directory is a file \(--admin\)$/],
    ['ENOENT', /^cannot create the admin socket \/r\/x\.sock \(--admin\): listen ENOENT$/],
  ])('explains %s', (code, line) => {
    expect(explainAdmin('/r/x.sock', errno(code))).toMatch(line);
  });

  it('is what bindAdmin throws', async () => {
    await expect(bindAdmin('/r/x.sock', () => Promise.reject(errno('EROFS')))).rejects.toThrow(
      StartupError,
    );
  });
});
