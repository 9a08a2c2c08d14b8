import { createHash } from 'node:crypto';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { selfSignedCert } from '../../testing/tls-cert';
import { frameSize, maskedFrame, RawWsClient } from './ws-client';

function serverFrame(payload: Buffer): Buffer {
  const len = payload.length;
  const head =
    len < 126 ? Buffer.from([0x82, len]) : Buffer.from([0x82, 126, len >> 8, len & 0xff]);
  return Buffer.concat([head, payload]);
}

/**
 * A one-connection server that upgrades, then writes `bytes` in pieces of `piece` bytes; over
 * TLS with `cert`.
 */
function serve(
  bytes: Buffer,
  piece: number,
  cert?: { cert: string; key: string },
): Promise<{ port: number; close: () => void }> {
  return new Promise((resolve) => {
    const onSocket = (s: net.Socket): void => {
      s.once('data', async (req: Buffer) => {
        const key = /Sec-WebSocket-Key: (\S+)/i.exec(req.toString())?.[1] ?? '';
        const accept = createHash('sha1')
          .update(key + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11')
          .digest('base64');
        s.write(
          `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
        );
        for (let i = 0; i < bytes.length; i += piece) {
          s.write(bytes.subarray(i, i + piece));
          await new Promise((r) => setTimeout(r, 2));
        }
      });
    };
    const server = cert ? tls.createServer(cert, onSocket) : net.createServer(onSocket);
    server.listen(0, '127.0.0.1', () =>
      resolve({ port: (server.address() as net.AddressInfo).port, close: () => server.close() }),
    );
  });
}

describe('RawWsClient', () => {
  it('speaks TLS to the server when target.tls is set', async () => {
    const srv = await serve(serverFrame(Buffer.from('over tls')), 5000, selfSignedCert());
    const got = await new Promise<string>((done) => {
      const c = new RawWsClient(
        { host: '127.0.0.1', port: srv.port, path: '/v1/ws', protocol: '', tls: true },
        {
          onOpen: () => undefined,
          onMessage: (buf, start, end) => {
            done(buf.subarray(start, end).toString());
            c.close();
          },
          onClose: (reason) => done(`closed: ${reason}`),
        },
      );
    });
    srv.close();
    expect(got).toBe('over tls');
  });

  it.each([1, 3, 7, 200, 5000])(
    'delivers every message whole when reads split frames every %i bytes',
    async (piece) => {
      const payloads = [
        Buffer.from('a'),
        Buffer.alloc(300, 7),
        Buffer.from('hello world'),
        Buffer.alloc(126, 1),
      ];
      const srv = await serve(Buffer.concat(payloads.map(serverFrame)), piece);
      const got: Buffer[] = [];
      await new Promise<void>((done) => {
        const c = new RawWsClient(
          { host: '127.0.0.1', port: srv.port, path: '/v1/ws', protocol: 'troupe.v1.msgpack' },
          {
            onOpen: () => undefined,
            onMessage: (buf, start, end) => {
              got.push(Buffer.from(buf.subarray(start, end)));
              if (got.length === payloads.length) c.close();
            },
            onClose: () => done(),
          },
        );
      });
      srv.close();
      expect(got).toEqual(payloads);
    },
  );
});

describe('RawWsClient reads into one buffer shared by the process', () => {
  /** Opens a client to `port` and resolves with the payloads it received, in order. */
  const collect = (port: number, want: number): Promise<Buffer[]> =>
    new Promise((done) => {
      const got: Buffer[] = [];
      const c = new RawWsClient(
        { host: '127.0.0.1', port, path: '/v1/ws', protocol: '' },
        {
          onOpen: () => undefined,
          onMessage: (buf, start, end) => {
            got.push(Buffer.from(buf.subarray(start, end)));
            if (got.length === want) c.close();
          },
          onClose: () => done(got),
        },
      );
      // A mixed-up stream may never complete a frame: give up with what arrived.
      setTimeout(() => c.close(), 3000).unref();
    });

  it('keeps the split frames of two clients apart while both are read at once', async () => {
    const fill = (byte: number): Buffer[] => [
      Buffer.alloc(300, byte),
      Buffer.alloc(50, byte + 1),
      Buffer.alloc(200, byte + 2),
    ];
    const a = fill(0x10);
    const b = fill(0x40);
    const [sa, sb] = await Promise.all([
      serve(Buffer.concat(a.map(serverFrame)), 7),
      serve(Buffer.concat(b.map(serverFrame)), 11),
    ]);
    const [gotA, gotB] = await Promise.all([
      collect(sa.port, a.length),
      collect(sb.port, b.length),
    ]);
    sa.close();
    sb.close();
    expect(gotA).toEqual(a);
    expect(gotB).toEqual(b);
  });
});

describe('frameSize', () => {
  it('is 0 until the header is complete, then header + payload', () => {
    const f = serverFrame(Buffer.alloc(300));
    expect(frameSize(f.subarray(0, 3), 0)).toBe(0);
    expect(frameSize(f, 0)).toBe(304);
  });

  it('counts the mask of client frames', () => {
    expect(frameSize(maskedFrame(2, Buffer.alloc(5)), 0)).toBe(11);
  });
});
