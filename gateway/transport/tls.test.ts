import { X509Certificate } from 'node:crypto';
import { connect as tcpConnect } from 'node:net';
import type { TLSSocket } from 'node:tls';
import WebSocket from 'ws';
import { httpsFetch } from '../../testing/https-fetch';
import { SseClient } from '../../testing/sse-client';
import { eventually } from '../../testing/eventually';
import { writeTestCert } from '../../testing/tls-cert';
import { WS_PATH, start, stopAll } from '../../testing/transport-contract';
import { loadTls } from '../../server/tls';
import { TransportKind, TransportTlsError, type TransportTls } from '.';

afterEach(stopAll);

const certs = writeTestCert();
const tls: TransportTls = loadTls({ tlsCert: certs.certFile, tlsKey: certs.keyFile })!;
const fetchTls = httpsFetch(certs.cert);
const SSE_PATH = '/v1/sse';

/** Opens a client and settles with how it ended up: open, or the error that stopped it. */
function attempt(url: string, opts: WebSocket.ClientOptions = {}): Promise<'open' | Error> {
  return new Promise((resolve) => {
    const client = new WebSocket(url, opts);
    client.once('open', () => {
      resolve('open');
      client.terminate();
    });
    client.once('error', (e) => resolve(e));
  });
}

describe.each(Object.values(TransportKind))('Transport (%s) with tls', (kind) => {
  const startTls = (extra = {}) =>
    start(
      kind,
      {
        stream: () => ({
          accept: true,
          userData: undefined,
          headers: {},
          preamble: ':ok\n\n',
          farewell: () => '',
        }),
      },
      { tls, ssePath: SSE_PATH, ...extra },
    );

  it('serves WSS with the given certificate, both ways', async () => {
    const h = await startTls();
    const client = new WebSocket(`wss://127.0.0.1:${h.port}${WS_PATH}`, { ca: certs.cert });
    let served = '';
    client.once('upgrade', (res) => {
      served = (res.socket as TLSSocket).getPeerCertificate().fingerprint256;
    });
    await new Promise((resolve, reject) => client.once('open', resolve).once('error', reject));
    expect(served).toBe(new X509Certificate(certs.cert).fingerprint256);
    client.send('up');
    await eventually(() => h.events.messages.length === 1, 3000, 'message');
    expect(h.events.messages[0]!.data).toBe('up');
    const down = new Promise<string>((r) => client.once('message', (d) => r(String(d))));
    h.events.opened[0]!.send('down', false);
    expect(await down).toBe('down');
    client.terminate();
  });

  it('answers HTTPS requests with their body passed on', async () => {
    const h = await startTls();
    const res = await fetchTls(`https://127.0.0.1:${h.port}/x?y=1`, {
      method: 'POST',
      body: 'abc',
    });
    expect([res.status, await res.text()]).toEqual([200, 'ok']);
    expect(h.events.http[0]!.body.toString()).toBe('abc');
    expect(h.events.http[0]!.query.get('y')).toBe('1');
  });

  it('streams server-sent events over HTTPS', async () => {
    const h = await startTls();
    const sse = await SseClient.open(`https://127.0.0.1:${h.port}${SSE_PATH}`, {}, fetchTls);
    expect(sse.status).toBe(200);
    await eventually(() => h.events.opened.length === 1, 3000, 'stream open');
    h.events.opened[0]!.send('event: ev\ndata: {"n":1}\n\n', false);
    expect((await sse.next((e) => e.event === 'ev')).data).toBe('{"n":1}');
    expect(sse.comments).toContain('ok');
    sse.close();
  });

  it('refuses a plain ws:// client and never sees its upgrade', async () => {
    const h = await startTls();
    const result = await attempt(`ws://127.0.0.1:${h.port}${WS_PATH}`);
    expect(result).not.toBe('open');
    expect((result as Error).message).toMatch(/socket hang up|ECONNRESET/);
    expect(h.events.upgrades).toHaveLength(0);
  });

  it('is refused by a client that does not trust the certificate', async () => {
    const h = await startTls();
    const result = await attempt(`wss://127.0.0.1:${h.port}${WS_PATH}`);
    expect((result as NodeJS.ErrnoException).code).toMatch(/SELF_SIGNED|UNABLE_TO_VERIFY/);
  });
});

describe('WsTransport with tls', () => {
  it('closes a connection that has not finished its TLS handshake within handshakeTimeoutMs', async () => {
    const h = await start('ws', {}, { tls, handshakeTimeoutMs: 300 });
    const started = Date.now();
    const socket = tcpConnect(h.port, '127.0.0.1');
    socket.on('error', () => undefined);
    socket.resume();
    const limit = setTimeout(() => socket.destroy(), 5000);
    await new Promise((r) => socket.once('close', r));
    clearTimeout(limit);
    const ms = Date.now() - started;
    expect(ms).toBeGreaterThanOrEqual(250);
    expect(ms).toBeLessThan(2000);
  });
});

describe('UwsTransport with tls', () => {
  it('throws TransportTlsError naming the files uWS could not use', async () => {
    const broken: TransportTls = { ...tls, certFile: '/nonexistent/cert.pem' };
    const made = start('uws', {}, { tls: broken });
    await expect(made).rejects.toThrow(TransportTlsError);
    await expect(made).rejects.toThrow(`certificate /nonexistent/cert.pem and key ${tls.keyFile}`);
  });
});
