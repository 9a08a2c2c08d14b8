/**
 * The load generator on its own, against any troupe deployment (loopback only):
 *
 *   node dist/load-tests/generator/cli.js --ws 127.0.0.1:7070 --publish 127.0.0.1:7071 \
 *     --subs 2000 --topics 1 --rate 1000 --seconds 10 [--dialect troupe|socketio]
 *
 * Prints a progress line per second and a final summary; exits when done (at most --seconds
 * of publishing plus connect and drain time).
 */
import { Publisher } from './publisher';
import { fmtCount, fmtMs, runStep } from './run-step';
import { SubscriberPool } from './subscriber-pool';
import type { Dialect } from './worker-messages';

interface CliArgs {
  dialect: Dialect;
  ws: { host: string; port: number };
  publish: { host: string; port: number };
  subs: number;
  topics: number;
  topicsPerConnection: number;
  rate: number;
  seconds: number;
  workers: number;
  sampleEvery: number;
}

const MAX_SECONDS = 3600;

function hostPort(flag: string, v: string): { host: string; port: number } {
  const i = v.lastIndexOf(':');
  const host = v.slice(0, i);
  const port = Number(v.slice(i + 1));
  if (i <= 0 || !Number.isInteger(port)) throw new Error(`--${flag} wants host:port, got "${v}"`);
  if (!/^127\.\d+\.\d+\.\d+$|^localhost$|^::1$/.test(host))
    throw new Error(`--${flag}: only loopback targets are allowed, got ${host}`);
  return { host, port };
}

function parse(argv: readonly string[]): CliArgs {
  const f = new Map<string, string>();
  for (let i = 0; i + 1 < argv.length; i += 2)
    f.set((argv[i] as string).replace(/^--/, ''), argv[i + 1] as string);
  const num = (k: string, d: number): number => {
    const n = Number(f.get(k) ?? d);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`--${k} wants a positive number`);
    return n;
  };
  const dialect = f.get('dialect') ?? 'troupe';
  if (dialect !== 'troupe' && dialect !== 'socketio')
    throw new Error(`--dialect wants troupe or socketio, got "${dialect}"`);
  return {
    dialect,
    ws: hostPort('ws', f.get('ws') ?? '127.0.0.1:7070'),
    publish: hostPort('publish', f.get('publish') ?? '127.0.0.1:7071'),
    subs: num('subs', 2000),
    topics: num('topics', 1),
    topicsPerConnection: num('topics-per-conn', 1),
    rate: num('rate', 1000),
    seconds: Math.min(MAX_SECONDS, num('seconds', 10)),
    workers: num('workers', 1),
    sampleEvery: num('sample-every', 64),
  };
}

async function main(): Promise<void> {
  const a = parse(process.argv.slice(2));
  const pool = new SubscriberPool({
    dialect: a.dialect,
    host: a.ws.host,
    port: a.ws.port,
    subscribers: a.subs,
    topicPrefix: 'load-',
    topicCount: a.topics,
    topicsPerConnection: a.topicsPerConnection,
    workers: a.workers,
    sampleEvery: a.sampleEvery,
  });
  let publisher: Publisher | null = null;
  try {
    await pool.start();
    const g = pool.gauges();
    console.log(
      `subscribed ${g.acked}/${pool.subscriptionsTotal()} (connections open ${g.connected}, closed ${g.closed})`,
    );
    publisher = await Publisher.connect({
      host: a.publish.host,
      port: a.publish.port,
      ackEvery: 1000,
    });
    const s = await runStep(pool, publisher, {
      label: `${a.rate}/s`,
      rate: a.rate,
      seconds: a.seconds,
    });
    const l = s.latencyMs;
    console.log(
      [
        `published ${s.published} (skipped ${s.publishSkipped}) at ${a.rate}/s offered over ${s.seconds} s`,
        `delivered ${s.delivered} / expected ${s.expected} = ${(s.deliveredRatio * 100).toFixed(2)}%  (${fmtCount(s.deliveriesPerSec)}/s while publishing)`,
        `gaps ${s.gaps} (missing ${s.missing}), reorders ${s.reorders}, errors ${s.errors}`,
        `latency (${l.samples} samples) p50 ${fmtMs(l.p50)} p90 ${fmtMs(l.p90)} p99 ${fmtMs(l.p99)} max ${fmtMs(l.max)}`,
        `generator cpu ${s.generatorCpuCores} cores; publisher acks ${publisher.acks}, errors ${publisher.errs}`,
      ].join('\n'),
    );
    const reasons = pool.gauges().closeReasons;
    if (Object.keys(reasons).length > 0) console.log(`close reasons: ${JSON.stringify(reasons)}`);
  } finally {
    publisher?.close();
    await pool.stop();
  }
}

main().catch((err: unknown) => {
  console.error(`generator: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
