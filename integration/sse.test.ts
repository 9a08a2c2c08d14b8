/**
 * Server-Sent Events (PROTOCOL.md §9) against the real `troupe start`, on both transports:
 * streams read with `fetch` and the WHATWG parsing rules (`testing/sse-client.ts`), a raw
 * socket for the client that stops reading.
 */
import net from 'node:net';
import WebSocket from 'ws';
import { randomBytes } from 'node:crypto';
import { seconds, sign } from '../testing/auth-keys';
import { eventually } from '../testing/eventually';
import { SseClient, type SseEvent } from '../testing/sse-client';
import { metric, publishHttp as publish, startNode, type Node } from './harness';

const HB = 300;
const GOOD = 'http://good.example';

const isAck = (topic: string) => (e: SseEvent) =>
  e.event === 'ack' && (JSON.parse(e.data) as { topic?: string }).topic === topic;

/** Opens a stream and waits until every topic is subscribed (its ack arrived). */
async function subscribed(url: string, topics: string[], headers = {}): Promise<SseClient> {
  const c = await SseClient.open(url, headers);
  expect(c.status).toBe(200);
  for (const t of topics) await c.next(isAck(t));
  return c;
}

const evsOf = (c: SseClient) => c.evs().map((e) => `${e.topic}:${String(e.data)}`);

describe.each(['uws', 'ws'] as const)('GET /v1/sse on --transport %s', (transport) => {
  let node: Node;
  let sse: string;
  const open: SseClient[] = [];
  const track = (c: SseClient) => (open.push(c), c);

  beforeAll(async () => {
    node = await startNode([
      '--transport',
      transport,
      '--heartbeat-ms',
      String(HB),
      '--outbound-limit',
      '64KiB',
      '--allowed-origins',
      GOOD,
    ]);
    sse = `${node.http}/v1/sse`;
  });
  afterEach(() => {
    for (const c of open.splice(0)) c.close();
  });
  afterAll(async () => {
    await node.stop();
  });

  it('streams the events of two topics in order, each with the stream position as id', async () => {
    const c = track(await subscribed(`${sse}?topic=a1&topic=b1`, ['a1', 'b1']));
    expect(c.headers.get('content-type')).toMatch(/^text\/event-stream/);
    await publish(node, 'a1', 'x');
    await publish(node, 'b1', 'y');
    await publish(node, 'a1', 'z');
    await eventually(() => c.evs().length === 3, 5000, 'three events');
    expect(evsOf(c)).toEqual(['a1:x', 'b1:y', 'a1:z']);
    const ids = c.events.filter((e) => e.event === 'ev').map((e) => e.id!);
    const [a, b] = c.evs();
    expect(ids[0]).toBe(`0~${a!.epoch}~1.1~${b!.epoch}~0`);
    expect(ids[2]).toBe(`0~${a!.epoch}~2.1~${b!.epoch}~1`);
  });

  it('resumes every topic from Last-Event-ID with exactly the missed events', async () => {
    const first = track(await subscribed(`${sse}?topic=a2&topic=b2`, ['a2', 'b2']));
    await publish(node, 'a2', 1);
    await publish(node, 'b2', 1);
    await eventually(() => first.evs().length === 2, 5000, 'first events');
    const lastId = first.lastId;
    first.close();
    await publish(node, 'a2', 2);
    await publish(node, 'b2', 2);
    await publish(node, 'a2', 3);

    const again = track(
      await subscribed(`${sse}?topic=a2&topic=b2`, ['a2', 'b2'], { 'last-event-id': lastId }),
    );
    await eventually(() => again.evs().length === 3, 5000, 'the missed events');
    const acks = again.events.filter((e) => e.event === 'ack').map((e) => JSON.parse(e.data));
    expect(acks.map((a: { recovered: boolean }) => a.recovered)).toEqual([true, true]);
    await publish(node, 'b2', 3);
    await eventually(() => again.evs().length === 4, 5000, 'the live event');
    const got = evsOf(again);
    expect(got.filter((e) => e.startsWith('a2'))).toEqual(['a2:2', 'a2:3']);
    expect(got.filter((e) => e.startsWith('b2'))).toEqual(['b2:2', 'b2:3']);
  });

  it('takes the position from ?lastEventId= too, and treats a malformed one as absent', async () => {
    const first = track(await subscribed(`${sse}?topic=a3`, ['a3']));
    await publish(node, 'a3', 1);
    await eventually(() => first.evs().length === 1, 5000, 'first event');
    first.close();
    await publish(node, 'a3', 2);
    const q = track(
      await subscribed(`${sse}?topic=a3&lastEventId=${encodeURIComponent(first.lastId)}`, ['a3']),
    );
    await eventually(() => q.evs().length === 1, 5000, 'the missed event');
    expect(evsOf(q)).toEqual(['a3:2']);

    const bad = track(
      await subscribed(`${sse}?topic=a3`, ['a3'], { 'last-event-id': `0~${'x'.repeat(5000)}~1` }),
    );
    const ack = JSON.parse((await bad.next(isAck('a3'))).data) as { recovered: boolean };
    expect(ack.recovered).toBe(false);
    expect(bad.evs()).toEqual([]);
  });

  it('sends a comment every hb and never closes a stream that sends nothing as idle', async () => {
    const c = track(await subscribed(`${sse}?topic=quiet`, ['quiet']));
    await eventually(() => c.comments.filter((x) => x === 'hb').length >= 4, 5000, 'hb comments');
    // 4 heartbeats > the 2.5 x hb after which a silent WebSocket is closed as idle.
    expect(c.isEnded).toBe(false);
  });

  it('refuses a page of an origin not allowed, and answers an allowed one with CORS', async () => {
    const evil = await SseClient.open(`${sse}?topic=a`, { origin: 'http://evil.example' });
    expect(evil.status).toBe(403);
    const good = track(await SseClient.open(`${sse}?topic=a`, { origin: GOOD }));
    expect(good.status).toBe(200);
    expect(good.headers.get('access-control-allow-origin')).toBe(GOOD);
  });

  it('answers 400 without a topic or with a bad one, 413 past the topic limit', async () => {
    expect((await SseClient.open(sse)).status).toBe(400);
    expect((await SseClient.open(`${sse}?topic=bad%20topic`)).status).toBe(400);
    const many = Array.from({ length: 101 }, (_, i) => `topic=t${i}`).join('&');
    expect((await SseClient.open(`${sse}?${many}`)).status).toBe(413);
  });

  it('closes a client that stops reading as a slow consumer and counts it', async () => {
    const before = await metric(node, 'troupe_drops_total{reason="slow_consumer"}');
    const { port } = new URL(node.http);
    const socket = net.connect(Number(port), '127.0.0.1');
    socket.on('error', () => {});
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    socket.write('GET /v1/sse?topic=slow HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n');
    socket.pause();
    await new Promise((r) => setTimeout(r, 300));
    const big = randomBytes(96 * 1024).toString('base64');
    let gone = false;
    void closed.then(() => (gone = true));
    for (let i = 0; i < 400 && !gone; i++) {
      await publish(node, 'slow', big);
      if ((await metric(node, 'troupe_drops_total{reason="slow_consumer"}')) > before) break;
    }
    expect(await metric(node, 'troupe_drops_total{reason="slow_consumer"}')).toBe(before + 1);
    socket.resume(); // read what was sent, so the server's close reaches us
    await closed;
  });

  it('sends bye with a retry and ends every stream when the node drains (SIGTERM)', async () => {
    const c = track(await subscribed(`${sse}?topic=last`, ['last']));
    const exited = node.stop('SIGTERM');
    const bye = await c.next((e) => e.event === 'bye', 8000);
    expect(JSON.parse(bye.data)).toMatchObject({ op: 'bye', code: 1001 });
    expect(bye.retry).toEqual(expect.any(Number));
    await c.ended;
    expect(await exited).toBe(0);
  });
});

