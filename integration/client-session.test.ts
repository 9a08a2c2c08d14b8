/**
 * The client library (client/) over one long session against a real `troupe start`: token
 * refresh keeps a JWT connection up past each token's `exp`, a slow app callback stalls
 * neither pings nor later events, and the browser bundle is served at `GET /v1/client.js`
 * (200 with an ETag, 304 on `If-None-Match`) on both transports and works as an ES module.
 */
import { spawnSync } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import vm from 'node:vm';
import { connect, type TroupeClient } from '../client';
import { seconds, sign } from '../testing/auth-keys';
import { eventually } from '../testing/eventually';
import { closeClients, QUICK, recordingClient } from './client-kit';
import { startNode, type Node } from './harness';

const SECRET = 'client-session-secret-of-32-bytes!!';

function rawGet(url: string, headers: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      })
      .on('error', reject);
  });
}
const TOPIC = 'room:session';

describe('client library: token refresh', () => {
  let node: Node;
  beforeAll(async () => {
    node = await startNode(['--jwt-secret', SECRET]);
  });
  afterAll(() => node.stop());
  afterEach(closeClients);

  it('calls getToken before exp and stays connected past the first tokens expiry', async () => {
    const issued: number[] = [];
    const getToken = (): Promise<string> => {
      const exp = seconds(Date.now()) + 3;
      issued.push(exp);
      return sign({ sub: 'ann', exp, topics: [TOPIC], pub: [TOPIC] }, Buffer.from(SECRET), 'HS256');
    };
    const r = await recordingClient(`http://127.0.0.1:${new URL(node.ws).port}`, TOPIC, {
      getToken,
    });
    const firstExpMs = issued[0]! * 1000;
    await eventually(() => Date.now() > firstExpMs + 2000, 10_000, 'past the first exp');
    expect(issued.length).toBeGreaterThanOrEqual(3);
    await r.client.publish(TOPIC, { n: 1 });
    await eventually(() => r.seen.length === 1, 5000, 'an event after the first exp');
    // Never dropped: the server closes a connection at its token's exp (4001) without a refresh.
    expect(r.states).toEqual(['connected']);
  }, 20_000);
});

describe('client library: a slow app callback', () => {
  let node: Node;
  let client: TroupeClient | undefined;
  beforeAll(async () => {
    // hb 200 ms: a client silent for 500 ms is closed as idle.
    node = await startNode(['--heartbeat-ms', '200']);
  });
  afterAll(() => node.stop());
  afterEach(() => client?.close());

  it('keeps pinging and delivering while a callback awaits for longer than 2 hb', async () => {
    client = connect(node.ws, QUICK);
    const states: string[] = [];
    client.on('state', (s) => states.push(s));
    const started: number[] = [];
    let finished = 0;
    await client.subscribe<{ n: number }>(TOPIC, {
      onEvent: async (e) => {
        started.push(e.data.n);
        await new Promise((r) => setTimeout(r, 1500));
        finished++;
      },
    }).ready;
    for (let n = 1; n <= 3; n++) await client.publish(TOPIC, { n });
    // Every callback has begun while the first still awaits: delivery did not wait on it.
    await eventually(() => started.length === 3, 1000, 'three callbacks begun');
    expect(finished).toBe(0);
    await eventually(() => finished === 3, 5000, 'callbacks done');
    expect(started).toEqual([1, 2, 3]);
    expect(states).toEqual(['connected']);
  });
});

describe.each(['uws', 'ws'])('GET /v1/client.js over %s', (transport) => {
  let node: Node;
  beforeAll(async () => {
    node = await startNode(['--transport', transport]);
  });
  afterAll(() => node.stop());

  it('answers 200 with the module and an ETag, then 304 to If-None-Match', async () => {
    const res = await fetch(`${node.http}/v1/client.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('public, max-age=86400');
    const etag = res.headers.get('etag')!;
    expect(etag).toMatch(/^"[\w-]+"$/);
    const body = await res.text();
    expect(body).toMatch(/export\s*\{/);
    expect(body).not.toMatch(/require\(["']ws["']\)/);
    const again = await fetch(`${node.http}/v1/client.js`, { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    // fetch() sets Sec-Fetch-Mode itself; a plain request says what a classic <script> says.
    const classic = await rawGet(`${node.http}/v1/client.js`, { 'sec-fetch-mode': 'no-cors' });
    expect(classic).not.toMatch(/export\s*\{/);
    // Run as a classic script would be: it must define `troupe` on the global object.
    const page = vm.createContext({ URL, TextEncoder, TextDecoder });
    vm.runInContext(classic, page);
    expect(vm.runInContext('typeof troupe.connect', page)).toBe('function');
  });
});

describe('the browser bundle as an ES module', () => {
  let node: Node;
  beforeAll(async () => {
    node = await startNode();
  });
  afterAll(() => node.stop());

  it('connects, subscribes and receives what it publishes (WebSocket given: Node 20 has none)', () => {
    const bundle = pathToFileURL(
      path.resolve(__dirname, '..', 'dist', 'client', 'troupe-client.js'),
    );
    const script = `
      import { createRequire } from 'node:module';
      import { connect } from '${bundle.href}';
      const WebSocket = createRequire('${pathToFileURL(__filename).href}')('ws');
      const client = connect('${node.http}', { WebSocket });
      let acked;
      const done = new Promise((resolve) => client.subscribe('${TOPIC}', { onEvent: (e) => resolve(e) }).ready.then(() => { acked = client.publish('${TOPIC}', { hi: 1 }); }));
      const e = await done;
      // The event may come through the live channel before the publish's ack: closing first
      // would reject that publish with nobody to catch it.
      await acked;
      console.log(JSON.stringify({ data: e.data, global: typeof globalThis.troupe.connect }));
      client.close();`;
    const out = spawnSync(
      process.execPath,
      ['--no-warnings', '--input-type=module', '-e', script],
      {
        encoding: 'utf8',
        timeout: 10_000,
      },
    );
    expect(out.stderr).toBe('');
    expect(JSON.parse(out.stdout)).toEqual({ data: { hi: 1 }, global: 'function' });
  });
});
