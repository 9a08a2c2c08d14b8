/**
 * The harness of the transport contract suite (`transport.contract.test.ts`): starts a
 * transport that records what its handlers see, and drives it with `ws` clients and Node's
 * http client over loopback. Only tests import this file.
 */
import { request as httpRequest } from 'node:http';
import { connect as tcpConnect, type Socket } from 'node:net';
import WebSocket from 'ws';
import {
  createTransport,
  type HttpRequest,
  type Transport,
  type TransportConnection,
  type TransportHandlers,
  type TransportKind,
  type TransportOptions,
  type UpgradeRequest,
} from '../gateway/transport';
import { eventually } from './eventually';

export const WS_PATH = '/v1/ws';
export const MAX_PAYLOAD = 1024;
export const MAX_BACKPRESSURE = 64 * 1024;
export const MAX_HTTP_BODY = 2048;

export interface Recorded {
  upgrades: UpgradeRequest[];
  opened: TransportConnection[];
  messages: Array<{ conn: TransportConnection; data: Uint8Array | string; binary: boolean }>;
  closes: Array<{ conn: TransportConnection; code: number; reason: string }>;
  drains: TransportConnection[];
  http: HttpRequest[];
  errors: unknown[];
}

export interface Harness {
  transport: Transport;
  host: string;
  port: number;
  events: Recorded;
  url(path?: string): string;
  connect(
    protocols?: string[],
    path?: string,
    headers?: Record<string, string>,
  ): Promise<WebSocket>;
  /** Connects and waits until the server side has opened too. */
  pair(): Promise<{ client: WebSocket; conn: TransportConnection }>;
  /** Waits until the close handler has run `n` times in all. */
  closeReports(n?: number): Promise<void>;
}

export interface ClientClose {
  code: number;
  reason: string;
}

export interface HttpResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

const live: Array<{ transport: Transport; clients: WebSocket[] }> = [];

export async function start(
  kind: TransportKind,
  handlers: Partial<TransportHandlers> = {},
  options: Partial<Omit<TransportOptions, 'handlers'>> = {},
  host = '127.0.0.1',
): Promise<Harness> {
  const events: Recorded = {
    upgrades: [],
    opened: [],
    messages: [],
    closes: [],
    drains: [],
    http: [],
    errors: [],
  };
  const all: TransportHandlers = {
    upgrade: (req) => {
      events.upgrades.push(req);
      return { accept: true, protocol: req.protocols[0] ?? null };
    },
    open: (conn) => events.opened.push(conn),
    message: (conn, data, binary) => events.messages.push({ conn, data, binary }),
    drain: (conn) => events.drains.push(conn),
    close: (conn, code, reason) => events.closes.push({ conn, code, reason }),
    http: (req) => {
      events.http.push(req);
      return { status: 200, body: 'ok' };
    },
    error: (err) => events.errors.push(err),
    ...handlers,
  };
  const transport = createTransport(kind, {
    wsPath: WS_PATH,
    maxPayload: MAX_PAYLOAD,
    maxBackpressure: MAX_BACKPRESSURE,
    maxHttpBody: MAX_HTTP_BODY,
    ...options,
    handlers: all,
  });
  const clients: WebSocket[] = [];
  live.push({ transport, clients });
  const port = await transport.listen(host, 0);
  const authority = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  const url = (path = WS_PATH): string => `ws://${authority}${path}`;
  const harness: Harness = {
    transport,
    host,
    port,
    events,
    url,
    pair: async () => {
      const opened = events.opened.length;
      const client = await harness.connect();
      await eventually(() => events.opened.length > opened, 3000, 'open');
      return { client, conn: events.opened[opened]! };
    },
    closeReports: (n = 1) =>
      eventually(() => events.closes.length >= n, 3000, `${n} close reports`),
    connect: (protocols = [], path = WS_PATH, headers = {}) => {
      const client = new WebSocket(url(path), protocols, { headers, perMessageDeflate: false });
      clients.push(client);
      return new Promise((resolve, reject) => {
        client.once('open', () => resolve(client));
        client.once('error', reject);
        client.once('unexpected-response', (_req, res) =>
          reject(new Error(`unexpected response ${res.statusCode ?? 0}`)),
        );
      });
    },
  };
  return harness;
}

