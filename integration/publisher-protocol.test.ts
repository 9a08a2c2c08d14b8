/**
 * PROTOCOL.md section 3 (publisher TCP) and client auth against the real `troupe start`.
 */
import net from 'node:net';
import { pack } from 'msgpackr';
import { metric, startNode, TestClient, TestPublisher, type Node } from './harness';

describe('publisher protocol', () => {
  let node: Node;
  beforeAll(async () => {
    node = await startNode(['--max-publish-frame', '64KiB']);
  });
  afterAll(async () => {
    await node.stop();
  });

  it('acks a pub with id with its seq, and replies nothing without id', async () => {
    const p = await TestPublisher.connect(node.publishPort);
    p.send({ op: 'pub', topic: 'p1', data: 1 });
    p.send({ op: 'pub', topic: 'p1', data: 2, id: 42 });
    expect(await p.reply((m) => m.id === 42)).toEqual({ op: 'ack', id: 42, seq: 2 });
    expect(p.replies).toEqual([]);
    p.close();
  });

  it('takes a batch frame (array of maps) and acks each publish with an id in order', async () => {
    const p = await TestPublisher.connect(node.publishPort);
    p.send([
      { op: 'pub', topic: 'p2', data: 'a', id: 1 },
      { op: 'pub', topic: 'p2', data: 'b' },
      { op: 'pub', topic: 'p2', data: 'c', id: 3 },
    ]);
    expect(await p.reply((m) => m.id === 1)).toMatchObject({ op: 'ack', seq: 1 });
    expect(await p.reply((m) => m.id === 3)).toMatchObject({ op: 'ack', seq: 3 });
    p.close();
  });

  it('answers err 400 to a bad message and keeps the connection', async () => {
    const p = await TestPublisher.connect(node.publishPort);
    p.send({ op: 'pub', topic: 'has space', data: 1, id: 5 });
    expect(await p.reply((m) => m.id === 5)).toMatchObject({ op: 'err', code: 400 });
    p.send({ op: 'dance', id: 6 });
    expect(await p.reply((m) => m.id === 6)).toMatchObject({ op: 'err', code: 400 });
    p.send({ op: 'pub', topic: 'ok', data: 1, id: 7 });
    expect(await p.reply((m) => m.id === 7)).toMatchObject({ op: 'ack' });
    p.close();
  });

  it('answers err 400 to an undecodable payload and keeps the connection', async () => {
    const p = await TestPublisher.connect(node.publishPort);
    const bad = Buffer.from([0, 0, 0, 2, 0xc1, 0xc1]);
    p.socket.write(bad);
    expect(await p.reply((m) => m.op === 'err')).toMatchObject({ code: 400 });
    p.send({ op: 'pub', topic: 'ok', data: 1, id: 8 });
    expect(await p.reply((m) => m.id === 8)).toMatchObject({ op: 'ack' });
    p.close();
  });

  it('closes the connection on a frame over --max-publish-frame, and others keep publishing', async () => {
    const p = await TestPublisher.connect(node.publishPort);
    const other = await TestPublisher.connect(node.publishPort);
    const header = Buffer.alloc(4);
    header.writeUInt32BE(100 * 1024);
    p.socket.write(header);
    await p.closed;
    expect(await p.reply((m) => m.op === 'err')).toMatchObject({ code: 413 });
    other.send({ op: 'pub', topic: 'ok', data: 1, id: 9 });
    expect(await other.reply((m) => m.id === 9)).toMatchObject({ op: 'ack' });
    expect(await metric(node, 'troupe_publisher_bad_input_total')).toBeGreaterThan(0);
    other.close();
  });

  it('delivers a frame split across many TCP writes', async () => {
    const c = await TestClient.connect(node.ws);
    await c.request({ op: 'sub', id: 1, topic: 'split' });
    const sock = net.connect(node.publishPort, '127.0.0.1');
    await new Promise((r) => sock.once('connect', r));
    const body = pack({ op: 'pub', topic: 'split', data: 'x'.repeat(300) });
    const frame = Buffer.concat([Buffer.alloc(4), body]);
    frame.writeUInt32BE(body.length);
    for (let i = 0; i < frame.length; i += 7) {
      sock.write(frame.subarray(i, i + 7));
      await new Promise((r) => setImmediate(r));
    }
    const [ev] = await c.events('split', 1);
    expect(ev!.data).toBe('x'.repeat(300));
    sock.destroy();
    c.close();
  });
});

describe('auth with --auth-token', () => {
  let node: Node;
  beforeAll(async () => {
    node = await startNode(['--auth-token', 's3cret']);
  });
  afterAll(async () => {
    await node.stop();
  });

  it('accepts a client with the token in the query or a Bearer header', async () => {
    const q = await TestClient.connect(`${node.ws}?token=s3cret`);
    expect(q.hello.op).toBe('hello');
    const h = await TestClient.connect(node.ws, { headers: { authorization: 'Bearer s3cret' } });
    expect(h.hello.op).toBe('hello');
    q.close();
    h.close();
  });

  it('closes a client without the right token with 4001', async () => {
    for (const url of [node.ws, `${node.ws}?token=wrong`]) {
      const c = await TestClient.connect(url, { skipHello: true });
      expect((await c.closed).code).toBe(4001);
      expect(c.messages.filter((m) => m.op === 'hello')).toEqual([]);
    }
  });

  it('drops a publisher that publishes before auth, or sends the wrong token', async () => {
    const p1 = await TestPublisher.connect(node.publishPort);
    p1.send({ op: 'pub', topic: 't', data: 1, id: 1 });
    expect(await p1.reply((m) => m.op === 'err')).toMatchObject({ id: 1, code: 401 });
    await p1.closed;
    const p2 = await TestPublisher.connect(node.publishPort);
    p2.send({ op: 'auth', token: 'nope' });
    expect(await p2.reply((m) => m.op === 'err')).toMatchObject({ code: 401 });
    await p2.closed;
  });

  it('lets an authenticated publisher publish', async () => {
    const p = await TestPublisher.connect(node.publishPort);
    p.send({ op: 'auth', token: 's3cret' });
    p.send({ op: 'pub', topic: 't', data: 1, id: 2 });
    expect(await p.reply((m) => m.id === 2)).toMatchObject({ op: 'ack', seq: 1 });
    p.close();
  });

  it('refuses POST /v1/publish without the bearer token', async () => {
    const body = JSON.stringify({ topic: 't', data: 1 });
    const headers = { 'content-type': 'application/json' };
    const refused = await fetch(`${node.http}/v1/publish`, { method: 'POST', body, headers });
    expect(refused.status).toBe(401);
    const ok = await fetch(`${node.http}/v1/publish`, {
      method: 'POST',
      body,
      headers: { authorization: 'Bearer s3cret', 'content-type': 'application/json' },
    });
    expect(ok.status).toBe(200);
  });
});
