/**
 * Micro-benchmark (not a test): ns per event for `TopicLog.append` with history held, GC
 * included, as a many-topics node appends (2,000 topics in turn, 70-byte events, a fresh
 * value per event as ingress makes one), in two shapes alternated in one process:
 *
 *   heap   data that stays a JS value in the ring (a string of the same bytes): what every
 *          held event was before held-bytes.ts, an object the scavenger copies and promotes
 *   bytes  publisher bytes (`RawMsgpack`): copied into pooled chunks off the heap
 *
 *   npm run build && node --max-semi-space-size=4 dist/load-tests/micro/history-append.js [capacity] [rounds]
 *
 * Each round appends 2,000,000 events per shape after a warm-up that fills every ring, so it
 * measures the steady state (each append lets the oldest event go); medians are printed.
 */
import { TopicLog } from '../../dispatcher/topic-log';
import { RawMsgpack } from '../../protocol/raw-msgpack';

const TOPICS = 2000;
const N = 2_000_000;
const capacity = Number(process.argv[2] ?? 50);
const rounds = Number(process.argv[3] ?? 5);
const payload = Buffer.alloc(70, 0x41);

type Make = () => unknown;
const shapes: Record<string, Make> = {
  heap: () => payload.toString('latin1'),
  bytes: () => new RawMsgpack(payload.toString('latin1')),
};

function run(make: Make, logs: TopicLog[], n: number, now: { t: number }): number {
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) logs[i % TOPICS]!.append(make(), now.t++, 118);
  return Number(process.hrtime.bigint() - start) / n;
}

const state = Object.fromEntries(
  Object.keys(shapes).map((k) => [
    k,
    {
      logs: Array.from(
        { length: TOPICS },
        (_, i) => new TopicLog(`t${i}`, { capacity, ttlMs: 1e15 }, 0),
      ),
      now: { t: 0 },
      ns: [] as number[],
    },
  ]),
);
for (const [k, s] of Object.entries(state)) run(shapes[k]!, s.logs, TOPICS * capacity * 2, s.now);
for (let r = 0; r < rounds; r++) {
  for (const [k, s] of Object.entries(state)) s.ns.push(run(shapes[k]!, s.logs, N, s.now));
}
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
for (const [k, s] of Object.entries(state)) {
  console.log(
    `${k.padEnd(5)} ${median(s.ns).toFixed(0)} ns/event  (${s.ns.map((x) => x.toFixed(0)).join(' ')})`,
  );
}
