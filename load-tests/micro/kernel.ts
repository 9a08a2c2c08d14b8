/**
 * Kernel micro-benchmark (not a test): ns per tell+process, and heap bytes per idle actor.
 *
 *   npx tsc -p tsconfig.build.json && node --expose-gc dist/load-tests/micro/kernel.js
 */
import { ActorSystem, type ActorRef, type Behavior } from '../../actors';

const ACTORS = 100_000;
const MESSAGES = 2_000_000;
const FANOUT_ACTORS = 10_000;
const FANOUT_ROUNDS = 50;

type Tick = { n: number };

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

let received = 0;
const counter: Behavior<Tick> = { receive: (m) => void (received += m.n) };

async function untilReceived(expected: number): Promise<void> {
  while (received < expected) await settle();
}

/**
 * Heap bytes per idle actor: spawn 100k actors whose behavior is shared, let them start, and
 * with `told`, tell each one message first (an idle connection actor has had its `sub`).
 */
async function idleActorBytes(told = false): Promise<number> {
  const system = ActorSystem.create('bench-idle');
  const idle: Behavior<Tick> = { receive: () => undefined };
  const factory = (): Behavior<Tick> => idle; // shared: measure the kernel, not user closures
  const refs: ActorRef<Tick>[] = new Array(ACTORS);
  const opts = { kind: 'connection' };
  await settle();
  gc();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < ACTORS; i++) refs[i] = system.spawn(`conn-${i}`, factory, opts);
  while (system.snapshot('/user', 0)?.status !== 'running' || !refs[ACTORS - 1].isAlive())
    await settle();
  for (let i = 0; i < 10; i++) await settle(); // let every cell run its start
  if (told) for (const ref of refs) ref.tell({ n: 1 });
  for (let i = 0; i < 10; i++) await settle();
  gc();
  const after = process.memoryUsage().heapUsed;
  const perActor = (after - before - ACTORS * 8) / ACTORS; // minus the refs array itself
  await system.terminate();
  return perActor;
}

/** One actor, a flood of tells: the mailbox + scheduler fast path. */
async function tellOneActor(): Promise<number> {
  const system = ActorSystem.create('bench-tell');
  const ref = system.spawn<Tick>('sink', () => counter);
  const msg = { n: 1 };
  received = 0;
  await settle();
  const start = process.hrtime.bigint();
  for (let i = 0; i < MESSAGES; i++) {
    ref.tell(msg);
    if ((i & 0xffff) === 0xffff) await untilReceived(i + 1);
  }
  await untilReceived(MESSAGES);
  const ns = Number(process.hrtime.bigint() - start) / MESSAGES;
  await system.terminate();
  return ns;
}

/** Fan-out: one message to each of many actors per round (the topic-router pattern). */
async function tellFanout(): Promise<number> {
  const system = ActorSystem.create('bench-fanout');
  const factory = (): Behavior<Tick> => counter;
  const refs: ActorRef<Tick>[] = [];
  for (let i = 0; i < FANOUT_ACTORS; i++) refs.push(system.spawn(`c-${i}`, factory));
  for (let i = 0; i < 5; i++) await settle();
  const msg = { n: 1 };
  received = 0;
  const start = process.hrtime.bigint();
  for (let r = 0; r < FANOUT_ROUNDS; r++) {
    for (const ref of refs) ref.tell(msg);
    await untilReceived((r + 1) * FANOUT_ACTORS);
  }
  const ns = Number(process.hrtime.bigint() - start) / (FANOUT_ROUNDS * FANOUT_ACTORS);
  await system.terminate();
  return ns;
}

async function main(): Promise<void> {
  if ((globalThis as { gc?: unknown }).gc === undefined) {
    console.warn('run with node --expose-gc for a precise heap figure');
  }
  await tellOneActor(); // warm-up
  const tellNs = await tellOneActor();
  const fanoutNs = await tellFanout();
  const bytes = await idleActorBytes();
  const toldBytes = await idleActorBytes(true);
  console.log(`tell+process, one actor:        ${tellNs.toFixed(0)} ns/msg`);
  console.log(`tell+process, fan-out ${FANOUT_ACTORS}:   ${fanoutNs.toFixed(0)} ns/msg`);
  console.log(`heap per idle actor (${ACTORS}): ${bytes.toFixed(0)} bytes`);
  console.log(`  after one message each:      ${toldBytes.toFixed(0)} bytes`);
}

void main();
