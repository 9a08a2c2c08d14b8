/**
 * Subscriber worker: a child process holding up to ~8k WebSocket connections from one loopback
 * source address. Each connection waits for its greeting, subscribes to its topics, then counts
 * events, checks `seq` continuity per topic and samples latency. The dialect (troupe msgpack or
 * Socket.IO v4) is chosen by the plan. Counters go to the coordinator as deltas once a second
 * and on request.
 *
 * Runs until told to stop, or until its parent goes away (IPC disconnect): it never outlives
 * the coordinator.
 */
import { Keepalive } from './keepalive';
import { SocketIoSubscriber } from './socketio-subscriber';
import { TroupeSubscriber } from './troupe-subscriber';
import type { RawWsClient } from './ws-client';
import { WorkerStats } from './worker-stats';
import type { FromWorker, SubscriberPlan, ToWorker } from './worker-messages';

const stats = new WorkerStats();
const clients = new Set<RawWsClient>();
// troupe closes a connection that sends nothing for 62.5 s (1001), and a ladder's subscribers
// may outlive that (cross-node and viewer-counts keep one set up while another one runs).
// Socket.IO's server pings its clients itself. Made per plan (its `pingEveryMs`, if any).
let keepalive: Keepalive | null = null;

function send(msg: FromWorker): void {
  if (process.connected) process.send?.(msg);
}

function report(reason: 'tick' | 'flush' | 'ready', token = 0): void {
  send({
    type: 'report',
    reason,
    token,
    counters: stats.take(),
    closeReasons: { ...stats.closeReasons },
  });
}

const gone = (c: RawWsClient): void => {
  clients.delete(c);
  keepalive?.untrack(c);
};

async function run(plan: SubscriberPlan): Promise<void> {
  stats.setSampleEvery(plan.sampleEvery);
  keepalive ??= plan.pingEveryMs === undefined ? new Keepalive() : new Keepalive(plan.pingEveryMs);
  let next = 0;
  const openOne = (): Promise<void> =>
    new Promise((resolve) => {
      const index = plan.firstIndex + next++;
      const sub =
        plan.dialect === 'socketio'
          ? new SocketIoSubscriber(plan, index, stats, resolve, gone)
          : new TroupeSubscriber(plan, index, stats, resolve, gone);
      clients.add(sub.client);
      // Due only `pingEveryMs` from now: by then the connection is open (its connect is bounded
      // by CONNECT_TIMEOUT_MS, far shorter), or closed and forgotten by the tick.
      if (plan.dialect !== 'socketio') keepalive?.track(sub.client);
    });
  const until = performance.now() + (plan.connectForMs ?? Infinity);
  const lanes: Promise<void>[] = [];
  for (let l = 0; l < Math.max(1, plan.connectConcurrency); l++) {
    lanes.push(
      (async () => {
        while (next < plan.connections && !stats.stopping && performance.now() < until)
          await openOne();
      })(),
    );
  }
  await Promise.all(lanes);
  report('ready');
}

function stop(): void {
  stats.stopping = true;
  keepalive?.stop();
  for (const c of [...clients]) c.close();
  clearInterval(ticker);
  setTimeout(() => process.exit(0), 200).unref();
}

const ticker = setInterval(() => report('tick'), 1000);

process.on('message', (msg: ToWorker) => {
  switch (msg.type) {
    case 'start':
      run(msg.plan).catch((err: unknown) => send({ type: 'fatal', message: String(err) }));
      return;
    case 'flush':
      report('flush', msg.token);
      return;
    case 'stop':
      stop();
      return;
  }
});
process.on('disconnect', stop);