/** Closes every transport and client `start` made; call from `afterEach`. */
export async function stopAll(): Promise<void> {
  for (const { transport, clients } of live.splice(0)) {
    for (const client of clients) client.terminate();
    transport.closeAll(1001, 'test over');
    await transport.close();
  }
}

export function closed(client: WebSocket): Promise<ClientClose> {
  return new Promise((resolve) => {
    client.on('error', () => undefined);
    client.once('close', (code, reason) => resolve({ code, reason: reason.toString() }));
  });
}

export function nextMessage(client: WebSocket): Promise<{ data: Buffer; isBinary: boolean }> {
  return new Promise((resolve) =>
    client.once('message', (data, isBinary) => resolve({ data: data as Buffer, isBinary })),
  );
}

export function rejectedUpgrade(url: string): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const client = new WebSocket(url);
    client.once('open', () => reject(new Error('upgrade was accepted')));
    client.on('error', () => undefined);
    client.once('unexpected-response', (_req, res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
  });
}

export function http(
  to: { host: string; port: number },
  method: string,
  path: string,
  /** An array is written chunk by chunk, so the request goes out chunked (no content-length). */
  body?: Buffer | string | Buffer[],
  headers: Record<string, string> = {},
): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: to.host, port: to.port, method, path, headers, agent: false },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }),
        );
      },
    );
    req.on('error', reject);
    if (!Array.isArray(body)) {
      req.end(body);
      return;
    }
    for (const chunk of body) req.write(chunk);
    req.end();
  });
}

export function pauseReading(client: WebSocket): Socket {
  const socket = (client as unknown as { _socket: Socket })._socket;
  socket.pause();
  return socket;
}

/**
 * Starts an upgrade and gives up on it as soon as the server is deciding (`deciding` resolves
 * from inside the upgrade handler).
 */
export function abandonUpgrade(url: string, deciding: Promise<void>): Promise<void> {
  const client = new WebSocket(url);
  client.on('error', () => undefined);
  return deciding.then(() => {
    client.terminate();
    return new Promise((resolve) => setTimeout(resolve, 30));
  });
}

/** A masked, empty client ping frame (RFC 6455 §5.5.2), written on a raw socket. */
const PING_FRAME = Buffer.from([0x89, 0x80, 1, 2, 3, 4]);

/**
 * Writes pings on a socket that reads nothing until a write fails (the server destroyed its
 * side) or `timeoutMs` passes: true if the socket failed in time.
 */
export function writeUntilReset(socket: Socket, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const finish = (gone: boolean): void => {
      clearInterval(timer);
      clearTimeout(limit);
      resolve(gone);
    };
    const timer = setInterval(() => socket.write(PING_FRAME), 50);
    const limit = setTimeout(() => finish(false), timeoutMs);
    socket.on('error', () => undefined);
    socket.once('close', () => finish(true));
  });
}

/**
 * A slowloris upgrade: the request line, then one header line every `everyMs`, never the end
 * of the headers. Resolves with the ms until the server closed it, or -1 after `timeoutMs`.
 */
export function slowHandshake(
  to: { host: string; port: number },
  everyMs: number,
  timeoutMs: number,
): Promise<number> {
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = tcpConnect(to.port, to.host);
    let n = 0;
    const finish = (ms: number): void => {
      clearInterval(timer);
      clearTimeout(limit);
      socket.destroy();
      resolve(ms);
    };
    socket.write(`GET ${WS_PATH} HTTP/1.1\r\nHost: ${to.host}\r\nUpgrade: websocket\r\n`);
    const timer = setInterval(() => socket.write(`X-Slow-${n++}: 1\r\n`), everyMs);
    const limit = setTimeout(() => finish(-1), timeoutMs);
    socket.on('error', () => undefined);
    socket.resume();
    socket.once('close', () => finish(Date.now() - started));
  });
}
