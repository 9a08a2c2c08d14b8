/**
 * viewer-counts (PROTOCOL.md §8), troupe only, on the server's default `--count-interval-ms`
 * (1 s):
 *
 * 1. Churn: one watching client subscribes to a topic with `count: true`; `--subs` subscribers
 *    of that topic join (as fast as the server takes them), then all leave. Reports the count
 *    messages the watcher received, the smallest gap between two of them (conflation: at most
 *    one per interval, so it should not fall much below the interval), the most seen within any
 *    one interval-long window, and whether the last count is the truth (1: the watcher alone).
 * 2. Fan-out with counts off, then on, in the same run (issue 14 part 4): the hot-topic ladder
 *    with counts on, on its own topic of `--subs` subscribers, while a churner joins and leaves
 *    one more subscriber of the measured topic every CHURN_MS (so the count changes every
 *    interval); every subscriber asked for the count, so each also receives one count message
 *    per interval. Counts off is a ladder of its own, just before, with the same churner: a
 *    hot-topic ladder of the same run but another minute, without the churner, moved the ratio
 *    from 1.0x to 2.0x between two runs (RESULTS.md, "viewer-counts runs both ladders"). That
 *    second set of subscribers with counts off stays up beside the first, and `--cost-runs`
 *    steps of each then alternate at one rate
 *    (countsCostRate). Reports both capacities and their ratio
 *    (on / off), and the server's CPU per delivery of the alternated steps, on / off: a ladder
 *    step is 1.5-2x the one below it, far coarser than the 5% the counts may cost.
 */
import WebSocket from 'ws';
import type { StepResult } from '../../generator/run-step';
import { sleep, SubscriberPool } from '../../generator/subscriber-pool';
import { capacityOf, halfRate, ratio, type Capacity, type StepLike } from '../capacity';
import { alternateSteps, pairAtRate, stepBrief, type PairAtRate } from '../paired-steps';
import type { Endpoint } from '../server-process';
import type { Scenario, ScenarioContext, ScenarioResult } from './scenario';
import { runLadder, type LadderTarget } from './step-ladder';

/** The server's --count-interval-ms (its default: the bench starts troupe without the flag). */
const INTERVAL_MS = 1000;
const CHURN_MS = 100;
const JSON_PROTOCOL = 'troupe.v1.json';

interface CountSeen {
  readonly at: number;
  readonly n: number;
}

/** A JSON client that subscribes to `topic` (with `count` if asked) and records its counts. */
async function client(
  ws: Endpoint,
  topic: string,
  count: boolean,
): Promise<{
  seen: CountSeen[];
  ack: Promise<Record<string, unknown>>;
  close(): void;
}> {
  const sock = new WebSocket(`ws://${ws.host}:${ws.port}/v1/ws`, [JSON_PROTOCOL]);
  const seen: CountSeen[] = [];
  let acked!: (m: Record<string, unknown>) => void;
  const ack = new Promise<Record<string, unknown>>((r) => (acked = r));
  sock.on('message', (data: Buffer) => {
    const v = JSON.parse(data.toString()) as Record<string, unknown> | Record<string, unknown>[];
    for (const m of Array.isArray(v) ? v : [v]) {
      if (m.op === 'count') seen.push({ at: performance.now(), n: m.n as number });
      else if (m.op === 'ack') acked(m);
    }
  });
  await new Promise<void>((resolve, reject) => {
    sock.once('open', () => resolve());
    sock.once('error', reject);
  });
  sock.send(JSON.stringify({ op: 'sub', id: 1, topic, ...(count ? { count: true } : {}) }));
  return { seen, ack, close: () => sock.close() };
}

