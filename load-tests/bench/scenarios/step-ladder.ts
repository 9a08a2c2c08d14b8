/**
 * The rate ladder shared by hot-topic and many-topics: subscribe a pool, then run one step per
 * offered rate, stopping once the system is clearly past capacity.
 */
import { Publisher } from '../../generator/publisher';
import { drain, runStep, type StepResult } from '../../generator/run-step';
import { sleep, SubscriberPool, type PoolOptions } from '../../generator/subscriber-pool';
import type { Window } from '../../generator/window';
import {
  borderline,
  CAPACITY,
  capacityOf,
  halfCapacityOf,
  halfRate,
  refineRate,
  shouldStop,
  type HalfCapacity,
} from '../capacity';
import type { Endpoint } from '../server-process';
import type { ScenarioContext, ScenarioResult } from './scenario';

const WARMUP_SECONDS = 1;
/**
 * Between a step past capacity and the next lower one: let the backlog drain first, until
 * SETTLE_QUIET_MS pass with no event arriving, at most SETTLE_MS (the fixed wait it replaces:
 * after a step the drain in runStep has usually emptied it, so the wait is mostly idle).
 */
const SETTLE_MS = 1000;
const SETTLE_QUIET_MS = 250;
const ROUTES_TIMEOUT_MS = 15_000;

export type LadderPool = Omit<PoolOptions, 'host' | 'port' | 'dialect' | 'targets'>;

/** Where the ladder points, when not at `ctx.server` (cross-node: a cluster's nodes). */
export interface LadderTarget {
  /** Label of log lines (default: the system's name). */
  readonly label?: string;
  /** ws addresses the subscriber workers spread over (default: the server's `ws`). */
  readonly ws?: readonly Endpoint[];
  /** Default: the server's `publish`. */
  readonly publish?: Endpoint;
  /** Process whose CPU the steps sample (default: the server's). */
  readonly serverPid?: number;
  /**
   * Before the warm-up, publish probes until one reaches every subscriber (a cluster sets up
   * its routes after the subscription acks).
   */
  readonly awaitRoutes?: boolean;
  /**
   * Bisect towards capacity and measure at half of it (default true). Cross-node turns it off:
   * its figures are read against the standalone run's steps at the same rates.
   */
  readonly refine?: boolean;
  /** Bisection steps towards capacity (default `--refine-steps`). */
  readonly refineSteps?: number;
  /** Steps at half of capacity whose median p99 is reported (default 1). */
  readonly halfRuns?: number;
  /** Wraps every measured step, e.g. to read server counters before and after it. */
  readonly measure?: (run: () => Promise<StepResult>) => Promise<StepResult>;
  /** Deliveries owed for publisher positions [from, to) (see StepOptions.expected). */
  readonly expected?: (from: number, to: number) => number;
  /**
   * Called once the pool has connected (or given up), with the window of the connect phase;
   * false skips every step (the connect phase was the measurement, e.g. a target not reached).
   */
  readonly afterConnect?: (pool: SubscriberPool, setup: Window) => Promise<boolean>;
  /**
   * Called as the pool starts connecting; the function it returns is called when the connect
   * phase ends (e.g. to sample the server while connections come in).
   */
  readonly duringConnect?: (pool: SubscriberPool) => () => void;
  /** Seconds of each step at half of capacity (default `--step-seconds`). */
  readonly halfSeconds?: number;
  /** Seconds of the unmeasured warm-up at the first rate (default 1). */
  readonly warmupSeconds?: number;
  /**
   * Runs after the ladder while its subscribers and publisher are still up, with a function
   * that measures one more step at any rate (kept out of the ladder's steps), e.g. to alternate
   * with another ladder's steps at equal rates (cross-node against standalone).
   */
  readonly after?: (stepAt: StepAt, ladder: readonly StepResult[]) => Promise<void>;
}

/** Measures one step at `rate` on an open ladder; `why` labels its log line. */
export type StepAt = (rate: number, why: string) => Promise<StepResult>;

