import pino from 'pino';
import { Counter, Gauge, Registry } from 'prom-client';
import type { MetricsJson } from '../server/metrics';
import { NodeMetrics, type NodeMetricsOptions } from './node-metrics';
import type { WorkerSlot } from './worker-pool';
import { WorkerTopic } from './worker-protocol';

type FakePool = NodeMetricsOptions['pool'];
/** What a fake worker does when asked for its metrics. */
type Behaviour = MetricsJson | 'hang' | 'crash' | 'garbage';

const TIMEOUT_MS = 100;

/** A registry holding `troupe_connections` and `troupe_events_out_total`. */
function registry(connections: number, eventsOut: number): Registry {
  const reg = new Registry();
  new Gauge({ name: 'troupe_connections', help: 'c', registers: [reg] }).set(connections);
  new Counter({ name: 'troupe_events_out_total', help: 'e', registers: [reg] }).inc(eventsOut);
  return reg;
}

/** Workers answering as the real ones do over comedy, with the pool's ask timeout. */
function fakePool(workers: Behaviour[]): FakePool {
  const slots: WorkerSlot[] = workers.map((_, index) => ({
    index,
    actor: { name: `worker-${index}` },
    pid: 1000 + index,
    up: true,
    respawns: 0,
  }));
  const ask = (index: number, topic: string, _payload: object, timeoutMs = 2_000) => {
    expect(topic).toBe(WorkerTopic.LocalMetrics);
    const w = workers[index]!;
    if (w === 'crash') return Promise.reject(new Error('Actor crashed'));
    if (w === 'garbage') return Promise.resolve({ nope: true });
    if (w === 'hang')
      return new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), timeoutMs));
    return Promise.resolve(JSON.parse(JSON.stringify(w)) as MetricsJson);
  };
  return { slots, ask: ask as FakePool['ask'] };
}

const value = (text: string, name: string): number | undefined => {
  const m = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
  return m === null ? undefined : Number(m[1]);
};

function nodeMetrics(workers: Behaviour[], main?: Registry): NodeMetrics {
  return new NodeMetrics({
    main,
    pool: fakePool(workers),
    log: pino({ level: 'silent' }),
    timeoutMs: TIMEOUT_MS,
  });
}

const json = (reg: Registry): Promise<MetricsJson> => reg.getMetricsAsJSON();

describe('NodeMetrics', () => {
  it("sums every worker's registry with the main's", async () => {
    const metrics = nodeMetrics(
      [await json(registry(3, 10)), await json(registry(4, 20))],
      registry(0, 5),
    );
    const text = await metrics.text();
    expect(value(text, 'troupe_connections')).toBe(7);
    expect(value(text, 'troupe_events_out_total')).toBe(35);
    expect(value(text, 'troupe_workers')).toBe(2);
    expect(value(text, 'troupe_workers_answering')).toBe(2);
    expect(value(text, 'troupe_workers_scrape_failures_total')).toBe(0);
  });

  it('merges the workers alone when the main has no registry (a gateway node)', async () => {
    const metrics = nodeMetrics([await json(registry(1, 1)), await json(registry(2, 2))]);
    const text = await metrics.text();
    expect(value(text, 'troupe_connections')).toBe(3);
    expect(value(text, 'troupe_events_out_total')).toBe(3);
  });

  it('leaves out a worker that does not answer in time, counts it, and waits no longer', async () => {
    const metrics = nodeMetrics([await json(registry(3, 10)), 'hang'], registry(0, 0));
    const started = Date.now();
    const text = await metrics.text();
    expect(Date.now() - started).toBeLessThan(TIMEOUT_MS + 500);
    expect(value(text, 'troupe_connections')).toBe(3);
    expect(value(text, 'troupe_workers')).toBe(2);
    expect(value(text, 'troupe_workers_answering')).toBe(1);
    expect(value(text, 'troupe_workers_scrape_failures_total')).toBe(1);
    // The failure counter is cumulative over scrapes.
    expect(value(await metrics.text(), 'troupe_workers_scrape_failures_total')).toBe(2);
  });

  it('leaves out a crashed worker and an answer that is not a metrics list', async () => {
    const metrics = nodeMetrics(['crash', 'garbage', await json(registry(2, 0))]);
    const text = await metrics.text();
    expect(value(text, 'troupe_connections')).toBe(2);
    expect(value(text, 'troupe_workers')).toBe(3);
    expect(value(text, 'troupe_workers_answering')).toBe(1);
    expect(value(text, 'troupe_workers_scrape_failures_total')).toBe(2);
  });
});
