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
 * started for this scenario, limited to the rates the cross-node ladder reached. And it states
 * the dispatcher hop's cost (issue 14 part 3): at half of standalone capacity and at the
 * cross-node capacity, `--cost-runs` steps on the standalone server and as many on the cluster,
 * alternated (both sets of subscribers stay connected), p50/p99 of each side and the p99 added.
 *
 * The baselines have no multi-node mode, so there it is skipped.
 */
import { sampleProc, cpuCoresBetween, type ProcSample } from '../../generator/proc-stats';
import type { StepResult } from '../../generator/run-step';
import { startCluster } from '../cluster';
import {
  compareCapacity,
  compareSteps,
  costMetrics,
  costRates,
  crossNodeCost,
  earlierHotTopic,
  formatCapacity,
  formatComparison,
  formatCost,
  routedFigures,
  type ClusterStepFigures,
  type CrossNodeCost,
  type LadderStep,
} from '../cross-node-compare';
import { scrapeMetric } from '../prom-text';
import type { System } from '../systems';
import { alternateSteps, pairAtRate, stepBrief } from '../paired-steps';
import type { Scenario, ScenarioResult } from './scenario';
import { runLadder, type LadderPool, type StepAt } from './step-ladder';

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
    // One subscriber worker per gateway at least.
    const workers = Math.max(GATEWAYS, args.workers);
    const pool = (topicPrefix: string, workers: number): LadderPool => ({
      subscribers: args.subs,
      topicPrefix,
      topicCount: 1,
      workers,
      sampleEvery: args.sampleEvery,
    });

    const cluster = await startCluster({ bin, gateways: GATEWAYS });
    const earlier = earlierHotTopic(ctx.earlier, ctx.system.name);
    const source = earlier !== null ? 'hot-topic steps of this run' : 'own hot-topic ladder';
    let cross: ScenarioResult;
    let standalone: readonly LadderStep[] = earlier ?? [];
    const costs: CrossNodeCost[] = [];
    const alternated: { standalone: StepResult[]; cross: StepResult[] } = {
      standalone: [],
      cross: [],
    };
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
      // While the cluster's subscribers stay up, a standalone ladder on the server the bench
      // started (its steps the comparison when hot-topic did not run before), then the hop's
      // cost: steps alternating between standalone and cluster at equal rates.
      const equalRates = async (crossAt: StepAt, ladder: readonly StepResult[]): Promise<void> => {
        const reached = ladder.map((s) => s.offeredRate);
        // As many subscriber processes as the cluster's pool: the generator is not what differs.
        const own = await runLadder(ctx, pool('alone', workers), earlier ? [] : reached, {
          label: `${ctx.system.name} standalone`,
          refine: false,
          after: async (aloneAt, aloneLadder) => {
            if (earlier === null) standalone = aloneLadder;
            const rates = costRates(ladder, standalone);
            log(`[${label}] the hop's cost at ${rates.map((r) => `${r.rate}/s`).join(', ')}`);
            const steps = await alternateSteps(
              aloneAt,
              crossAt,
              rates.map((r) => r.rate),
              args.costRuns,
            );
            alternated.standalone = steps.a;
            alternated.cross = steps.b;
            for (const r of rates) {
              const pair = pairAtRate(r.rate, steps.a, steps.b);
              if (pair !== null) costs.push(crossNodeCost(r, pair));
            }
          },
        });
        if (earlier === null) standalone = own.steps;
      };
      cross = await runLadder(ctx, pool('xnode', workers), args.rates, {
        label,
        refine: false,
        ws: cluster.gateways.map((g) => g.endpoint('ws')),
        publish: d.endpoint('publish'),
        serverPid: d.pid,
        awaitRoutes: true,
        measure,
        after: equalRates,
      });
    } finally {
      await cluster.stop();
    }

    const rows = compareSteps(
      cross.steps as readonly (LadderStep & Partial<ClusterStepFigures>)[],
      standalone,
    );
    const cap = compareCapacity(cross.steps, standalone);
    log(
      `\ncross-node (1 dispatcher, ${GATEWAYS} gateways) vs standalone troupe (${source}), ${args.subs} subscribers:`,
    );
    log(formatComparison(rows));
    log(formatCapacity(cap));
    log(`the dispatcher hop's cost, standalone -> cross-node at equal offered rate:`);
    for (const c of costs) log(`  ${formatCost(c)}`);

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
        ...costMetrics(costs),
      },
      notes: {
        ...cross.notes,
        gateways: GATEWAYS,
        standaloneSource: source,
        comparison: rows,
        crossNodeCost: costs,
        alternated: {
          standalone: alternated.standalone.map(stepBrief),
          cross: alternated.cross.map(stepBrief),
        },
      },
    };
  },
};
