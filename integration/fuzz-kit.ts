/**
 * Shared parts of the property-based (fuzz) suites: generators of hostile and careless input,
 * and the bystander that proves the node keeps serving everyone else while it is fuzzed.
 *
 * Every suite is seeded (FUZZ_SEED, default below) and bounded (FUZZ_RUNS scales the run
 * counts), so a failure names its seed and replays exactly: `FUZZ_SEED=<seed> npx jest fuzz`.
 */
import fc from 'fast-check';
import { nested } from '../testing/poison';
import { TestClient, TestPublisher, type Node } from './harness';

export const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 20261202);
/** Multiplies every suite's run count (default 1). */
export const FUZZ_SCALE = Number(process.env.FUZZ_RUNS ?? 1);

export function runs(n: number): number {
  return Math.max(1, Math.round(n * FUZZ_SCALE));
}

/** The topic the bystander listens to; the generators never produce it. */
export const BYSTANDER = 'bystander.fuzz-watch';

/** Topic field values: valid names, names just past the limits, and values of the wrong type. */
export const topicArb: fc.Arbitrary<unknown> = fc
  .oneof(
    fc.constantFrom('a', 'fuzz:t1', 'x/y@z.9_-', 'live:video-42'),
    fc.stringMatching(/^[A-Za-z0-9_.:/@-]{1,200}$/),
    fc.string({ maxLength: 40 }),
    fc.string({ minLength: 201, maxLength: 230 }),
    fc.fullUnicodeString({ maxLength: 20 }),
    fc.integer(),
    fc.constant(null),
    fc.constant(undefined),
    fc.array(fc.string(), { maxLength: 2 }),
  )
  .filter((t) => t !== BYSTANDER);

/** `data` values: everything JSON and msgpack can hold, and what one of them cannot. */
export const dataArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.anything({
    maxDepth: 4,
    withBigInt: true,
    withDate: true,
    withTypedArray: true,
    withNullPrototype: true,
    withSparseArray: true,
  }),
  fc.integer({ min: 60, max: 3000 }).map((d) => nested(d)),
  fc.bigInt({ min: -(2n ** 130n), max: 2n ** 130n }),
  fc.constantFrom(NaN, Infinity, -Infinity, -0, 2 ** 53, Number.MAX_VALUE),
  fc.string({ maxLength: 2000 }),
);

/** Request ids: valid, absent, and every way an id can be wrong. */
export const idArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.nat({ max: 1_000_000 }),
  fc.constant(undefined),
  fc.constant(null),
  fc.integer({ min: -1000, max: -1 }),
  fc.double({ noNaN: false }),
  fc.string({ maxLength: 5 }),
  fc.constant(2 ** 53),
);

export const opArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom('sub', 'unsub', 'pub', 'ping', 'auth', 'refresh', 'SUB', ''),
  fc.string({ maxLength: 64 }),
  fc.integer(),
);

/** One message-shaped map; any field may be missing or wrong. */
export const messageArb: fc.Arbitrary<Record<string, unknown>> = fc.record(
  {
    op: opArb,
    id: idArb,
    topic: topicArb,
    data: dataArb,
    since: fc.oneof(
      fc.record({ epoch: fc.string({ maxLength: 12 }), seq: fc.nat() }),
      fc.record({ epoch: fc.anything({ maxDepth: 1 }), seq: fc.anything({ maxDepth: 1 }) }),
      fc.anything({ maxDepth: 2 }),
    ),
    last: fc.oneof(fc.integer({ min: -2, max: 1002 }), idArb, fc.anything({ maxDepth: 1 })),
    extra: fc.anything({ maxDepth: 2 }),
  },
  { requiredKeys: ['op'] },
);

/** What one frame holds: a message, a batch (sometimes too long), or any value at all. */
export const frameValueArb: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 5, arbitrary: messageArb },
  { weight: 2, arbitrary: fc.array(messageArb, { maxLength: 8 }) },
  {
    weight: 1,
    arbitrary: fc.array(fc.constant({ op: 'ping' }), { minLength: 101, maxLength: 110 }),
  },
  { weight: 1, arbitrary: fc.anything({ maxDepth: 3, withBigInt: true, withDate: true }) },
);

/**
 * A subscriber of BYSTANDER and a publisher that sends it one numbered event per `tick()`:
 * `check()` asserts every event arrived once, in order, with seq rising by one.
 */
export class Bystander {
  private sent = 0;
  private readonly seen: { n: number; seq: number }[] = [];

  private constructor(
    private readonly sub: TestClient,
    private readonly pub: TestPublisher,
  ) {}

  /** Subscribes on `node`; publishes to `publishTo` (a dispatcher of a cluster), default `node`. */
  static async start(node: Node, publishTo: Node = node): Promise<Bystander> {
    const sub = await TestClient.connect(node.ws);
    const ack = await sub.request({ op: 'sub', id: 1, topic: BYSTANDER });
    if (ack.op !== 'ack') throw new Error(`bystander could not subscribe: ${JSON.stringify(ack)}`);
    return new Bystander(sub, await TestPublisher.connect(publishTo.publishPort));
  }

  tick(): void {
    this.pub.send({ op: 'pub', topic: BYSTANDER, data: { n: ++this.sent } });
  }

  /** Every event sent so far arrived, in order, none twice; the subscriber is still open. */
  async check(): Promise<void> {
    const events = await this.sub.events(BYSTANDER, this.sent - this.seen.length, 15_000);
    for (const e of events)
      this.seen.push({ n: (e.data as { n: number }).n, seq: e.seq as number });
    expect(this.seen.map((e) => e.n)).toEqual(Array.from({ length: this.sent }, (_, i) => i + 1));
    for (let i = 1; i < this.seen.length; i++)
      expect(this.seen[i]!.seq).toBe(this.seen[i - 1]!.seq + 1);
    expect(this.sub.ws.readyState).toBe(this.sub.ws.OPEN);
  }

  close(): void {
    this.sub.close();
    this.pub.close();
  }
}
