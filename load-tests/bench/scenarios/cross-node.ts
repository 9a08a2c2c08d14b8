/**
 * cross-node: publisher -> dispatcher -> 2 gateways -> subscribers. Starts its own loopback
 * cluster (`troupe start --role dispatcher` and two `--role gateway` linked to it), puts
 * `subs` subscribers of one topic half on each gateway (one subscriber worker per gateway at
 * least), publishes to the dispatcher at the hot-topic rates, and per step reports what
 * hot-topic does (publish-to-receive latency from `data.t`, deliveries/s, delivered ratio) plus
 * routed events/s: the increase of the dispatcher's `troupe_events_routed_total` (one per
 * event per gateway) over the step / step seconds.
 *
 * Then it compares with single-process troupe at the same rates: the troupe hot-topic steps of
 * this run when hot-topic ran before, else a hot-topic ladder on the standalone server the bench
 * started for this scenario, limited to the rates the cross-node ladder reached.
 *
 * The baselines have no multi-node mode, so there it is skipped.
 */
import { sampleProc, cpuCoresBetween, type ProcSample } from '../../generator/proc-stats';
import type { StepResult } from '../../generator/run-step';
import { startCluster } from '../cluster';
import {
  compareCapacity,
  compareSteps,
  earlierHotTopic,
  formatCapacity,
  formatComparison,
  routedFigures,
  type ClusterStepFigures,
  type LadderStep,
} from '../cross-node-compare';
import { scrapeMetric } from '../prom-text';
import type { System } from '../systems';
import { hotTopic } from './hot-topic';
import type { Scenario, ScenarioResult } from './scenario';
import { runLadder } from './step-ladder';

const GATEWAYS = 2;
const ROUTED = 'troupe_events_routed_total';

const cores = (a: ProcSample | null, b: ProcSample | null): number | null => {
  const c = cpuCoresBetween(a, b);
  return c === null ? null : Math.round(c * 1000) / 1000;
};

const sum = (xs: readonly (number | null)[]): number | null =>
  xs.some((x) => x === null)
    ? null
    : Math.round(xs.reduce<number>((a, x) => a + (x ?? 0), 0) * 1000) / 1000;

export const crossNode: Scenario = {
  name: 'cross-node',
  // The standalone server the bench starts is the comparison when hot-topic did not run before.
  needs: ['ws', 'publish'],
  skip(system: System): string | null {
    if (system.kind !== 'troupe') return 'no multi-node mode in this baseline';
    const bin = system.troupeBin?.();
    if (bin === undefined || bin === null) return 'troupe is not built';
    return null;
  },
  async run(ctx) {
    const { args, log } = ctx;
    const bin = ctx.system.troupeBin?.();
    if (bin === undefined || bin === null) throw new Error('troupe is not built');
    const label = `${ctx.system.name} cross-node`;

    const cluster = await startCluster({ bin, gateways: GATEWAYS });
    let cross: ScenarioResult;
    try {
      const d = cluster.dispatcher;
      const http = d.endpoint('http');
      log(
        `[${label}] dispatcher pid ${d.pid} (publish ${d.endpoint('publish').port}, link ${d.endpoint('link').port}, http ${http.port}), ` +
          `gateways ${cluster.gateways.map((g) => `pid ${g.pid} ws ${g.endpoint('ws').port}`).join(', ')}: linked`,
      );
      const measure = async (run: () => Promise<StepResult>): Promise<StepResult> => {
        const r0 = await scrapeMetric(http, ROUTED);
        const c0 = cluster.pids().map(sampleProc);
        const step = await run();
        const c1 = cluster.pids().map(sampleProc);
        const r1 = await scrapeMetric(http, ROUTED);
        const perNode = c0.map((a, i) => cores(a, c1[i] ?? null));
        const figures: ClusterStepFigures = {
          ...routedFigures(r0, r1, step.seconds, step.published),
          dispatcherCpuCores: perNode[0] ?? null,
          gatewaysCpuCores: sum(perNode.slice(1)),
        };
        log(
          `[${label} ${step.offeredRate}/s] routed ${figures.routedPerSec ?? '-'}/s (${figures.routedPerPublish ?? '-'} per publish), ` +
            `cpu dispatcher ${figures.dispatcherCpuCores ?? '-'} + gateways ${figures.gatewaysCpuCores ?? '-'} cores`,
        );
        // srv cpu of the step table: the whole cluster.
        return { ...step, ...figures, serverCpuCores: sum(perNode) };
      };
      cross = await runLadder(
        ctx,
        {
          subscribers: args.subs,
          topicPrefix: 'xnode',
          topicCount: 1,
          workers: Math.max(GATEWAYS, args.workers),
          sampleEvery: args.sampleEvery,
        },
        args.rates,
        {
          label,
          refine: false,
          ws: cluster.gateways.map((g) => g.endpoint('ws')),
          publish: d.endpoint('publish'),
          serverPid: d.pid,
          awaitRoutes: true,
          measure,
        },
      );
    } finally {
      await cluster.stop();
    }

    const reached = cross.steps.map((s) => s.offeredRate);
    let standalone = earlierHotTopic(ctx.earlier, ctx.system.name);
    const source = standalone !== null ? 'hot-topic steps of this run' : 'own hot-topic ladder';
    if (standalone === null && reached.length > 0) {
      log(`[${ctx.system.name}] standalone hot-topic at ${reached.join(', ')}/s, for the ratio`);
      standalone = (await hotTopic.run({ ...ctx, args: { ...args, rates: reached } })).steps;
    }
    const rows = compareSteps(
      cross.steps as readonly (LadderStep & Partial<ClusterStepFigures>)[],
      standalone ?? [],
    );
    const cap = compareCapacity(cross.steps, standalone ?? []);
    log(
      `\ncross-node (1 dispatcher, ${GATEWAYS} gateways) vs standalone troupe (${source}), ${args.subs} subscribers:`,
    );
    log(formatComparison(rows));
    log(formatCapacity(cap));

    const atCap = cross.steps.find((s) => s.offeredRate === cap.cross.rate) as
      (StepResult & Partial<ClusterStepFigures>) | undefined;
    return {
      ...cross,
      metrics: {
        ...cross.metrics,
        p50AtCapacityMs: atCap?.latencyMs.p50 ?? null,
        p99AtCapacityMs: atCap?.latencyMs.p99 ?? null,
        routedPerSecAtCapacity: atCap?.routedPerSec ?? null,
        standaloneCapacityRate: cap.standalone.rate,
        standaloneCapacityDeliveriesPerSec: cap.standalone.deliveriesPerSec,
        crossOverStandalone: cap.ratio,
      },
      notes: {
        ...cross.notes,
        gateways: GATEWAYS,
        standaloneSource: source,
        comparison: rows,
      },
    };
  },
};
