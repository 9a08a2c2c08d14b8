/**
 * PROTOCOL.md section 2 against the real `troupe start`, on both transports.
 */
import { pack } from 'msgpackr';
import { metric, startNode, TestClient, TestPublisher, type Node } from './harness';
import { eventually } from '../testing/eventually';

describe.each(['uws', 'ws'])('client protocol over %s', (transport) => {
  let node: Node;
  let pub: TestPublisher;

  beforeAll(async () => {
    node = await startNode(['--transport', transport, '--max-frame', '4096']);
    pub = await TestPublisher.connect(node.publishPort);
  });
  afterAll(async () => {
    pub.close();
    await node.stop();
  });

  describe('hello', () => {
    it('greets a msgpack client with v, conn, node and hb', async () => {
      const c = await TestClient.connect(node.ws, { protocol: 'troupe.v1.msgpack' });
      expect(c.hello).toMatchObject({ op: 'hello', v: 1 });
      expect(typeof c.hello.conn).toBe('string');
      expect(typeof c.hello.node).toBe('string');
      expect(c.hello.hb).toBeGreaterThan(0);
      expect(c.ws.protocol).toBe('troupe.v1.msgpack');
      c.close();
    });

    it('greets exactly once, before the answer to a request sent at once', async () => {
      // The gateway writes the hello at the socket's open; the connection actor, spawned a turn
      // later, must not write a second one.
      for (const protocol of ['troupe.v1.msgpack', 'troupe.v1.json']) {
        const c = await TestClient.connect(node.ws, { protocol, skipHello: true });
        c.send({ op: 'ping', id: 1 });
        expect((await c.next()).op).toBe('hello'); // the first message of all
        expect(await c.next()).toEqual({ op: 'pong', id: 1 });
        c.send({ op: 'sub', id: 2, topic: 'greet.once' });
        expect(await c.next()).toMatchObject({ op: 'ack', id: 2 });
        c.send({ op: 'ping', id: 3 });
        expect(await c.next()).toEqual({ op: 'pong', id: 3 });
        expect(c.messages).toEqual([]);
        c.close();
      }
    });

    it('speaks JSON text frames to a troupe.v1.json client', async () => {
      const c = await TestClient.connect(node.ws, { protocol: 'troupe.v1.json' });
      expect(c.hello.op).toBe('hello');
      expect(c.ws.protocol).toBe('troupe.v1.json');
      const pong = await (async () => {
        c.send({ op: 'ping', id: 9 });
        return c.next((m) => m.op === 'pong');
      })();
      expect(pong).toEqual({ op: 'pong', id: 9 });
      c.close();
    });

    it('defaults to msgpack when no subprotocol is offered', async () => {
      const c = await TestClient.connect(node.ws);
      expect(c.hello.op).toBe('hello');
      c.close();
    });

    it('refuses an upgrade that offers only unknown subprotocols', async () => {
      await expect(TestClient.connect(node.ws, { protocol: 'chat.v9' })).rejects.toThrow(/400/);
    });
  });

  describe('sub, ev, unsub', () => {
    it('acks a sub with epoch and seq, then delivers published events in order', async () => {
      const c = await TestClient.connect(node.ws);
      const ack = await c.request({ op: 'sub', id: 1, topic: 'live:video-42' });
      expect(ack).toMatchObject({ op: 'ack', id: 1, recovered: false });
      expect(typeof ack.epoch).toBe('string');
      const seq0 = ack.seq as number;
      pub.send({ op: 'pub', topic: 'live:video-42', data: { like: 1 }, id: 100 });
      const pa = await pub.reply((m) => m.id === 100);
      expect(pa).toEqual({ op: 'ack', id: 100, seq: seq0 + 1 });
      const [ev] = await c.events('live:video-42', 1);
      expect(ev).toEqual({
        op: 'ev',
        topic: 'live:video-42',
        seq: seq0 + 1,
        epoch: ack.epoch,
        data: { like: 1 },
      });
      c.close();
    });

    it('stops delivering after unsub, and acks an unsub of a topic never subscribed', async () => {
      const c = await TestClient.connect(node.ws);
      await c.request({ op: 'sub', id: 1, topic: 'u1' });
      expect(await c.request({ op: 'unsub', id: 2, topic: 'u1' })).toEqual({ op: 'ack', id: 2 });
      expect(await c.request({ op: 'unsub', id: 3, topic: 'never' })).toEqual({ op: 'ack', id: 3 });
      pub.send({ op: 'pub', topic: 'u1', data: 'after', id: 101 });
      await pub.reply((m) => m.id === 101);
      // A ping round trip after the publish: any ev would have arrived before the pong.
      c.send({ op: 'ping', id: 4 });
      await c.next((m) => m.op === 'pong');
      expect(c.messages.filter((m) => m.op === 'ev')).toEqual([]);
      c.close();
    });

    it('lets a client publish and acks with the seq', async () => {
      const a = await TestClient.connect(node.ws);
      const b = await TestClient.connect(node.ws, { protocol: 'troupe.v1.json' });
      const sa = await b.request({ op: 'sub', id: 1, topic: 'chat:1' });
      const ack = await a.request({ op: 'pub', id: 7, topic: 'chat:1', data: { text: 'hi' } });
      expect(ack).toMatchObject({ op: 'ack', id: 7, seq: (sa.seq as number) + 1 });
      const [ev] = await b.events('chat:1', 1);
      expect(ev!.data).toEqual({ text: 'hi' });
      a.close();
      b.close();
    });

    it('answers ping with pong, echoing the id when given', async () => {
      const c = await TestClient.connect(node.ws);
      c.send({ op: 'ping', id: 5 });
      expect(await c.next((m) => m.op === 'pong')).toEqual({ op: 'pong', id: 5 });
      c.send({ op: 'ping' });
      expect(await c.next((m) => m.op === 'pong')).toEqual({ op: 'pong' });
      c.close();
    });

    it('delivers 2,000 events to several subscribers in one order with seq +1 each', async () => {
      const subs = await Promise.all([0, 1, 2, 3, 4].map(() => TestClient.connect(node.ws)));
      const acks = await Promise.all(
        subs.map((c) => c.request({ op: 'sub', id: 1, topic: 'order' })),
      );
      const seq0 = acks[0]!.seq as number;
      for (let i = 0; i < 2000; i += 50) {
        pub.send(
          Array.from({ length: 50 }, (_, j) => ({ op: 'pub', topic: 'order', data: i + j })),
        );
      }
      for (const c of subs) {
        const evs = await c.events('order', 2000, 15_000);
        expect(evs.map((e) => e.seq)).toEqual(Array.from({ length: 2000 }, (_, i) => seq0 + i + 1));
        expect(evs.map((e) => e.data)).toEqual(Array.from({ length: 2000 }, (_, i) => i));
        c.close();
      }
    });
  });

  describe('resume with since', () => {
    it('replays what a client missed before newer events and says recovered', async () => {
      const c1 = await TestClient.connect(node.ws);
      const ack = await c1.request({ op: 'sub', id: 1, topic: 'resume' });
      pub.send({ op: 'pub', topic: 'resume', data: 'a', id: 1 });
      await pub.reply((m) => m.id === 1);
      const [seen] = await c1.events('resume', 1);
      c1.close();
      await c1.closed;
      for (const d of ['b', 'c']) pub.send({ op: 'pub', topic: 'resume', data: d });
      pub.send({ op: 'pub', topic: 'resume', data: 'd', id: 2 });
      await pub.reply((m) => m.id === 2);

      const c2 = await TestClient.connect(node.ws);
      const since = { epoch: ack.epoch, seq: seen!.seq };
      c2.send({ op: 'sub', id: 1, topic: 'resume', since });
      const ack2 = await c2.next((m) => m.op === 'ack');
      expect(ack2).toMatchObject({
        op: 'ack',
        id: 1,
        recovered: true,
        epoch: ack.epoch,
        seq: (seen!.seq as number) + 3,
      });
      pub.send({ op: 'pub', topic: 'resume', data: 'e' });
      const evs = await c2.events('resume', 4);
      expect(evs.map((e) => e.data)).toEqual(['b', 'c', 'd', 'e']);
      expect(evs.map((e) => e.seq)).toEqual([1, 2, 3, 4].map((i) => (seen!.seq as number) + i));
      c2.close();
    });

    it('says recovered false for another epoch and sends nothing old', async () => {
      const c = await TestClient.connect(node.ws);
      pub.send({ op: 'pub', topic: 'resume2', data: 'x', id: 3 });
      await pub.reply((m) => m.id === 3);
      const ack = await c.request({
        op: 'sub',
        id: 1,
        topic: 'resume2',
        since: { epoch: 'other', seq: 0 },
      });
      expect(ack).toMatchObject({ recovered: false });
      c.send({ op: 'ping', id: 2 });
      await c.next((m) => m.op === 'pong');
      expect(c.messages.filter((m) => m.op === 'ev')).toEqual([]);
      c.close();
    });
  });

  describe('bad input', () => {
    it.each([
      [{ op: 'nope', id: 1 }, 1, /unknown op/],
      [{ op: 'sub', topic: 'x' }, undefined, /id/],
      [{ op: 'sub', id: 2, topic: 'bad topic!' }, 2, /topic/],
      [{ op: 'sub', id: 3, topic: 'x', since: { epoch: 1, seq: 'a' } }, 3, /since/],
      [{ op: 'pub', id: 4, topic: 'x' }, 4, /data/],
      [{ op: 'unsub', id: -1, topic: 'x' }, undefined, /id/],
      [{ id: 5 }, 5, /op/],
      [[], undefined, /.+/],
      ['just a string', undefined, /.+/],
    ])('answers err 400 to %j and keeps the connection', async (msg, id, pattern) => {
      const c = await TestClient.connect(node.ws);
      c.send(msg);
      const err = await c.next((m) => m.op === 'err');
      expect(err.code).toBe(400);
      expect(err.id).toBe(id);
      expect(String(err.msg)).toMatch(pattern);
      c.send({ op: 'ping', id: 1 });
      expect(await c.next((m) => m.op === 'pong')).toEqual({ op: 'pong', id: 1 });
      c.close();
    });

    it('closes with 4000 on an undecodable frame, disturbing no other client', async () => {
      const other = await TestClient.connect(node.ws);
      await other.request({ op: 'sub', id: 1, topic: 'calm' });
      const before = await metric(node, 'troupe_bad_input_total');
      const c = await TestClient.connect(node.ws);
      c.sendRaw(Buffer.from([0xc1, 0xff, 0x00]));
      expect((await c.closed).code).toBe(4000);
      const j = await TestClient.connect(node.ws, { protocol: 'troupe.v1.json' });
      j.sendRaw('{not json');
      expect((await j.closed).code).toBe(4000);
      pub.send({ op: 'pub', topic: 'calm', data: 1 });
      expect((await other.events('calm', 1))[0]!.data).toBe(1);
      expect(await metric(node, 'troupe_bad_input_total')).toBeGreaterThanOrEqual(before + 2);
      other.close();
    });

    it('closes with 1009 on a frame over --max-frame', async () => {
      const c = await TestClient.connect(node.ws);
      c.sendRaw(pack({ op: 'pub', id: 1, topic: 'big', data: 'x'.repeat(8000) }));
      expect((await c.closed).code).toBe(1009);
      await eventually(async () => (await metric(node, 'troupe_disconnects_total')) > 0);
    });

    it('answers err 400 per bad message of a batch and serves the good ones', async () => {
      const c = await TestClient.connect(node.ws);
      c.send([
        { op: 'ping', id: 1 },
        { op: 'bogus', id: 2 },
        { op: 'ping', id: 3 },
      ]);
      expect(await c.next((m) => m.op === 'pong' && m.id === 1)).toBeTruthy();
      expect(await c.next((m) => m.op === 'err')).toMatchObject({ id: 2, code: 400 });
      expect(await c.next((m) => m.op === 'pong' && m.id === 3)).toBeTruthy();
      c.close();
    });
  });

  describe('HTTP', () => {
    it('serves healthz, readyz and Prometheus metrics', async () => {
      expect((await fetch(`${node.http}/healthz`)).status).toBe(200);
      expect((await fetch(`${node.http}/readyz`)).status).toBe(200);
      const text = await (await fetch(`${node.http}/metrics`)).text();
      for (const name of [
        'troupe_connections',
        'troupe_subscriptions',
        'troupe_events_out_total',
        'troupe_publish_to_send_seconds_bucket',
        'troupe_mailbox_depth',
      ]) {
        expect(text).toContain(name);
      }
    });

    it('publishes with POST /v1/publish in JSON and msgpack', async () => {
      const c = await TestClient.connect(node.ws);
      const ack = await c.request({ op: 'sub', id: 1, topic: 'http' });
      const r1 = await fetch(`${node.http}/v1/publish`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ topic: 'http', data: { n: 1 } }),
      });
      expect(r1.status).toBe(200);
      expect(((await r1.json()) as { seq: number }).seq).toBe((ack.seq as number) + 1);
      const r2 = await fetch(`${node.http}/v1/publish`, {
        method: 'POST',
        headers: { 'content-type': 'application/msgpack' },
        body: pack({ topic: 'http', data: { n: 2 } }),
      });
      expect(r2.status).toBe(200);
      expect((await c.events('http', 2)).map((e) => e.data)).toEqual([{ n: 1 }, { n: 2 }]);
      c.close();
    });

    it('answers 400 to a bad publish body, 415 without a JSON or msgpack type, 404 elsewhere', async () => {
      const headers = { 'content-type': 'application/json' };
      const bad = await fetch(`${node.http}/v1/publish`, {
        method: 'POST',
        headers,
        body: '{"topic": "no spaces"}',
      });
      expect(bad.status).toBe(400);
      const nojson = await fetch(`${node.http}/v1/publish`, {
        method: 'POST',
        headers,
        body: 'nope',
      });
      expect(nojson.status).toBe(400);
      const untyped = await fetch(`${node.http}/v1/publish`, { method: 'POST', body: '{}' });
      expect(untyped.status).toBe(415);
      expect((await fetch(`${node.http}/nowhere`)).status).toBe(404);
    });
  });
});
