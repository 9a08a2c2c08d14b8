/**
 * The rate ladder shared by hot-topic and many-topics: subscribe a pool, then run one step per
 * offered rate, stopping once the system is clearly past capacity.
 */
import { Publisher } from '../../generator/publisher';
import { runStep, type StepResult } from '../../generator/run-step';
import { sleep, SubscriberPool, type PoolOptions } from '../../generator/subscriber-pool';
import { capacityOf, shouldStop } from '../capacity';
import type { ScenarioContext, ScenarioResult } from './scenario';

const WARMUP_SECONDS = 1;

export type LadderPool = Omit<PoolOptions, 'host' | 'port' | 'dialect'>;

export async function runLadder(
  ctx: ScenarioContext,
  poolOpts: LadderPool,
  rates: readonly number[],
): Promise<ScenarioResult> {
  const { args, server, log } = ctx;
  const name = ctx.system.name;
  const ws = server.endpoint('ws');
  const pub = server.endpoint('publish');
  const pool = new SubscriberPool({
    ...poolOpts,
    dialect: ctx.system.dialect,
    host: ws.host,
    port: ws.port,
  });
  const steps: StepResult[] = [];
  let publisher: Publisher | null = null;
  try {
    const setup = pool.openWindow();
    const t0 = performance.now();
    await pool.start();
    await pool.flush();
    pool.closeWindow(setup);
    const g = pool.gauges();
    const connectSeconds = (performance.now() - t0) / 1000;
    const wanted = pool.subscriptionsTotal();
    log(
      `[${name}] ${g.acked}/${wanted} subscriptions on ${poolOpts.subscribers} connections in ${connectSeconds.toFixed(1)} s (closed ${g.closed})`,
    );
    if (g.acked === 0)
      throw new Error(
        `no subscription acknowledged; close reasons: ${JSON.stringify(g.closeReasons)}`,
      );
    publisher = await Publisher.connect({ host: pub.host, port: pub.port, ackEvery: 1000 });
    // Warm-up, not measured: JIT and first-touch allocation otherwise land in the first step.
    await publisher.run(pool.topics(), rates[0] ?? 100, WARMUP_SECONDS);
    await sleep(500);
    for (const rate of rates) {
      const step = await runStep(pool, publisher, {
        label: `${name} ${rate}/s`,
        rate,
        seconds: args.stepSeconds,
        serverPid: server.pid,
        log,
      });
      steps.push(step);
      log(
        `[${name} ${rate}/s] step: delivered ${(step.deliveredRatio * 100).toFixed(1)}%, ` +
          `${step.deliveriesPerSec}/s, p50 ${step.latencyMs.p50} ms, p99 ${step.latencyMs.p99} ms, gaps ${step.gaps}`,
      );
      if (publisher.closedReason !== null) throw new Error(publisher.closedReason);
      if (shouldStop(steps)) {
        log(`[${name}] past capacity; skipping higher rates`);
        break;
      }
    }
    const end = pool.gauges();
    return {
      steps,
      capacity: capacityOf(steps),
      metrics: {},
      notes: {
        subscribed: g.acked,
        connectSeconds: Math.round(connectSeconds * 100) / 100,
        connectP99Ms: Math.round(setup.connectMs.percentile(0.99) * 100) / 100 || null,
        closedDuringRun: end.closed,
        closeReasons: end.closeReasons,
        publisherAcks: publisher.acks,
        publisherErrors: publisher.errs,
      },
    };
  } finally {
    publisher?.close();
    await pool.stop();
  }
}
