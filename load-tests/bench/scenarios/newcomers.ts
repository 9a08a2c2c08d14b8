/**
 * newcomers (PROTOCOL.md §12), troupe only: what history for late joiners costs.
 *
 * 1. 1,000 events of about 200 bytes are published to one topic (HTTP, 16 at a time).
 * 2. For each of `sub` without history, `last: 100` and `last: 1000`: NEWCOMERS JSON clients
 *    (CONCURRENCY at a time) connect and subscribe; each is timed from its `sub` to its `ack`
 *    (no history) or to the newest replayed event. Reports joins/s and p50/p99.
 * 3. NEWCOMERS `GET /v1/history?limit=100` (CONCURRENCY at a time): requests/s and p50/p99.
 *
 * The clients run in the bench process: the figures include the client's own JSON parsing and
 * compare the three kinds of join with each other, not with another system.
 */
import WebSocket from 'ws';
import { LatencyHistogram } from '../../generator/latency-histogram';
import type { Endpoint } from '../server-process';
import type { Scenario } from './scenario';

const TOPIC = 'newcomers.hist';
const HELD = 1000;
const NEWCOMERS = 500;
const CONCURRENCY = 32;
const TIMEOUT_MS = 10_000;
const PAYLOAD = { user: 'someone', text: 'x'.repeat(160), likes: 3 };

type Msg = Record<string, unknown>;

/** Runs `job` `n` times, `width` at a time; each run's ms go into the histogram. */
async function timed(
  n: number,
  width: number,
  job: () => Promise<number>,
): Promise<{ hist: LatencyHistogram; seconds: number }> {
  const hist = new LatencyHistogram();
  let next = 0;
  const start = performance.now();
  const lane = async (): Promise<void> => {
    while (next++ < n) hist.record(await job());
  };
  await Promise.all(Array.from({ length: width }, lane));
  return { hist, seconds: (performance.now() - start) / 1000 };
}

async function publishAll(http: string): Promise<void> {
  await timed(HELD, 16, async () => {
    const res = await fetch(`${http}/v1/publish`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ topic: TOPIC, data: PAYLOAD }),
    });
    if (res.status !== 200) throw new Error(`publish answered ${res.status}`);
    return 0;
  });
}

/** One newcomer: ms from its `sub` to the ack (no `last`) or to the newest replayed event. */
function join(ws: Endpoint, last: number | undefined): Promise<number> {
  const sock = new WebSocket(`ws://${ws.host}:${ws.port}/v1/ws`, ['troupe.v1.json']);
  return new Promise<number>((resolve, reject) => {
    let sentAt = 0;
    const timer = setTimeout(() => done(new Error('newcomer timed out')), TIMEOUT_MS);
    const done = (e: Error | null, ms = 0): void => {
      clearTimeout(timer);
      sock.close();
      if (e === null) resolve(ms);
      else reject(e);
    };
    sock.once('error', (e) => done(e));
    sock.once('open', () => {
      sentAt = performance.now();
      sock.send(JSON.stringify({ op: 'sub', id: 1, topic: TOPIC, ...(last ? { last } : {}) }));
    });
    sock.on('message', (data: Buffer) => {
      const v = JSON.parse(data.toString()) as Msg | Msg[];
      for (const m of Array.isArray(v) ? v : [v]) {
        const end = last === undefined ? m.op === 'ack' : m.op === 'ev' && m.seq === HELD;
        if (end) done(null, performance.now() - sentAt);
        if (m.op === 'err') done(new Error(`err ${String(m.msg)}`));
      }
    });
  });
}

async function read(http: string): Promise<number> {
  const start = performance.now();
  const res = await fetch(`${http}/v1/history?topic=${TOPIC}&limit=100`);
  const body = (await res.json()) as { events?: unknown[] };
  if (res.status !== 200 || body.events?.length !== 100) {
    throw new Error(`history answered ${res.status}`);
  }
  return performance.now() - start;
}

const round = (v: number): number => Math.round(v * 100) / 100;

export const newcomers: Scenario = {
  name: 'newcomers',
  needs: ['ws'],
  skip: (system) => (system.kind === 'troupe' ? null : 'no history for newcomers in this baseline'),
  async run(ctx) {
    const ws = ctx.server.endpoint('ws');
    const http = `http://${ws.host}:${ws.port}`;
    await publishAll(http);
    const metrics: Record<string, number | null> = {};
    const kinds: [string, number | undefined][] = [
      ['plain', undefined],
      ['last100', 100],
      ['last1000', 1000],
    ];
    for (const [name, last] of kinds) {
      const { hist, seconds } = await timed(NEWCOMERS, CONCURRENCY, () => join(ws, last));
      metrics[`${name}JoinsPerSec`] = Math.round(NEWCOMERS / seconds);
      metrics[`${name}P50Ms`] = round(hist.percentile(0.5));
      metrics[`${name}P99Ms`] = round(hist.percentile(0.99));
      ctx.log(
        `[troupe newcomers] sub ${last === undefined ? 'without history' : `last: ${last}`}: ` +
          `${metrics[`${name}JoinsPerSec`]} joins/s, p50 ${metrics[`${name}P50Ms`]} ms ` +
          `p99 ${metrics[`${name}P99Ms`]} ms`,
      );
    }
    const { hist, seconds } = await timed(NEWCOMERS, CONCURRENCY, () => read(http));
    metrics.httpReadsPerSec = Math.round(NEWCOMERS / seconds);
    metrics.httpP50Ms = round(hist.percentile(0.5));
    metrics.httpP99Ms = round(hist.percentile(0.99));
    ctx.log(
      `[troupe newcomers] GET /v1/history limit=100: ${metrics.httpReadsPerSec} reads/s, ` +
        `p50 ${metrics.httpP50Ms} ms p99 ${metrics.httpP99Ms} ms`,
    );
    return {
      steps: [],
      capacity: null,
      metrics,
      notes: { held: HELD, newcomers: NEWCOMERS, concurrency: CONCURRENCY, eventBytes: 200 },
    };
  },
};
