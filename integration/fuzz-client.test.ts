/**
 * Property-based fuzzing of the client surface (issue 8): random and malformed frames on both
 * subprotocols and both transports, against the real `troupe` command. For every frame:
 * - the process stays up and the bystander (another client's topic) keeps receiving in order;
 * - a frame that decodes gets exactly one answer per message (`ack`/`err`/`pong`), carrying the
 *   message's id when it had a valid one, and never `err` 500;
 * - a frame that does not decode closes with 4000, an oversized one with 1009, invalid UTF-8 in a
 *   text frame with 1007 (uws: 1006, see below); nothing else closes the connection.
 */
import fc from 'fast-check';
import { MAX_CLIENT_BATCH } from '../protocol';
import { packMsgpack, unpackMsgpack } from '../protocol/msgpack';
import { Bystander, frameValueArb, FUZZ_SEED, runs } from './fuzz-kit';
import { startNode, TestClient, type Msg, type Node } from './harness';

const PROBE_ID = 2_000_000_001;
const MAX_FRAME = 64 * 1024;

/**
 * uWebSockets.js validates text frames itself and drops the TCP connection on invalid UTF-8
 * before any handler runs, so on uws the client sees 1006 where PROTOCOL.md §11 says 1007
 * (nothing in uWS.js can send that close frame; see gateway/transport/uws.ts).
 */
const INVALID_UTF8_CLOSE: Record<string, number> = { uws: 1006, ws: 1007 };

type Wire = { kind: 'binary'; bytes: Buffer } | { kind: 'text'; text: string | Buffer };

/** JSON text where bigints become integer literals (JSON.stringify refuses them). */
function jsonText(value: unknown): string {
  const text = JSON.stringify(value, (_k, v: unknown) =>
    typeof v === 'bigint' ? `__big${v.toString()}__` : v,
  );
  return (text ?? 'null').replace(/"__big(-?\d+)__"/g, '$1');
}

/** What the server must answer: a close code, or how many replies with which ids. */
type Expected = { close: number } | { replies: number; ids: number[] };

function isMap(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function validId(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

/** The answers a decoded frame value must get (PROTOCOL.md §2, the batch rules of codec.ts). */
function answersFor(value: unknown): Expected {
  if (Array.isArray(value)) {
    if (value.length === 0 || value.length > MAX_CLIENT_BATCH) return { replies: 1, ids: [] };
    const ids: number[] = [];
    for (const m of value) if (isMap(m) && validId(m.id)) ids.push(m.id);
    return { replies: value.length, ids };
  }
  return { replies: 1, ids: isMap(value) && validId(value.id) ? [value.id] : [] };
}

function expectedFor(codec: 'msgpack' | 'json', wire: Wire, transport: string): Expected {
  const size = wire.kind === 'binary' ? wire.bytes.length : Buffer.byteLength(wire.text);
  if (size > MAX_FRAME) return { close: 1009 };
  if (wire.kind === 'text' && Buffer.isBuffer(wire.text)) {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(wire.text);
    } catch {
      return { close: INVALID_UTF8_CLOSE[transport]! };
    }
  }
  try {
    if (codec === 'json') {
      const text =
        wire.kind === 'binary'
          ? new TextDecoder('utf-8', { fatal: true }).decode(wire.bytes)
          : wire.text.toString();
      return answersFor(JSON.parse(text));
    }
    if (wire.kind === 'text') return { close: 4000 }; // a text frame on a msgpack connection
    return answersFor(unpackMsgpack(wire.bytes));
  } catch {
    return { close: 4000 };
  }
}

function wireArb(codec: 'msgpack' | 'json'): fc.Arbitrary<Wire> {
  const encoded = frameValueArb.map((v): Wire | undefined => {
    try {
      return codec === 'json'
        ? { kind: 'text', text: jsonText(v) }
        : { kind: 'binary', bytes: Buffer.from(packMsgpack(v)) };
    } catch {
      return undefined; // the client library itself cannot encode it (too deep for msgpackr)
    }
  });
  return fc.oneof(
    { weight: 12, arbitrary: encoded.filter((w): w is Wire => w !== undefined) },
    {
      weight: 2,
      arbitrary: fc
        .uint8Array({ maxLength: 300 })
        .map((b): Wire => ({ kind: 'binary', bytes: Buffer.from(b) })),
    },
    {
      weight: 1,
      arbitrary: fc.string({ maxLength: 300 }).map((t): Wire => ({ kind: 'text', text: t })),
    },
    {
      weight: 1,
      arbitrary: fc.uint8Array({ minLength: 1, maxLength: 40 }).map((b): Wire => ({
        kind: 'text',
        text: Buffer.concat([Buffer.from(b), Buffer.from([0xff, 0xfe])]),
      })),
    },
    {
      weight: 1,
      arbitrary: fc
        .integer({ min: MAX_FRAME + 1, max: MAX_FRAME * 3 })
        .map((n): Wire => ({ kind: 'binary', bytes: Buffer.alloc(n, 0x91) })),
    },
  );
}

/** Sends one fuzz frame then a probe ping; resolves with the replies before the probe's pong. */
async function exchange(c: TestClient, wire: Wire): Promise<{ replies: Msg[]; close?: number }> {
  if (wire.kind === 'binary') c.ws.send(wire.bytes, { binary: true });
  else c.ws.send(wire.text, { binary: false });
  c.send({ op: 'ping', id: PROBE_ID });
  const closed = c.closed.then((x) => x.code);
  const pong = c.next((m) => m.op === 'pong' && m.id === PROBE_ID, 10_000).then(() => undefined);
  const close = await Promise.race([pong, closed]);
  const replies = c.messages.splice(0).filter((m) => ['ack', 'err', 'pong'].includes(m.op));
  return close === undefined ? { replies } : { replies, close };
}

describe.each(['uws', 'ws'])('client frames, fuzzed (transport %s)', (transport) => {
  let node: Node;
  let bystander: Bystander;
  beforeAll(async () => {
    node = await startNode(['--transport', transport]);
    bystander = await Bystander.start(node);
  });
  afterAll(async () => {
    bystander.close();
    await node.stop();
  });

  it.each(['msgpack', 'json'] as const)('answers every %s frame as documented', async (codec) => {
    const protocol = codec === 'json' ? 'troupe.v1.json' : 'troupe.v1.msgpack';
    await fc.assert(
      fc.asyncProperty(wireArb(codec), async (wire) => {
        const expected = expectedFor(codec, wire, transport);
        const c = await TestClient.connect(node.ws, { protocol });
        try {
          const got = await exchange(c, wire);
          if ('close' in expected) {
            expect(got.close).toBe(expected.close);
          } else {
            expect(got.close).toBeUndefined();
            expect(got.replies.filter((m) => m.op === 'err' && m.code === 500)).toEqual([]);
            expect(got.replies).toHaveLength(expected.replies);
            const ids = got.replies.flatMap((m) => (m.id === undefined ? [] : [m.id as number]));
            expect(ids.sort()).toEqual([...expected.ids].sort());
          }
        } finally {
          c.close();
        }
        bystander.tick();
      }),
      { seed: FUZZ_SEED, numRuns: runs(200), endOnFailure: true },
    );
    await bystander.check();
    expect(node.proc.exitCode).toBeNull();
    expect((await fetch(`${node.http}/healthz`)).status).toBe(200);
  });
});
