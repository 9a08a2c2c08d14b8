// Heap cost of one held history event against what HistoryBudget charges for it
// (payloadBytes + EVENT_OVERHEAD_BYTES): 200 topics x 1000 events held by a dispatcher.
//   npm run build --silent && node --expose-gc load-tests/profiles/history-event-cost.mjs [null|obj]
/* global gc */
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
const dist = join(fileURLToPath(import.meta.url), '../../../dist');
const { ActorSystem } = await import(join(dist, 'actors/index.js'));
const { dispatcherBehavior, newDispatcherStats } = await import(
  join(dist, 'dispatcher/dispatcher-actor.js')
);
const system = ActorSystem.create('x', { log: () => undefined });
const stats = newDispatcherStats();
const ref = system.spawn('d', () =>
  dispatcherBehavior({ capacity: 1000, ttlMs: 3_600_000, sweepMs: 3_600_000, stats }),
);
const pub = (items) => new Promise((r) => ref.tell({ type: 'publish', items, reply: r }));
await pub([{ topic: 'warm', data: 1 }]);
for (let i = 0; i < 4; i++) gc();
const base = process.memoryUsage().heapUsed,
  b0 = stats.historyBytes;
for (let t = 0; t < 200; t++) {
  const items = [];
  for (let i = 0; i < 1000; i++)
    items.push({ topic: `t${t}`, data: process.argv[2] === 'obj' ? { n: i, s: 'abc' } : null });
  await pub(items);
}
for (let i = 0; i < 4; i++) gc();
const n = stats.historyEvents - 1;
console.log(
  `${n} events: heap ${((process.memoryUsage().heapUsed - base) / n).toFixed(0)} B/event, charged ${((stats.historyBytes - b0) / n).toFixed(0)} B/event`,
);
await system.terminate();
