/**
 * connect-storm: opens `stormConns` connections (default 10,000) as fast as the server takes
 * them, from several worker processes and loopback source addresses, each waiting for its
 * greeting and one `sub` ack. Reports connections accepted, greeted and subscribed per second
 * (first attempt to last ack, clocks of the workers) and the p50/p99 of each connection's
 * connect + sub time. Bounded: every connection settles within 10 s, the whole within 60 s.
 */
import { SubscriberPool } from '../../generator/subscriber-pool';
import type { Endpoint } from '../server-process';
import type { Scenario, ScenarioContext, ScenarioResult } from './scenario';

/** Connection attempts in flight per worker process. */
export const STORM_CONCURRENCY = 128;
/** Connections per worker process (so 10k spread over 3 processes / source addresses). */
const STORM_PER_WORKER = 4000;
/** Topics the storm subscribes to: `storm.0` .. `storm.99`, one per connection. */
export const STORM_TOPIC_PREFIX = 'storm.';

export interface StormOptions {
  /** Log prefix and scenario name, e.g. `troupe connect-storm`. */
  readonly label: string;
  readonly ws: Endpoint;
  /** One token per connection (`?token=` of its upgrade URL); absent: none. */
  readonly tokens?: readonly string[];
}

/** The storm itself: `args.stormConns` connections against `ws`, each subscribing once. */
export async function runStorm(ctx: ScenarioContext, o: StormOptions): Promise<ScenarioResult> {
  const { args, log } = ctx;
  const n = args.stormConns;
  const pool = new SubscriberPool({
    dialect: ctx.system.dialect,
    host: o.ws.host,
    port: o.ws.port,
    subscribers: n,
    topicPrefix: STORM_TOPIC_PREFIX,
    topicCount: 100,
    perWorker: STORM_PER_WORKER,
    workers: 2,
    connectConcurrency: STORM_CONCURRENCY,
    sampleEvery: args.sampleEvery,
    ...(o.tokens === undefined ? {} : { tokens: o.tokens }),
  });
  try {
    const w = pool.openWindow();
    await pool.start();
    await pool.flush();
    pool.closeWindow(w);
    const g = pool.gauges();
    const seconds =
      g.lastReadyAt > g.firstConnectAt ? (g.lastReadyAt - g.firstConnectAt) / 1000 : 0;
    const perSec = seconds > 0 ? Math.round(g.acked / seconds) : null;
    const q = (p: number): number | null =>
      w.connectMs.count === 0 ? null : Math.round(w.connectMs.percentile(p) * 100) / 100;
    log(
      `[${o.label}]: ${g.acked}/${n} subscribed in ${seconds.toFixed(2)} s = ${perSec ?? '-'}/s, ` +
        `connect+sub p50 ${q(0.5)} ms p99 ${q(0.99)} ms, failed ${g.closed}`,
    );
    return {
      steps: [],
      capacity: null,
      metrics: {
        connections: g.acked,
        acceptedPerSec: perSec,
        connectP50Ms: q(0.5),
        connectP99Ms: q(0.99),
        failed: g.closed,
      },
      notes: {
        seconds: Math.round(seconds * 1000) / 1000,
        inFlightPerWorker: STORM_CONCURRENCY,
        closeReasons: g.closeReasons,
      },
    };
  } finally {
    await pool.stop();
  }
}

export const connectStorm: Scenario = {
  name: 'connect-storm',
  needs: ['ws'],
  run: (ctx) =>
    runStorm(ctx, { label: `${ctx.system.name} connect-storm`, ws: ctx.server.endpoint('ws') }),
};
