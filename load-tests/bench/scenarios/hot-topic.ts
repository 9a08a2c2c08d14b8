/**
 * hot-topic: N subscribers of one topic, publish rate raised step by step. Measures fan-out:
 * every event is delivered N times, so deliveries/s = N x accepted publish rate.
 */
import { Publisher } from '../../generator/publisher';
import { runStep, type StepResult } from '../../generator/run-step';
import { SubscriberPool } from '../../generator/subscriber-pool';
import { capacityOf, shouldStop } from '../capacity';
import type { Scenario, ScenarioContext, ScenarioResult } from './scenario';

export const hotTopic: Scenario = {
  name: 'hot-topic',
  needs: ['ws', 'publish'],
  async run(ctx: ScenarioContext): Promise<ScenarioResult> {
    const { args, server, log } = ctx;
    const ws = server.endpoint('ws');
    const pub = server.endpoint('publish');
    const pool = new SubscriberPool({
      host: ws.host,
      port: ws.port,
      subscribers: args.subs,
      topicPrefix: 'hot',
      topicCount: 1,
      workers: args.workers,
      sampleEvery: args.sampleEvery,
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
      log(
        `[${ctx.system}] ${g.acked}/${args.subs} subscribed in ${connectSeconds.toFixed(1)} s (closed ${g.closed})`,
      );
      if (g.acked === 0)
        throw new Error(
          `no subscription acknowledged; close reasons: ${JSON.stringify(g.closeReasons)}`,
        );
      publisher = await Publisher.connect({ host: pub.host, port: pub.port, ackEvery: 1000 });
      for (const rate of args.rates) {
        const step = await runStep(pool, publisher, {
          label: `${ctx.system} ${rate}/s`,
          rate,
          seconds: args.stepSeconds,
          serverPid: server.pid,
          log,
        });
        steps.push(step);
        log(
          `[${ctx.system} ${rate}/s] step: delivered ${(step.deliveredRatio * 100).toFixed(1)}%, ` +
            `${step.deliveriesPerSec}/s, p50 ${step.latencyMs.p50} ms, p99 ${step.latencyMs.p99} ms, gaps ${step.gaps}`,
        );
        if (publisher.closedReason !== null) throw new Error(publisher.closedReason);
        if (shouldStop(steps)) {
          log(`[${ctx.system}] past capacity; skipping higher rates`);
          break;
        }
      }
      const end = pool.gauges();
      return {
        steps,
        capacity: capacityOf(steps),
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
  },
};
