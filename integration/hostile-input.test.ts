/**
 * Hostile input against the real `troupe` command: what an adversarial probe found, each turned
 * into a test (issue 8). Publishes whose `data` decodes but cannot be re-encoded used to close
 * every msgpack subscriber of the topic (1001) and stay in history.
 */
import { frameBody } from '../protocol';
import { DEEP_MSGPACK, WIDE_BIGINT, withRawData } from '../testing/poison';
import { startNode, TestClient, TestPublisher, type Node } from './harness';

const withWideBigint = (msg: Record<string, unknown>): Buffer => withRawData(msg, WIDE_BIGINT);
const DEEP_JSON = '['.repeat(4000) + ']'.repeat(4000);

describe.each(['uws', 'ws'])('poisoned publishes (transport %s)', (transport) => {
  let node: Node;
  beforeAll(async () => {
    node = await startNode(['--transport', transport]);
  });
  afterAll(async () => {
    await node.stop();
  });

  it('answers 400 on every path, keeps every subscriber, and stores nothing', async () => {
    const topic = `poison-${transport}`;
    const mp = await TestClient.connect(node.ws);
    const js = await TestClient.connect(node.ws, { protocol: 'troupe.v1.json' });
    const first = await mp.request({ op: 'sub', id: 1, topic });
    expect(first).toMatchObject({ op: 'ack', seq: 0 });
    await js.request({ op: 'sub', id: 1, topic });

    // Publisher TCP: the bigint, and nesting msgpackr decodes but cannot re-encode.
    const pub = await TestPublisher.connect(node.publishPort);
    pub.socket.write(frameBody(withWideBigint({ op: 'pub', id: 11, topic })));
    expect(await pub.reply((m) => m.id === 11)).toMatchObject({ op: 'err', code: 400 });
    pub.socket.write(frameBody(withRawData({ op: 'pub', id: 12, topic }, DEEP_MSGPACK)));
    expect(await pub.reply((m) => m.id === 12)).toMatchObject({ op: 'err', code: 400 });

    // HTTP: JSON nested 4,000 deep, and a msgpack body holding the bigint.
    const deep = await fetch(`${node.http}/v1/publish`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: `{"topic":"${topic}","data":${DEEP_JSON}}`,
    });
    expect(deep.status).toBe(400);
    const big = await fetch(`${node.http}/v1/publish`, {
      method: 'POST',
      headers: { 'content-type': 'application/msgpack' },
      body: withWideBigint({ topic }),
    });
    expect(big.status).toBe(400);

    // Client pub, on both subprotocols.
    mp.sendRaw(withWideBigint({ op: 'pub', id: 21, topic }));
    expect(await mp.next((m) => m.id === 21)).toMatchObject({ op: 'err', code: 400 });
    js.sendRaw(`{"op":"pub","id":22,"topic":"${topic}","data":${DEEP_JSON}}`);
    expect(await js.next((m) => m.id === 22)).toMatchObject({ op: 'err', code: 400 });

    // A good event after all of that is seq 1 for both: nothing bad was stamped or stored.
    pub.send({ op: 'pub', id: 13, topic, data: { ok: true } });
    expect(await pub.reply((m) => m.id === 13)).toMatchObject({ op: 'ack', seq: 1 });
    expect((await mp.events(topic, 1))[0]).toMatchObject({ seq: 1, data: { ok: true } });
    expect((await js.events(topic, 1))[0]).toMatchObject({ seq: 1, data: { ok: true } });

    // A resume from the start replays exactly that event and says nothing was lost.
    const again = await TestClient.connect(node.ws);
    const ack = await again.request({
      op: 'sub',
      id: 2,
      topic,
      since: { epoch: first.epoch as string, seq: 0 },
    });
    expect(ack).toMatchObject({ op: 'ack', recovered: true, seq: 1 });
    expect((await again.events(topic, 1))[0]).toMatchObject({ seq: 1 });

    // Nobody was disconnected.
    for (const c of [mp, js, again]) {
      expect(c.ws.readyState).toBe(c.ws.OPEN);
      c.send({ op: 'ping', id: 99 });
      expect(await c.next((m) => m.op === 'pong')).toMatchObject({ id: 99 });
    }
    pub.close();
    for (const c of [mp, js, again]) c.close();
  });
});