describe.each(['uws', 'ws'] as const)('GET /v1/sse with --jwt-secret on %s', (transport) => {
  const SECRET = randomBytes(32).toString('hex');
  let node: Node;
  const token = (claims: Record<string, unknown>) =>
    sign({ exp: seconds(Date.now()) + 60, ...claims }, Buffer.from(SECRET), 'HS256');

  beforeAll(async () => {
    node = await startNode(['--transport', transport, '--jwt-secret', SECRET]);
  });
  afterAll(async () => {
    await node.stop();
  });

  it('answers 401 without a token and with a bad one', async () => {
    const url = `${node.http}/v1/sse?topic=live:1`;
    expect((await SseClient.open(url)).status).toBe(401);
    const bad = await sign(
      { sub: 'x', exp: seconds(Date.now()) + 60 },
      Buffer.from('nope'),
      'HS256',
    );
    expect((await SseClient.open(`${url}&token=${bad}`)).status).toBe(401);
  });

  it('answers 403 for a topic the token does not allow, and streams the ones it does', async () => {
    const t = await token({ sub: 'ann', topics: ['live:*'] });
    const no = await SseClient.open(`${node.http}/v1/sse?topic=live:1&topic=secret&token=${t}`);
    expect(no.status).toBe(403);
    const yes = await subscribed(`${node.http}/v1/sse?topic=live:1`, ['live:1'], {
      authorization: `Bearer ${t}`,
    });
    yes.close();
  });
});

describe.each(['uws', 'ws'] as const)('GET /v1/sse with --max-connections on %s', (transport) => {
  let node: Node;

  beforeAll(async () => {
    node = await startNode(['--transport', transport, '--max-connections', '1']);
  });
  afterAll(async () => {
    await node.stop();
  });

  it('counts streams with WebSockets: past the bound a stream gets 503 and so does an upgrade', async () => {
    const first = await subscribed(`${node.http}/v1/sse?topic=a`, ['a']);
    const second = await SseClient.open(`${node.http}/v1/sse?topic=a`);
    expect(second.status).toBe(503);
    const upgrade = await new Promise<number>((resolve) => {
      const ws = new WebSocket(node.ws);
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => (ws.close(), resolve(101)));
      ws.on('error', () => {});
    });
    expect(upgrade).toBe(503);
    expect(
      await metric(node, 'troupe_bad_input_total{kind="max_connections"}'),
    ).toBeGreaterThanOrEqual(1);
    first.close();
    await eventually(
      async () => (await SseClient.open(`${node.http}/v1/sse?topic=a`)).status === 200,
      5000,
      'a stream once the first left',
    );
  });
});
