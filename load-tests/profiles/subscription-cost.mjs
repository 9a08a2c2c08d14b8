// What one subscription of a connection to a distinct topic costs in the heap, across the
// structures a subscription touches in a standalone node: the connection's Subscriptions, the
// topic router's subscriber index, the gateway's InterestTable and the dispatcher (interest,
// and whatever a `sub`'s history read leaves behind). Drives the real behaviors in-process, in
// the order a connection actor does (router `sub`, then the history read), with no sockets.
//   npm run build --silent && node --expose-gc load-tests/profiles/subscription-cost.mjs [conns=30] [topics=1000]
// Prints heap bytes per subscription while subscribed, and what is still held after every
// connection unsubscribed (what an idle node keeps for topics nobody wants any more).
/* global gc */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

if (typeof gc !== 'function') throw new Error('run with node --expose-gc');
const dist = join(fileURLToPath(import.meta.url), '../../../dist');
const load = (p) => import(join(dist, p));
const { ActorSystem } = await load('actors/index.js');
const { dispatcherBehavior } = await load('dispatcher/dispatcher-actor.js');
const { LocalDispatcherClient } = await load('dispatcher/local-link.js');
const { InterestTable } = await load('gateway/interest-table.js');
const { routerBehavior } = await load('gateway/topic-router.js');
const { Subscriptions } = await load('gateway/subscriptions.js');
const { newGatewayStats } = await load('gateway/gateway-stats.js');

const conns = Number(process.argv[2] ?? 30);
const topics = Number(process.argv[3] ?? 1000);
const HOUR = 3_600_000;

const system = ActorSystem.create('sub-cost', { log: () => undefined });
const dispatcher = system.spawn('dispatcher', () =>
  dispatcherBehavior({ capacity: 1000, ttlMs: 300_000, sweepMs: HOUR }),
);
const client = new LocalDispatcherClient(dispatcher, 'gw');
const interest = new InterestTable(client);
const router = system.spawn('router-0', () =>
  routerBehavior({
    index: 0,
    node: 'gw',
    interest,
    dispatcher: client,
    limits: { heartbeatMs: HOUR },
    stats: newGatewayStats(),
    mailboxCapacity: 1_000_000,
    log: () => undefined,
  }),
);
// Stand-ins for connection actors: real refs, made before the baseline (a connection costs
// what it costs whether or not it subscribes; only the subscriptions are measured).
const refs = [];
const subs = [];
for (let c = 0; c < conns; c++) {
  refs.push(system.spawn(`conn-${c}`, () => ({ receive() {} })));
  subs.push(new Subscriptions());
}
const replyTo = { tell: () => true };

async function settle() {
  // Let the dispatcher's and router's mailboxes drain, then collect.
  for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 20));
  await client.history('settle-probe', undefined);
  for (let i = 0; i < 4; i++) gc();
  return process.memoryUsage().heapUsed;
}

const base = await settle();
const pending = [];
for (let c = 0; c < conns; c++) {
  for (let t = 0; t < topics; t++) {
    // A fresh string per subscription, as a decoded `sub` frame gives one.
    const topic = `room:${c}:${t}`.slice(0);
    router.tell({ type: 'sub', topic, conn: refs[c], replyTo });
    subs[c].set(topic, { epoch: '', seq: Number.MAX_SAFE_INTEGER });
    pending.push(
      client.history(topic, undefined).then((h) => {
        const pos = subs[c].get(topic);
        pos.epoch = h.epoch;
        pos.seq = h.seq;
      }),
    );
  }
  await Promise.all(pending.splice(0));
}
const subscribed = await settle();
for (let c = 0; c < conns; c++) {
  const list = subs[c].topics();
  router.tell({ type: 'gone', conn: refs[c], topics: list });
  subs[c].clear();
}
const after = await settle();
const n = conns * topics;
const per = (bytes) => `${(bytes / n).toFixed(0)} B`;
console.log(`${conns} conns x ${topics} distinct topics = ${n} subscriptions`);
console.log(`subscribed:      ${per(subscribed - base)} per subscription (heapUsed delta)`);
console.log(`all unsubscribed: ${per(after - base)} per former subscription still held`);
console.log(
  `dispatcher inspect: ${JSON.stringify(system.inspect('/user/dispatcher')?.state?.topics)}`,
);
await system.terminate();
