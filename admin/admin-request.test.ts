import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AdminClientError, adminRequest } from './admin-request';

let dir: string;
let path: string;
let server: Server | undefined;
const sockets: Socket[] = [];

/** A hand-written admin socket that reacts to each connection with `onConnection`. */
function fakeNode(onConnection: (socket: Socket) => void): Promise<void> {
  server = createServer((socket) => {
    sockets.push(socket);
    socket.on('error', () => {});
    onConnection(socket);
  });
  return new Promise((resolve) => server!.listen(path, resolve));
}

async function failure(p: Promise<unknown>): Promise<AdminClientError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof AdminClientError))
    throw new Error(`expected AdminClientError, got ${String(err)}`);
  return err;
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'troupe-req-'));
  path = join(dir, 'a.sock');
});

afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
  rmSync(dir, { recursive: true, force: true });
});

describe(adminRequest, () => {
  it('sends one JSON line and resolves with the answer line', async () => {
    let got = '';
    await fakeNode((s) =>
      s.on('data', (d) => {
        got += d.toString();
        if (got.endsWith('\n')) s.end('{"ok":true,"stats":{"n":1}}\n');
      }),
    );
    expect(await adminRequest(path, { cmd: 'stats' })).toEqual({ ok: true, stats: { n: 1 } });
    expect(got).toBe('{"cmd":"stats"}\n');
  });

  it('says the node is not running when there is no socket', async () => {
    const err = await failure(adminRequest(path, { cmd: 'stats' }));
    expect(err.code).toBe('not-running');
    expect(err.message).toBe(`is troupe running? no admin socket at ${path}`);
  });

  it('times out when the node never answers', async () => {
    await fakeNode(() => {});
    const err = await failure(adminRequest(path, { cmd: 'stats' }, 30));
    expect(err.code).toBe('timeout');
    expect(err.message).toMatch(/no answer .* within 30 ms/);
  });

  it('rejects an answer that is not JSON or has no "ok"', async () => {
    await fakeNode((s) => s.end('hello\n'));
    expect((await failure(adminRequest(path, {}))).code).toBe('bad-answer');
    for (const s of sockets.splice(0)) s.destroy();
    await new Promise<void>((r) => server!.close(() => r()));
    await fakeNode((s) => s.end('{"fine":true}\n'));
    expect((await failure(adminRequest(path, {}))).message).toMatch(/without "ok"/);
  });

  it('fills in a missing error message', async () => {
    await fakeNode((s) => s.end('{"ok":false}\n'));
    expect(await adminRequest(path, {})).toEqual({ ok: false, error: 'unknown error' });
  });

  it('fails when the node closes without answering', async () => {
    await fakeNode((s) => s.end());
    expect((await failure(adminRequest(path, {}))).message).toMatch(/closed without answering/);
  });
});