export async function runLadder(
  ctx: ScenarioContext,
  poolOpts: LadderPool,
  rates: readonly number[],
  target: LadderTarget = {},
): Promise<ScenarioResult> {
  const { args, server, log } = ctx;
  const name = target.label ?? ctx.system.name;
  const targets = target.ws ?? [server.endpoint('ws')];
  const pub = target.publish ?? server.endpoint('publish');
  const measure = target.measure ?? ((run: () => Promise<StepResult>) => run());
  const pool = new SubscriberPool({
    ...poolOpts,
    dialect: ctx.system.dialect,
    host: targets[0]?.host ?? '127.0.0.1',
    port: targets[0]?.port ?? 0,
    targets,
  });
  const steps: StepResult[] = [];
  let publisher: Publisher | null = null;
  try {
    const setup = pool.openWindow();
    const t0 = performance.now();
    const connectEnded = target.duringConnect?.(pool);
    try {
      await pool.start();
      await pool.flush();
    } finally {
      connectEnded?.();
    }
    pool.closeWindow(setup);
    const g = pool.gauges();
    const connectSeconds = (performance.now() - t0) / 1000;
    const wanted = pool.subscriptionsTotal();
    log(
      `[${name}] ${g.acked}/${wanted} subscriptions on ${poolOpts.subscribers} connections in ${connectSeconds.toFixed(1)} s (closed ${g.closed})`,
    );
    if (target.afterConnect !== undefined && !(await target.afterConnect(pool, setup)))
      return { steps, capacity: null, halfCapacity: null, metrics: {}, notes: {} };
    if (g.acked === 0)
      throw new Error(
        `no subscription acknowledged; close reasons: ${JSON.stringify(g.closeReasons)}`,
      );
    publisher = await Publisher.connect({ host: pub.host, port: pub.port, ackEvery: 1000 });
    const routesSeconds = target.awaitRoutes ? await awaitRoutes(pool, publisher, g.acked) : null;
    if (routesSeconds !== null)
      log(
        Number.isFinite(routesSeconds)
          ? `[${name}] a probe publish reached all ${g.acked} subscribers after ${routesSeconds.toFixed(1)} s`
          : `[${name}] probes did not reach every subscriber within ${ROUTES_TIMEOUT_MS / 1000} s; measuring anyway`,
      );
    // Warm-up, not measured: JIT and first-touch allocation otherwise land in the first step.
    await publisher.run(pool.topics(), rates[0] ?? 100, target.warmupSeconds ?? WARMUP_SECONDS);
    await sleep(500);
    const p = publisher;
    const stepAt = async (
      rate: number,
      why: string,
      seconds = args.stepSeconds,
    ): Promise<StepResult> => {
      const step = await measure(() =>
        runStep(pool, p, {
          label: `${name} ${rate}/s`,
          rate,
          seconds,
          serverPid: target.serverPid ?? server.pid,
          log,
          ...(target.expected === undefined ? {} : { expected: target.expected }),
        }),
      );
      log(
        `[${name} ${rate}/s] ${why}: delivered ${(step.deliveredRatio * 100).toFixed(1)}%, ` +
          `${step.deliveriesPerSec}/s, p50 ${step.latencyMs.p50} ms, p99 ${step.latencyMs.p99} ms, gaps ${step.gaps}`,
      );
      if (p.closedReason !== null) throw new Error(p.closedReason);
      return step;
    };
    const settle = async (): Promise<void> => {
      const w = pool.openWindow();
      await drain(pool, w, SETTLE_MS, SETTLE_QUIET_MS);
      pool.closeWindow(w);
    };
    const runAt = async (
      rate: number,
      why: string,
      seconds = args.stepSeconds,
    ): Promise<StepResult> => {
      const step = await stepAt(rate, why, seconds);
      steps.push(step);
      return step;
    };
    /** A ladder or refine step, run once more when it fails by a little (`borderline`). */
    const probe = async (rate: number, why: string): Promise<void> => {
      if (!borderline(await runAt(rate, why))) return;
      await settle();
      await runAt(rate, `${why} again`);
    };
    for (const [i, rate] of rates.entries()) {
      await probe(rate, 'step');
      if (shouldStop(steps, CAPACITY, rates[i + 1])) {
        log(`[${name}] past capacity; skipping higher rates`);
        break;
      }
    }
    // The ladder knows capacity only to within its step: bisect towards the first failing rate.
    const refine = target.refine ?? true;
    for (let i = 0; refine && i < (target.refineSteps ?? args.refineSteps); i++) {
      const rate = refineRate(steps);
      if (rate === null) break;
      await settle();
      await probe(rate, 'refine');
    }
    // The latency target is stated at half of capacity: measure that rate itself, `halfRuns`
    // times (a step already run at that rate counts), and keep the median run.
    const cap = capacityOf(steps);
    let half: HalfCapacity | null = null;
    if (refine && cap.rate !== null) {
      const rate = halfRate(cap.rate);
      // A step of its own length does not count: a ladder step at that rate is a shorter run.
      const runs =
        target.halfSeconds === undefined ? steps.filter((s) => s.offeredRate === rate) : [];
      while (runs.length < (target.halfRuns ?? 1)) {
        await settle();
        runs.push(await runAt(rate, 'half capacity', target.halfSeconds));
      }
      half = halfCapacityOf(rate, runs);
    }
    if (target.after !== undefined) {
      await settle();
      await target.after((rate, why) => stepAt(rate, why), [...steps]);
    }
    steps.sort((a, b) => a.offeredRate - b.offeredRate);
    const end = pool.gauges();
    return {
      steps,
      capacity: cap,
      halfCapacity: half,
      metrics: {},
      notes: {
        subscribed: g.acked,
        connectSeconds: Math.round(connectSeconds * 100) / 100,
        connectP99Ms: Math.round(setup.connectMs.percentile(0.99) * 100) / 100 || null,
        ...(routesSeconds === null
          ? {}
          : { routesSeconds: Number.isFinite(routesSeconds) ? round2(routesSeconds) : null }),
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

/**
 * Publishes a few probe events at a time until one batch reaches `subscribers` deliveries per
 * event; returns the seconds it took, or Infinity when it never did within the timeout.
 */
async function awaitRoutes(
  pool: SubscriberPool,
  publisher: Publisher,
  subscribers: number,
): Promise<number> {
  const t0 = performance.now();
  const perEvent = subscribers / pool.topics().length;
  while (performance.now() - t0 < ROUTES_TIMEOUT_MS) {
    await pool.flush();
    const w = pool.openWindow();
    const r = await publisher.run(pool.topics(), 20, 0.25);
    await sleep(250);
    await pool.flush();
    pool.closeWindow(w);
    if (r.sent > 0 && w.events >= r.sent * perEvent) return (performance.now() - t0) / 1000;
    if (publisher.closedReason !== null) throw new Error(publisher.closedReason);
  }
  return Infinity;
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
