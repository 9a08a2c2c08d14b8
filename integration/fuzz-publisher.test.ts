/**
 * Property-based fuzzing of the publisher port (issue 8): random payloads in well-formed
 * length-prefixed frames, message-shaped maps with wrong fields, and frames over the limit,
 * against the real `troupe` command. For every frame:
 * - the process stays up and the bystander keeps receiving its events in order;
 * - every message with a valid `id` gets exactly one `ack` or `err` carrying it, never `err` 500;
 * - a frame over the limit gets `err` 413 and the connection is closed; nothing else closes it,
 *   and a publish sent after the fuzz frame on the same connection is acknowledged.
 */
import fc from 'fast-check';
import { frameBody } from '../protocol';
import { packMsgpack, unpackMsgpack } from '../protocol/msgpack';
import { Bystander, frameValueArb, FUZZ_SEED, runs } from './fuzz-kit';
import { startNode, TestPublisher, type Msg, type Node } from './harness';

const PROBE_ID = 2_000_000_002;
const MAX_PUBLISH_FRAME = 1024 * 1024;

type Input = { kind: 'payload'; bytes: Buffer } | { kind: 'oversized'; length: number };

function validId(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

function isMap(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** The ids that must each get one answer; undefined when the payload does not decode. */
function idsOf(bytes: Buffer): number[] | undefined {
  let value: unknown;
  try {
    value = unpackMsgpack(bytes);
  } catch {
    return undefined;
  }
  const list = Array.isArray(value) ? value : [value];
  return list.flatMap((m) => (isMap(m) && validId(m.id) ? [m.id] : []));
}

const inputArb: fc.Arbitrary<Input> = fc.oneof(
  {
    weight: 10,
    arbitrary: frameValueArb
      .map((v): Buffer | undefined => {
        try {
          return Buffer.from(packMsgpack(v));
        } catch {
          return undefined;
        }
      })
      .filter((b): b is Buffer => b !== undefined)
      .map((bytes): Input => ({ kind: 'payload', bytes })),
  },
  {
    weight: 3,
    arbitrary: fc
      .uint8Array({ maxLength: 400 })
      .map((b): Input => ({ kind: 'payload', bytes: Buffer.from(b) })),
  },
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: MAX_PUBLISH_FRAME + 1, max: 0xffffffff })
      .map((length): Input => ({ kind: 'oversized', length })),
  },
);

describe('publisher frames, fuzzed', () => {
  let node: Node;
  let bystander: Bystander;
  beforeAll(async () => {
    node = await startNode();
    bystander = await Bystander.start(node);
  });
  afterAll(async () => {
    bystander.close();
    await node.stop();
  });

  it('answers every frame as documented and keeps serving', async () => {
    await fc.assert(
      fc.asyncProperty(inputArb, async (input) => {
        const p = await TestPublisher.connect(node.publishPort);
        try {
          if (input.kind === 'oversized') {
            const head = Buffer.alloc(4);
            head.writeUInt32BE(input.length);
            p.socket.write(Buffer.concat([head, Buffer.alloc(64)]));
            expect(await p.reply((m) => m.op === 'err')).toMatchObject({ code: 413 });
            await p.closed;
            return;
          }
          const ids = idsOf(input.bytes);
          p.socket.write(frameBody(input.bytes));
          p.send({ op: 'pub', id: PROBE_ID, topic: 'fuzz.probe', data: 1 });
          expect(await p.reply((m) => m.id === PROBE_ID)).toMatchObject({ op: 'ack' });
          const replies: Msg[] = p.replies.splice(0);
          expect(replies.filter((m) => m.code === 500 || m.code === 413)).toEqual([]);
          if (ids === undefined) {
            expect(replies).toEqual([{ op: 'err', code: 400, msg: 'undecodable frame' }]);
            return;
          }
          const answered = replies.flatMap((m) => (m.id === undefined ? [] : [m.id as number]));
          expect(answered.sort()).toEqual([...ids].sort());
        } finally {
          p.close();
          bystander.tick();
        }
      }),
      { seed: FUZZ_SEED, numRuns: runs(400), endOnFailure: true },
    );
    await bystander.check();
    expect(node.proc.exitCode).toBeNull();
  });
});
