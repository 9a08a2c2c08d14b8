import net from 'node:net';
import { startRedisServer, type RedisServer } from './redis-server';

/** One RESP exchange over a raw socket: the reply's first line, or the socket's error code. */
function send(port: number, command: string, timeoutMs = 300): Promise<string> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    const done = (answer: string): void => {
      s.destroy();
      resolve(answer);
    };
    s.setTimeout(timeoutMs, () => done('timeout'));
    s.once('error', (err: NodeJS.ErrnoException) => done(err.code ?? err.message));
    s.once('connect', () => s.write(command + '\r\n'));
    s.once('data', (b) => done(b.toString().split('\r\n')[0]!));
  });
}

describe('startRedisServer', () => {
  let srv: RedisServer | undefined;
  afterEach(async () => {
    srv?.resume();
    await srv?.stop();
    srv = undefined;
  });

  it('starts redis-server on loopback with persistence off', async () => {
    srv = await startRedisServer();
    expect(srv.url).toBe(`redis://127.0.0.1:${srv.port}`);
    expect(await send(srv.port, 'PING')).toBe('+PONG');
    const save = await new Promise<string>((resolve) => {
      const s = net.connect(srv!.port, '127.0.0.1', () => s.write('CONFIG GET save\r\n'));
      s.once('data', (b) => {
        s.destroy();
        resolve(b.toString());
      });
    });
    expect(save.split('\r\n')).toEqual(['*2', '$4', 'save', '$0', '', '']);
  });

  it('plays a crash with kill and comes back empty on the same port with restart', async () => {
    srv = await startRedisServer();
    expect(await send(srv.port, 'SET k v')).toBe('+OK');
    await srv.kill();
    expect(await send(srv.port, 'PING')).toBe('ECONNREFUSED');
    await srv.restart();
    expect(await send(srv.port, 'GET k')).toBe('$-1');
  });

  it('plays a hung server with pause: connections open, no answer until resume', async () => {
    srv = await startRedisServer();
    srv.pause();
    expect(await send(srv.port, 'PING')).toBe('timeout');
    srv.resume();
    expect(await send(srv.port, 'PING')).toBe('+PONG');
  });

  it('fails with a message naming the package and .ci/run when redis-server is missing', async () => {
    await expect(startRedisServer({ bin: '/nonexistent/redis-server' })).rejects.toThrow(
      /redis-server is not installed \(Debian package redis-server\).*\.ci\/run installs it/,
    );
  });

  it('fails with redis-server own words when the port is taken', async () => {
    srv = await startRedisServer();
    await expect(startRedisServer({ port: srv.port })).rejects.toThrow(/redis-server exited/);
  });
});
