/**
 * viewer-counts (PROTOCOL.md §8), troupe only, on the server's default `--count-interval-ms`
 * (1 s):
 *
 * 1. Churn: one watching client subscribes to a topic with `count: true`; `--subs` subscribers
 *    of that topic join (as fast as the server takes them), then all leave. Reports the count
 *    messages the watcher received, the smallest gap between two of them (conflation: at most
 *    one per interval, so it should not fall much below the interval), the most seen within any
 *    one interval-long window, and whether the last count is the truth (1: the watcher alone).
 * 2. Fan-out with counts off, then on, in the same run: the hot-topic ladder twice on one topic
 *    of `--subs` subscribers, while a churner joins and leaves one more subscriber every
 *    CHURN_MS (so the count changes every interval); in the `on` run every subscriber asked
 *    for the count, so each also receives one count message per interval. Reports both
 *    capacities and their ratio (on / off), and the server's CPU per delivery at the highest
 *    rate both delivered (the capacity's p99 bound fails at every rate on a loaded machine).
 */
import WebSocket from 'ws';
import type { Endpoint } from '../server-process';
import { ratio } from '../summary';
import type { StepResult } from '../../generator/run-step';
import { runLadder } from './step-ladder';
import type { Scenario, ScenarioContext } from './scenario';
import { sleep, SubscriberPool } from '../../generator/subscriber-pool';

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

/** Joins and leaves one subscriber of `topic` every CHURN_MS until stopped. */
function churner(ws: Endpoint, topic: string): { stop(): Promise<void> } {
  let running = true;
  const loop = (async () => {
    while (running) {
      const c = await client(ws, topic, false).catch(() => undefined);
      await sleep(CHURN_MS);
      c?.close();
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
    },
  };
}

interface FanOut {
  readonly capacity: number | null;
  readonly steps: readonly StepResult[];
}

/**
 * Server CPU-µs per delivery at the highest rate both runs delivered (>= 95%) at: on a shared
 * machine the p99 bound of capacity may fail at every rate, the cost per delivery still reads.
 */
export function costAtCommonRate(
  off: readonly StepResult[],
  on: readonly StepResult[],
): { rate: number; offUs: number; onUs: number } | null {
  const cost = (s: StepResult): number | null =>
    s.serverCpuCores === null || s.deliveriesPerSec === 0
      ? null
      : Math.round((s.serverCpuCores / s.deliveriesPerSec) * 1e6 * 100) / 100;
  let best: { rate: number; offUs: number; onUs: number } | null = null;
  for (const a of off) {
    const b = on.find((x) => x.offeredRate === a.offeredRate);
    if (b === undefined || a.deliveredRatio < 0.95 || b.deliveredRatio < 0.95) continue;
    const [offUs, onUs] = [cost(a), cost(b)];
    if (offUs === null || onUs === null) continue;
    if (best === null || a.offeredRate > best.rate) best = { rate: a.offeredRate, offUs, onUs };
  }
  return best;
}

async function fanOut(ctx: ScenarioContext, count: boolean): Promise<FanOut> {
  const topic = `counts:hot-${count ? 'on' : 'off'}`;
  const ch = churner(ctx.server.endpoint('ws'), `${topic}0`);
  try {
    const r = await runLadder(
      ctx,
      {
        subscribers: ctx.args.subs,
        topicPrefix: topic,
        topicCount: 1,
        workers: ctx.args.workers,
        sampleEvery: ctx.args.sampleEvery,
        count,
      },
      ctx.args.rates,
      { label: `troupe counts ${count ? 'on' : 'off'}` },
    );
    return { capacity: r.capacity?.deliveriesPerSec ?? null, steps: r.steps };
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
    const off = await fanOut(ctx, false);
    const on = await fanOut(ctx, true);
    const onOverOff = ratio(on.capacity, off.capacity);
    const cost = costAtCommonRate(off.steps, on.steps);
    ctx.log(
      `[troupe viewer-counts] hot-topic capacity, counts off ${off.capacity ?? '-'} vs on ` +
        `${on.capacity ?? '-'} deliveries/s = ${onOverOff ?? '-'}x; server CPU per delivery at ` +
        (cost === null
          ? 'no common rate'
          : `${cost.rate}/s: off ${cost.offUs} µs, on ${cost.onUs} µs = ${ratio(cost.onUs, cost.offUs)}x`),
    );
    return {
      steps: [...off.steps, ...on.steps],
      capacity: null,
      metrics: {
        ...churned,
        offDeliveriesPerSec: off.capacity,
        onDeliveriesPerSec: on.capacity,
        onOverOff,
        costRate: cost?.rate ?? null,
        offCpuUsPerDelivery: cost?.offUs ?? null,
        onCpuUsPerDelivery: cost?.onUs ?? null,
      },
      notes: { intervalMs: INTERVAL_MS, churnMs: CHURN_MS },
    };
  },
};
