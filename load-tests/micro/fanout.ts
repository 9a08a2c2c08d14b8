/**
 * Gateway fan-out micro-benchmark (not a test): CPU ns per delivery of the JS path from a
 * router's `events` message to the connection actor's socket write, with sockets that only
 * count (no syscalls), so the figure is the part of a delivery this code owns.
 *
 *   npm run build && node dist/load-tests/micro/fanout.js [rounds]
 *
 * Shapes: `hot` (one topic, 2,000 subscribers, one event per turn) and `many` (2,000 topics,
 * 2,000 connections each subscribed to 3 consecutive topics, 64 events of random topics per
 * turn, as the many-topics scenario's publisher ticks are). Each shape runs `rounds` times,
 * interleaved, and the median is printed: compare builds with runs on the same machine.
 */
import { ActorSystem, type ActorRef } from '../../actors';
import { msgpackCodec } from '../../protocol';
import { packMsgpack } from '../../protocol/msgpack';
import type { TopicEvent } from '../../dispatcher/types';
import { ConnSlot } from '../../gateway/conn-slot';
import type { ConnectionLimits } from '../../gateway/connection-actor';
import { toBatches } from '../../gateway/event-batch';
import { newGatewayStats } from '../../gateway/gateway-stats';
import { InterestTable } from '../../gateway/interest-table';
import type { RouterMsg } from '../../gateway/messages';
import { routerBehavior } from '../../gateway/topic-router';
import { NullConn, stubDispatcher } from '../../testing/doubles';
import type { SendResult } from '../../gateway/transport';

const CONNS = 2000;
const TOPICS = 2000;
const PER_CONN = 3;
const TURN = 64;

const limits: ConnectionLimits = {
  heartbeatMs: 3_600_000,
  idleTimeoutMs: 7_200_000,
  outboundLimit: 1 << 30,
  maxSubscriptions: 100,
  ratePerSec: 1e6,
  rateBurst: 1e6,
  rateStrikes: 10,
  requestTimeoutMs: 5000,
  allowPublish: false,
};

/** Frames written: setup waits for every hello and ack. */
let frames = 0;

/** A socket that only counts frames, into one counter for all of them. */
class CountingConn extends NullConn {
  override send(): SendResult {
    frames++;
    return 'ok';
  }
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

interface Shape {
  readonly name: string;
  readonly topicsOf: (conn: number) => string[];
  /** The events of one turn, stamped. */
  readonly turn: (seqs: Map<string, number>) => TopicEvent[];
  /** Subscribers of each topic. */
  readonly fanout: number;
}

const topicName = (i: number): string => `t${(i + TOPICS) % TOPICS}`;

const SHAPES: Shape[] = [
  {
    name: 'hot',
    topicsOf: () => ['hot'],
    turn: (seqs) => [stamp(seqs, 'hot')],
    fanout: CONNS,
  },
  {
    name: 'many',
    topicsOf: (c) => Array.from({ length: PER_CONN }, (_, k) => topicName(c + k)),
    turn: (seqs) =>
      Array.from({ length: TURN }, () =>
        stamp(seqs, topicName(Math.floor(Math.random() * TOPICS))),
      ),
    fanout: PER_CONN,
  },
];

function stamp(seqs: Map<string, number>, topic: string): TopicEvent {
  const seq = (seqs.get(topic) ?? 0) + 1;
  seqs.set(topic, seq);
  return { topic, seq, epoch: 'e', data: { t: 0, p: 'x'.repeat(48) }, t0: 0 };
}

interface Rig {
  readonly system: ActorSystem;
  readonly router: ActorRef<RouterMsg>;
  readonly stats: ReturnType<typeof newGatewayStats>;
}

async function setup(shape: Shape): Promise<Rig> {
  const stats = newGatewayStats();
  frames = 0;
  const system = ActorSystem.create('bench-fanout', { log: () => undefined });
  const router = system.spawn<RouterMsg>(
    'router-0',
    () =>
      routerBehavior({
        index: 0,
        node: 'bench',
        interest: new InterestTable(stubDispatcher),
        dispatcher: stubDispatcher,
        limits,
        stats,
        mailboxCapacity: 4096,
        log: () => undefined,
      }),
    { kind: 'topic-router', priority: 'high' },
  );
  let expected = 0;
  for (let c = 0; c < CONNS; c++) {
    const slot = new ConnSlot(`c${c}`, msgpackCodec, false);
    slot.conn = new CountingConn();
    router.tell({ type: 'open', slot });
    shape.topicsOf(c).forEach((topic, i) => {
      expected++;
      slot.tell({ type: 'frame', data: packMsgpack({ op: 'sub', id: i + 1, topic }) });
    });
  }
  // A hello per connection and an ack per sub.
  for (let i = 0; frames < CONNS + expected; i++) {
    await tick();
    if (i === 100_000) throw new Error(`setup stalled at ${frames} of ${CONNS + expected} frames`);
  }
  return { system, router, stats };
}

/** CPU ns per delivery over `turns` turns of `shape`. */
async function measure(shape: Shape, turns: number): Promise<number> {
  const { system, router, stats } = await setup(shape);
  const seqs = new Map<string, number>();
  const turnsOfBatches = Array.from({ length: turns }, () => toBatches(shape.turn(seqs)));
  let expected = stats.deliveries;
  for (const b of turnsOfBatches) for (const x of b) expected += x.events.length * shape.fanout;
  const before = stats.deliveries;
  const start = process.cpuUsage();
  for (const batches of turnsOfBatches) {
    router.tell({ type: 'events', batches });
    await tick();
  }
  for (let i = 0; stats.deliveries < expected; i++) {
    await tick();
    if (i === 100_000) throw new Error(`stalled at ${stats.deliveries} of ${expected} deliveries`);
  }
  const used = process.cpuUsage(start);
  await system.terminate();
  return ((used.user + used.system) * 1000) / (stats.deliveries - before);
}

async function main(): Promise<void> {
  const rounds = Number(process.argv[2] ?? 5);
  const results = new Map<string, number[]>();
  for (let r = 0; r < rounds; r++) {
    for (const shape of SHAPES) {
      const turns = shape.name === 'hot' ? 200 : 2000;
      const ns = await measure(shape, turns);
      (results.get(shape.name) ?? results.set(shape.name, []).get(shape.name)!).push(ns);
    }
  }
  for (const [name, xs] of results) {
    const sorted = [...xs].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)]!;
    process.stdout.write(
      `${name}: ${median.toFixed(0)} ns CPU per delivery (median of ${xs.length}: ${xs.map((x) => x.toFixed(0)).join(' ')})\n`,
    );
  }
}

void main();
