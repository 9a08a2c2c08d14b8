/**
 * hostile: what bystanders feel while a node is attacked. Starts its own loopback cluster (one
 * dispatcher, one gateway, like cross-node), subscribes `hostileSubs` bystanders to 10 topics
 * on the gateway and publishes to them at a fixed rate through the dispatcher, twice:
 *
 *   quiet    nothing else runs
 *   hostile  at the same time, all at once: a poisoned publisher (unencodable data on the
 *            bystanders' own topics), a history flood (256 KiB events to ever new topics) and
 *            link garbage (idle connections holding handshake slots plus peers sending
 *            malformed frames to the dispatcher's link port)
 *
 * and reports each run's bystander p50/p99 and delivered ratio side by side, with what every
 * attacker did and was answered, and the dispatcher's RSS at the end. The baselines have
 * neither a link port nor history, so there it is skipped.
 */
import { sampleProc } from '../../generator/proc-stats';
import { HistoryFlood, LinkGarbage, PoisonPublisher } from '../../generator/attackers';
import { Publisher } from '../../generator/publisher';
import { runStep, type StepResult } from '../../generator/run-step';
import { sleep, SubscriberPool } from '../../generator/subscriber-pool';
import { startCluster } from '../cluster';
import type { System } from '../systems';
import type { Scenario } from './scenario';

const TOPICS = 10;
const RATE = 200;
const POISON_PER_SEC = 2000;
const FLOOD_BYTES_PER_SEC = 64 << 20;
const LINK_IDLE = 1100;
const LINK_NOISY = 20;

export const hostile: Scenario = {
  name: 'hostile',
  needs: ['ws', 'publish'],
  skip(system: System): string | null {
    if (system.kind !== 'troupe') return 'attacks troupe-only surfaces (links, history)';
    return system.troupeBin?.() ? null : 'troupe is not built';
  },
  async run(ctx) {
    const { args, log } = ctx;
    const label = `${ctx.system.name} hostile`;
    const cluster = await startCluster({ bin: ctx.system.troupeBin!()!, gateways: 1 });
    const d = cluster.dispatcher;
    const pool = new SubscriberPool({
      dialect: ctx.system.dialect,
      host: cluster.gateways[0]!.endpoint('ws').host,
      port: cluster.gateways[0]!.endpoint('ws').port,
      subscribers: args.hostileSubs,
      topicPrefix: 'bystander.',
      topicCount: TOPICS,
      workers: 1,
      sampleEvery: args.sampleEvery,
    });
    let publisher: Publisher | undefined;
    try {
      await pool.start();
      await pool.flush();
      const pub = d.endpoint('publish');
      publisher = await Publisher.connect({ host: pub.host, port: pub.port, ackEvery: 100 });
      // Warm-up until events reach the gateway's subscribers (routes are set up after the acks).
      await publisher.run(pool.topics(), RATE, 2);
      await sleep(500);
      const step = (name: string): Promise<StepResult> =>
        runStep(pool, publisher!, {
          label: `${label} ${name}`,
          rate: RATE,
          seconds: args.stepSeconds * 2,
          serverPid: d.pid,
          log,
        });
      const quiet = await step('quiet');

      const on = new Set(args.attacks);
      const poison = on.has('poison') ? await PoisonPublisher.connect(pub.host, pub.port) : null;
      const flood = on.has('flood') ? await HistoryFlood.connect(pub.host, pub.port) : null;
      const link = on.has('link')
        ? new LinkGarbage(d.endpoint('link').host, d.endpoint('link').port)
        : null;
      poison?.start(pool.topics(), POISON_PER_SEC);
      flood?.start(FLOOD_BYTES_PER_SEC);
      link?.start(LINK_IDLE, LINK_NOISY);
      await sleep(1000); // let every attack reach full strength before measuring
      let attacked: StepResult;
      let counts: Record<string, Record<string, number>>;
      try {
        attacked = await step('hostile');
      } finally {
        counts = {};
        if (poison !== null) counts.poison = poison.stop();
        if (flood !== null) counts.flood = flood.stop();
        if (link !== null) counts.link = link.stop();
      }
      const rss = sampleProc(d.pid)?.rssBytes ?? null;
      const pct = (s: StepResult): string => `${(s.deliveredRatio * 100).toFixed(1)}%`;
      log(
        `[${label}] bystanders at ${RATE}/s: quiet p50 ${quiet.latencyMs.p50} p99 ${quiet.latencyMs.p99} ms delivered ${pct(quiet)}; ` +
          `hostile p50 ${attacked.latencyMs.p50} p99 ${attacked.latencyMs.p99} ms delivered ${pct(attacked)}; ` +
          `attacks ${JSON.stringify(counts)}; dispatcher RSS ${rss === null ? '-' : Math.round(rss / (1 << 20))} MiB`,
      );
      const ratio = (a: number | null, b: number | null): number | null =>
        a === null || b === null || b === 0 ? null : Math.round((a / b) * 100) / 100;
      return {
        steps: [quiet, attacked],
        capacity: null,
        metrics: {
          quietP99Ms: quiet.latencyMs.p99,
          hostileP99Ms: attacked.latencyMs.p99,
          p99HostileOverQuiet: ratio(attacked.latencyMs.p99, quiet.latencyMs.p99),
          quietDelivered: quiet.deliveredRatio,
          hostileDelivered: attacked.deliveredRatio,
          dispatcherRssMiB: rss === null ? null : Math.round(rss / (1 << 20)),
        },
        notes: {
          rate: RATE,
          topics: TOPICS,
          subscribers: args.hostileSubs,
          attacks: counts,
          attacksRun: [...on],
        },
      };
    } finally {
      publisher?.close();
      await pool.stop();
      await cluster.stop();
    }
  },
};
