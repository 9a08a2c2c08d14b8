/**
 * Property-based fuzzing of the link port (issue 8) from an authenticated peer: a process that
 * holds the cluster secret and claims the gateway role sends one fuzzed frame per link, against
 * a real dispatcher that also serves a real gateway. For every frame:
 * - a frame the link rules refuse (`dispatcher/link/link-validate.ts`) drops that link, and only
 *   that link; a frame they accept leaves it up, and a `pub` sent after it is answered;
 * - the dispatcher stays up, keeps its real gateway linked, and the bystander (a client of the
 *   real gateway, fed through the dispatcher) receives every event, in order.
 */
import fc from 'fast-check';
import { encodeFrame } from '../protocol';
import { parseLinkFrame } from '../dispatcher/link/link-frame';
import { RawPeer } from '../testing/link-peers';
import { Bystander, dataArb, FUZZ_SEED, idArb, runs, topicArb } from './fuzz-kit';
import { startPair, type Node } from './harness';

const SECRET = 'fuzz-cluster-secret';
const PROBE_RID = 2_000_000_003;
const TO_DISPATCHER = { from: 'gateway', to: 'dispatcher' } as const;

const sinceArb = fc.oneof(
  fc.constant(undefined),
  fc.record({ epoch: fc.string({ maxLength: 10 }), seq: fc.nat() }),
  fc.anything({ maxDepth: 2 }),
);

const goodTopic = fc.stringMatching(/^[A-Za-z0-9_.:/@-]{1,40}$/);
const goodMember = fc.stringMatching(/^[A-Za-z0-9_.:/@-]{1,40}$/);

/** Messages a gateway may send, well formed (the link must stay up for these). */
const goodArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.record({
    op: fc.constant('interest'),
    topics: fc.array(goodTopic, { maxLength: 5 }),
    on: fc.boolean(),
  }),
  fc.record({ op: fc.constant('history'), rid: fc.nat(), topic: goodTopic }),
  fc.record({
    op: fc.constant('pub'),
    rid: fc.nat(),
    topic: goodTopic,
    data: fc.jsonValue({ maxDepth: 4 }),
  }),
  fc.record({
    op: fc.constant('count-report'),
    items: fc.array(fc.tuple(goodTopic, fc.nat({ max: 1_000_000 })), { maxLength: 5 }),
  }),
  fc.record({
    op: fc.constant('count-q'),
    rid: fc.nat(),
    topic: goodTopic,
    n: fc.nat({ max: 1_000_000 }),
  }),
  fc.record({ op: fc.constant('presence-hb'), members: fc.array(goodMember, { maxLength: 5 }) }),
  fc.record({
    op: fc.constant('presence-q'),
    rid: fc.nat(),
    members: fc.array(goodMember, { maxLength: 5 }),
  }),
);

/** Presence ops as a gateway would send them, any member possibly wrong (empty, long, spaces). */
const presenceArb = fc.record({
  op: fc.constantFrom('presence-hb', 'presence-q'),
  rid: idArb,
  members: fc.oneof(
    fc.array(fc.oneof(goodMember, fc.string({ maxLength: 300 }), fc.integer()), { maxLength: 4 }),
    fc.anything({ maxDepth: 2 }),
  ),
});

/** Counts as a gateway would send them, any field possibly wrong (huge, negative, not a pair). */
const countArb = fc.record({
  op: fc.constantFrom('count-report', 'count-q'),
  rid: idArb,
  topic: topicArb,
  n: fc.oneof(fc.nat(), fc.constant(Number.MAX_SAFE_INTEGER), fc.integer({ max: -1 })),
  items: fc.oneof(
    fc.array(fc.tuple(topicArb, fc.oneof(fc.nat(), fc.double())), { maxLength: 4 }),
    fc.anything({ maxDepth: 2 }),
  ),
});

/** Link messages as a gateway would send them, with any field wrong, and ops it may not send. */
const linkValueArb: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: goodArb },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('interest'),
      topics: fc.oneof(fc.array(topicArb, { maxLength: 5 }), fc.anything({ maxDepth: 1 })),
      on: fc.oneof(fc.boolean(), fc.anything({ maxDepth: 0 })),
      reset: fc.oneof(fc.constant(undefined), fc.boolean(), fc.integer()),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('history'),
      rid: idArb,
      topic: topicArb,
      since: sinceArb,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ op: fc.constant('pub'), rid: idArb, topic: topicArb, data: dataArb }),
  },
  { weight: 1, arbitrary: countArb },
  { weight: 1, arbitrary: presenceArb },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constantFrom(
        ...['fwd', 'xdc', 'ev', 'fwd-r', 'pub-r', 'history-r', 'fail', 'hb', 'nope'],
        ...['counts', 'xcount', 'count-r', 'presence-r'],
      ),
      items: fc.anything({ maxDepth: 2 }),
      events: fc.anything({ maxDepth: 2 }),
      rid: idArb,
    }),
  },
  { weight: 1, arbitrary: fc.anything({ maxDepth: 3, withBigInt: true }) },
);

describe('link frames from an authenticated peer, fuzzed', () => {
  let d: Node;
  let g: Node;
  let bystander: Bystander;
  beforeAll(async () => {
    ({ d, g } = await startPair(SECRET));
    bystander = await Bystander.start(g, d);
  });
  afterAll(async () => {
    bystander.close();
    await g.stop();
    await d.stop();
  });

  it('drops exactly the links that break the rules and keeps serving', async () => {
    let n = 0;
    const outcomes = { refused: 0, accepted: 0 };
    await fc.assert(
      fc.asyncProperty(linkValueArb, async (value) => {
        let bytes: Buffer;
        try {
          bytes = encodeFrame(value);
        } catch {
          return; // not encodable by the peer itself
        }
        const refused = parseLinkFrame(bytes.subarray(4), TO_DISPATCHER).kind === 'bad';
        outcomes[refused ? 'refused' : 'accepted']++;
        const peer = await RawPeer.handshake(
          d.linkPort,
          { node: `fuzz-${++n}`, role: 'gateway', dc: 'local' },
          SECRET,
        );
        try {
          peer.socket.write(bytes);
          peer.send({ op: 'pub', rid: PROBE_RID, topic: 'fuzz.link-probe', data: n });
          const answered = async (): Promise<boolean> => {
            for (;;) {
              const m = (await peer.next(5000)) as { op?: string; rid?: number };
              if (m.rid === PROBE_RID) return m.op === 'pub-r';
            }
          };
          if (refused) {
            await expect(answered()).rejects.toThrow('peer closed');
          } else {
            expect(await answered()).toBe(true);
            expect(peer.closed).toBe(false);
          }
        } finally {
          peer.destroy();
          bystander.tick();
        }
      }),
      { seed: FUZZ_SEED, numRuns: runs(150), endOnFailure: true },
    );
    // Both sides of the rule were exercised, not only one.
    expect(outcomes.refused).toBeGreaterThan(10);
    expect(outcomes.accepted).toBeGreaterThan(10);
    await bystander.check();
    expect(d.proc.exitCode).toBeNull();
    expect(g.proc.exitCode).toBeNull();
  });
});