/** The most counts within any window of `windowMs` starting at one of them. */
export function maxInWindow(at: readonly number[], windowMs: number): number {
  let best = 0;
  for (let i = 0, j = 0; i < at.length; i++) {
    while (at[i]! - at[j]! >= windowMs) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

export function minGap(at: readonly number[]): number | null {
  let gap: number | null = null;
  for (let i = 1; i < at.length; i++) gap = Math.min(gap ?? Infinity, at[i]! - at[i - 1]!);
  return gap === null ? null : Math.round(gap);
}

async function churn(ctx: ScenarioContext): Promise<Record<string, number | null>> {
  const ws = ctx.server.endpoint('ws');
  const topic = 'counts:churn';
  // The pool's subscribers take topic `<prefix>0`.
  const watcher = await client(ws, `${topic}0`, true);
  await watcher.ack;
  const t0 = performance.now();
  const pool = new SubscriberPool({
    host: ws.host,
    port: ws.port,
    subscribers: ctx.args.subs,
    topicPrefix: topic,
    workers: ctx.args.workers,
  });
  await pool.start();
  const joinedMs = Math.round(performance.now() - t0);
  await sleep(2 * INTERVAL_MS + 500);
  const peak = watcher.seen.at(-1)?.n ?? null;
  await pool.stop();
  await sleep(2 * INTERVAL_MS + 500);
  const at = watcher.seen.map((s) => s.at);
  const durationMs = performance.now() - t0;
  watcher.close();
  const metrics = {
    subscribers: ctx.args.subs,
    joinedMs,
    countMessages: watcher.seen.length,
    intervals: Math.round(durationMs / INTERVAL_MS),
    // Timers and turns jitter by some ms: a window 10% short of the interval still holds one.
    maxPerInterval: maxInWindow(at, INTERVAL_MS * 0.9),
    minGapMs: minGap(at),
    peakCount: peak,
    finalCount: watcher.seen.at(-1)?.n ?? null,
  };
  ctx.log(
    `[troupe viewer-counts] churn: ${metrics.subscribers} joined (${joinedMs} ms) and left; watcher got ` +
      `${metrics.countMessages} count messages in ${metrics.intervals} intervals, at most ` +
      `${metrics.maxPerInterval} per interval (smallest gap ${metrics.minGapMs} ms), ` +
      `peak n ${peak}, last n ${metrics.finalCount} (truth: 1)`,
  );
  return metrics;
}

/**
 * Joins and leaves one subscriber every CHURN_MS until stopped, on whichever topic `topic`
 * names at the time (the topic of the step being measured, so a counts-off step never pays for
 * the counts-on topic's changes).
 */
function churner(ws: Endpoint): { topic: string; stop(): Promise<void> } {
  let running = true;
  const state = {
    topic: '',
    stop: async () => {
      running = false;
      await loop;
    },
  };
  const loop = (async () => {
    while (running) {
      const c =
        state.topic === ''
          ? undefined
          : await client(ws, state.topic, false).catch(() => undefined);
      await sleep(CHURN_MS);
      c?.close();
    }
  })();
  return state;
}

/**
 * The rate of the alternated on/off steps: half of the counts-off capacity, below saturation so
 * CPU per delivery reads work rather than contention; without a capacity (the p99 bound fails
 * at every rate on a loaded machine) the highest rate both ladders delivered (>= 95%) at.
 */
export function countsCostRate(off: readonly StepLike[], on: readonly StepLike[]): number | null {
  const cap = capacityOf(off).rate;
  if (cap !== null) return halfRate(cap);
  let best: number | null = null;
  for (const a of off) {
    const b = on.find((x) => x.offeredRate === a.offeredRate);
    if (b === undefined || a.deliveredRatio < 0.95 || b.deliveredRatio < 0.95) continue;
    if (best === null || a.offeredRate > best) best = a.offeredRate;
  }
  return best;
}

/** The counts' headline figures: capacity on/off, and the alternated steps' CPU per delivery. */
export interface CountsCost {
  readonly offCapacity: Capacity;
  readonly onCapacity: Capacity;
  /** Deliveries/s at capacity, on / off. */
  readonly capacityRatio: number | null;
  readonly pair: PairAtRate | null;
  /** The alternated steps, in run order per side. */
  readonly alternated: { readonly off: readonly StepResult[]; readonly on: readonly StepResult[] };
}

export function countsCostMetrics(c: CountsCost): Record<string, number | null> {
  return {
    offCapacityRate: c.offCapacity.rate,
    onCapacityRate: c.onCapacity.rate,
    offDeliveriesPerSec: c.offCapacity.deliveriesPerSec,
    onDeliveriesPerSec: c.onCapacity.deliveriesPerSec,
    onOverOff: c.capacityRatio,
    costRate: c.pair?.rate ?? null,
    costRuns: c.pair?.runs ?? null,
    offCpuUsPerDelivery: c.pair?.a.cpuUsPerDelivery ?? null,
    onCpuUsPerDelivery: c.pair?.b.cpuUsPerDelivery ?? null,
    cpuPerDeliveryRatio: c.pair?.cpuPerDeliveryRatio ?? null,
    offP99Ms: c.pair?.a.p99Ms ?? null,
    onP99Ms: c.pair?.b.p99Ms ?? null,
  };
}

/**
 * Subscribers with counts off and their ladder, then (those still up) the ladder with counts on, then `--cost-runs` steps of each alternated at one
 * rate: capacities and CPU per delivery side by side.
 */
async function fanOut(ctx: ScenarioContext): Promise<{ cost: CountsCost; steps: StepResult[] }> {
  const ws = ctx.server.endpoint('ws');
  const ch = churner(ws);
  const topic = (count: boolean): string => `counts:hot-${count ? 'on' : 'off'}`;
  const ladder = (count: boolean, rates: readonly number[], after: LadderTarget['after']) =>
    runLadder(
      ctx,
      {
        subscribers: ctx.args.subs,
        topicPrefix: topic(count),
        topicCount: 1,
        workers: ctx.args.workers,
        sampleEvery: ctx.args.sampleEvery,
        count,
      },
      rates,
      {
        label: `troupe counts ${count ? 'on' : 'off'}`,
        // The capacity is refined (not in --quick: its ratio is one borderline step either
        // way, and quick's budget has no room for two more steps per ladder); the
        // half-capacity step is left out (not a target here).
        halfRuns: 0,
        refineSteps: ctx.args.quick ? 0 : undefined,
        // The pool's subscribers take topic `<prefix>0`.
        measure: (run) => {
          ch.topic = `${topic(count)}0`;
          return run();
        },
        after,
      },
    );
  // Set inside the ladders' `after` hooks.
  const got: {
    on: ScenarioResult | null;
    pair: PairAtRate | null;
    alternated: CountsCost['alternated'];
  } = { on: null, pair: null, alternated: { off: [], on: [] } };
  try {
    const off = await ladder(false, ctx.args.rates, async (offAt, offSteps) => {
      got.on = await ladder(true, ctx.args.rates, async (onAt, onSteps) => {
        const rate = countsCostRate(offSteps, onSteps);
        if (rate === null) return;
        const s = await alternateSteps(offAt, onAt, [rate], ctx.args.costRuns);
        got.pair = pairAtRate(rate, s.a, s.b);
        got.alternated = { off: s.a, on: s.b };
      });
    });
    const onSteps = got.on?.steps ?? [];
    const offCapacity = capacityOf(off.steps);
    const onCapacity = capacityOf(onSteps);
    return {
      cost: {
        offCapacity,
        onCapacity,
        capacityRatio: ratio(onCapacity.deliveriesPerSec, offCapacity.deliveriesPerSec),
        pair: got.pair,
        alternated: got.alternated,
      },
      steps: [...off.steps, ...onSteps],
    };
  } finally {
    await ch.stop();
  }
}

export const viewerCounts: Scenario = {
  name: 'viewer-counts',
  needs: ['ws', 'publish'],
  skip: (system) => (system.kind === 'troupe' ? null : 'no viewer counts in this baseline'),
  async run(ctx) {
    const churned = await churn(ctx);
    const { cost, steps } = await fanOut(ctx);
    const p = cost.pair;
    ctx.log(
      `[troupe viewer-counts] hot-topic capacity, counts off ${cost.offCapacity.deliveriesPerSec ?? '-'} vs on ` +
        `${cost.onCapacity.deliveriesPerSec ?? '-'} deliveries/s = ${cost.capacityRatio ?? '-'}x; server CPU per delivery ` +
        (p === null
          ? 'not measured (no rate both delivered)'
          : `at ${p.rate}/s (median of ${p.runs} alternated steps each): off ${p.a.cpuUsPerDelivery ?? '-'} µs, ` +
            `on ${p.b.cpuUsPerDelivery ?? '-'} µs = ${p.cpuPerDeliveryRatio ?? '-'}x`),
    );
    return {
      steps,
      capacity: null,
      metrics: { ...churned, ...countsCostMetrics(cost) },
      notes: {
        intervalMs: INTERVAL_MS,
        churnMs: CHURN_MS,
        costRuns: ctx.args.costRuns,
        offSource: 'own ladder, churner on',
        alternated: {
          off: cost.alternated.off.map(stepBrief),
          on: cost.alternated.on.map(stepBrief),
        },
      },
    };
  },
};
