/**
 * Event data kept as the publisher's msgpack bytes (protocol/raw-msgpack.ts): what a subscriber
 * sees must not depend on which reader took the publisher's frame. Live events in both formats,
 * a `last` replay and `GET /v1/history` carry the same values for frames the byte reader takes
 * and for frames it leaves to the decoder (float32, an `undefined` map value, another key).
 */
import { Packr } from 'msgpackr';
import net from 'node:net';
import { startNode, TestClient, TestPublisher, type Msg, type Node } from './harness';

/** Writes maps as map 16 (msgpackr's default, as the bench's publisher does) and float32. */
const other = new Packr({ useRecords: false, useFloat32: 1 });

function frame(value: unknown, packr: Packr = other): Buffer {
  const body = packr.pack(value);
  const head = Buffer.alloc(4);
  head.writeUInt32BE(body.length);
  return Buffer.concat([head, body]);
}

const TOPIC = 'raw:data';
/** Each entry: the data published, and the value every subscriber must see. */
const CASES: { sent: unknown; seen: unknown }[] = [
  {
    sent: { t: 1733150000000.25, pad: 'x'.repeat(45) },
    seen: { t: 1733150000000.25, pad: 'x'.repeat(45) },
  },
  {
    sent: { s: 'héllo 日本 😀', n: [1, -2, 70_000, null, true] },
    seen: { s: 'héllo 日本 😀', n: [1, -2, 70_000, null, true] },
  },
  { sent: 'plain', seen: 'plain' },
  { sent: 0.5, seen: 0.5 }, // float32 with useFloat32: the decoded path
  { sent: { keep: 1, drop: undefined }, seen: { keep: 1 } }, // undefined: the decoded path
];

describe('event data as the publisher sent it', () => {
  let node: Node;
  beforeAll(async () => {
    node = await startNode();
  });
  afterAll(async () => {
    await node.stop();
  });

  it('reaches msgpack and JSON subscribers, a last replay and GET /v1/history as the same values', async () => {
    const bin = await TestClient.connect(node.ws, { protocol: 'troupe.v1.msgpack' });
    const text = await TestClient.connect(node.ws, { protocol: 'troupe.v1.json' });
    await bin.request({ op: 'sub', id: 1, topic: TOPIC });
    await text.request({ op: 'sub', id: 1, topic: TOPIC });
    const pub = await TestPublisher.connect(node.publishPort);
    const sock: net.Socket = pub.socket;
    CASES.forEach((c, i) =>
      sock.write(frame({ op: 'pub', id: i + 1, topic: TOPIC, data: c.sent })),
    );
    // An unknown key: the whole frame goes to the decoder, and is still published.
    sock.write(frame({ op: 'pub', id: 99, topic: TOPIC, data: { b: 2 }, note: 'x' }));
    const seen = [...CASES.map((c) => c.seen), { b: 2 }];
    for (let id = 1; id <= CASES.length; id++) await pub.reply((m) => m.id === id);
    await pub.reply((m) => m.id === 99);

    const data = (evs: Msg[]) => evs.map((e) => e.data);
    expect(data(await bin.events(TOPIC, seen.length))).toEqual(seen);
    expect(data(await text.events(TOPIC, seen.length))).toEqual(seen);

    const late = await TestClient.connect(node.ws, { protocol: 'troupe.v1.json' });
    await late.request({ op: 'sub', id: 1, topic: TOPIC, last: 10 });
    expect(data(await late.events(TOPIC, seen.length))).toEqual(seen);

    const res = await fetch(`${node.http}/v1/history?topic=${TOPIC}&limit=10`);
    const body = (await res.json()) as { events: Msg[] };
    expect(data(body.events)).toEqual(seen);
    for (const c of [bin, text, late]) c.close();
    pub.close();
  });

  it('sends bin as bin to msgpack subscribers and as {"$bin": base64} to JSON ones', async () => {
    const bin = await TestClient.connect(node.ws, { protocol: 'troupe.v1.msgpack' });
    const text = await TestClient.connect(node.ws, { protocol: 'troupe.v1.json' });
    await bin.request({ op: 'sub', id: 1, topic: 'raw:bin' });
    await text.request({ op: 'sub', id: 1, topic: 'raw:bin' });
    const pub = await TestPublisher.connect(node.publishPort);
    pub.socket.write(
      frame({ op: 'pub', id: 1, topic: 'raw:bin', data: { b: Buffer.from([1, 2, 3]) } }),
    );
    await pub.reply((m) => m.id === 1);
    const [m] = await bin.events('raw:bin', 1);
    expect(Buffer.from((m!.data as { b: Uint8Array }).b)).toEqual(Buffer.from([1, 2, 3]));
    const [j] = await text.events('raw:bin', 1);
    expect(j!.data).toEqual({ b: { $bin: 'AQID' } });
    for (const c of [bin, text]) c.close();
    pub.close();
  });

  it('refuses what the decoded path refuses, whichever reader read the frame', async () => {
    const pub = await TestPublisher.connect(node.publishPort);
    // A nesting past the limit (both readers leave it to checkPayload's refusal).
    let deep: unknown = 1;
    for (let i = 0; i < 70; i++) deep = [deep];
    pub.socket.write(frame({ op: 'pub', id: 1, topic: 'raw:bad', data: deep }));
    pub.socket.write(frame({ op: 'pub', id: 2, topic: 'bad topic', data: 1 }));
    expect(await pub.reply((m) => m.id === 1)).toMatchObject({ op: 'err', code: 400 });
    expect(await pub.reply((m) => m.id === 2)).toMatchObject({ op: 'err', code: 400 });
    pub.close();
  });
});
