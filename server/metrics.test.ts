import type { Registry } from 'prom-client';
import type { ActorSystem, ActorSystemStats } from '../actors';
import { newClusterStats, type ClusterStats } from '../dispatcher/cluster-router';
import { newDispatcherStats, type DispatcherStats } from '../dispatcher/dispatcher-actor';
import { newLinkStats } from '../dispatcher/link';
import { newGatewayStats, type GatewayStats } from '../gateway/gateway-stats';
import { families, samples, STANDARD_PROCESS_METRICS } from '../testing/exposition';
import { createMetrics, mergeMetrics, type MetricsJson, type MetricSources } from './metrics';

const SYSTEM_METRICS = [
  'troupe_actors',
  'troupe_mailbox_depth',
  'troupe_actor_restarts_total',
  'troupe_dead_letters_total',
];
const GATEWAY_METRICS = [
  'troupe_connections',
  'troupe_subscriptions',
  'troupe_gateway_events_in_total',
  'troupe_events_out_total',
  'troupe_frames_out_total',
  'troupe_bad_input_total',
  'troupe_disconnects_total',
  'troupe_drops_total',
  'troupe_publish_to_send_seconds',
  'troupe_route_seconds',
];
const DISPATCHER_METRICS = [
  'troupe_topics',
  'troupe_publishers',
  'troupe_events_in_total',
  'troupe_events_routed_total',
  'troupe_publisher_bad_input_total',
  'troupe_history_bytes',
  'troupe_history_events',
  'troupe_history_evictions_total',
];
const CLUSTER_METRICS = [
  'troupe_forwarded_total',
  'troupe_xdc_out_total',
  'troupe_xdc_in_total',
  'troupe_ownership_changes_total',
  'troupe_cluster_links_refused_total',
];
const LINK_METRICS = [
  'troupe_links_up',
  'troupe_link_reconnects_total',
  'troupe_link_auth_failures_total',
  'troupe_link_refused_total',
  'troupe_link_protocol_drops_total',
  'troupe_link_frames_in_total',
  'troupe_link_frames_out_total',
  'troupe_link_dropped_sends_total',
];

/** An ActorSystem stand-in: createMetrics only reads `stats()`. */
function fakeSystem(): { system: ActorSystem; stats: ActorSystemStats } {
  const stats: ActorSystemStats = {
    actors: 0,
    deadLetters: 0,
    processed: 0,
    restarts: 0,
    mailboxTotal: 0,
  };
  return { system: { stats: () => ({ ...stats }) } as unknown as ActorSystem, stats };
}

interface All {
  reg: Registry;
  sys: ActorSystemStats;
  g: GatewayStats;
  d: DispatcherStats;
  c: ClusterStats;
}

function everything(over: Partial<MetricSources> = {}): All {
  const { system, stats: sys } = fakeSystem();
  const g = newGatewayStats();
  const d = newDispatcherStats();
  const c = newClusterStats();
  const reg = createMetrics({ system, gateway: g, dispatcher: d, cluster: c, ...over });
  return { reg, sys, g, d, c };
}

/** Metric family names in the exposition text. */
async function names(reg: Registry): Promise<Set<string>> {
  return families(await reg.metrics());
}

const isProcessMetric = (n: string): boolean => n.startsWith('process_') || n.startsWith('nodejs_');

/** The unlabeled value of a counter or gauge, as a scrape reads it. */
async function value(reg: Registry, name: string): Promise<number | undefined> {
  const m = reg.getSingleMetric(name);
  if (m === undefined) throw new Error(`no metric ${name}`);
  const got = await m.get();
  return got.values.find((v) => Object.keys(v.labels).length === 0)?.value;
}

/** Label value -> value of a labeled counter, as a scrape reads it. */
async function byLabel(
  reg: Registry,
  name: string,
  label: string,
): Promise<Record<string, number>> {
  const got = await reg.getSingleMetric(name)!.get();
  return Object.fromEntries(got.values.map((v) => [String(v.labels[label]), v.value]));
}

/** Histogram series carry their sample name (`_bucket`, `_sum`, `_count`); the typings omit it. */
function sampleName(v: object): string | undefined {
  return (v as { metricName?: string }).metricName;
}

/** Count and sum of a histogram, as a scrape reads it. */
async function histogram(reg: Registry, name: string): Promise<{ count: number; sum: number }> {
  const got = await reg.getSingleMetric(name)!.get();
  const pick = (suffix: string): number =>
    got.values.find((v) => sampleName(v) === `${name}${suffix}`)?.value ?? NaN;
  return { count: pick('_count'), sum: pick('_sum') };
}

describe('createMetrics', () => {
  describe('#names', () => {
    it('registers every troupe_* metric of the sources given', async () => {
      const { reg } = everything({ links: newLinkStats() });
      const got = await names(reg);
      for (const name of [
        ...SYSTEM_METRICS,
        ...GATEWAY_METRICS,
        ...DISPATCHER_METRICS,
        ...CLUSTER_METRICS,
        ...LINK_METRICS,
      ]) {
        expect({ name, present: got.has(name) }).toEqual({ name, present: true });
      }
      for (const name of STANDARD_PROCESS_METRICS) expect(got).toContain(name);
      expect([...got].filter((n) => !n.startsWith('troupe_') && !isProcessMetric(n))).toEqual([]);
      expect([...got].filter((n) => n.startsWith('troupe_process'))).toEqual([]);
    });

    it('registers only the system metrics when no other source is given', async () => {
      const { system } = fakeSystem();
      const got = await names(createMetrics({ system }));
      const troupe = [...got].filter((n) => !isProcessMetric(n)).sort();
      expect(troupe).toEqual([...SYSTEM_METRICS].sort());
    });

    it('registers link metrics only when links are given', async () => {
      const without = await names(everything().reg);
      const withLinks = await names(everything({ links: newLinkStats() }).reg);
      expect(LINK_METRICS.filter((n) => without.has(n))).toEqual([]);
      expect(LINK_METRICS.filter((n) => withLinks.has(n))).toEqual(LINK_METRICS);
    });

    it('keeps registries of two nodes in one process apart', async () => {
      const a = everything();
      const b = everything();
      a.d.eventsIn = 4;
      b.d.eventsIn = 9;
      expect(await value(a.reg, 'troupe_events_in_total')).toBe(4);
      expect(await value(b.reg, 'troupe_events_in_total')).toBe(9);
    });
  });

  describe('#scrape', () => {
    it('mirrors counters to their current value at each scrape', async () => {
      const { reg, sys, g, d, c } = everything();
      sys.restarts = 2;
      g.eventsIn = 3;
      d.eventsRouted = 5;
      c.forwarded = 7;
      expect(await value(reg, 'troupe_actor_restarts_total')).toBe(2);
      expect(await value(reg, 'troupe_gateway_events_in_total')).toBe(3);
      expect(await value(reg, 'troupe_events_routed_total')).toBe(5);
      expect(await value(reg, 'troupe_forwarded_total')).toBe(7);
      sys.restarts = 10;
      g.eventsIn = 30;
      d.eventsRouted = 50;
      c.forwarded = 70;
      expect(await value(reg, 'troupe_actor_restarts_total')).toBe(10);
      expect(await value(reg, 'troupe_gateway_events_in_total')).toBe(30);
      expect(await value(reg, 'troupe_events_routed_total')).toBe(50);
      expect(await value(reg, 'troupe_forwarded_total')).toBe(70);
    });

    it('mirrors gauges to their current value, down as well as up', async () => {
      const { reg, sys, g, d } = everything();
      sys.actors = 12;
      g.connections = 8;
      d.topics = 3;
      expect(await value(reg, 'troupe_actors')).toBe(12);
      expect(await value(reg, 'troupe_connections')).toBe(8);
      expect(await value(reg, 'troupe_topics')).toBe(3);
      sys.actors = 4;
      g.connections = 1;
      d.topics = 0;
      expect(await value(reg, 'troupe_actors')).toBe(4);
      expect(await value(reg, 'troupe_connections')).toBe(1);
      expect(await value(reg, 'troupe_topics')).toBe(0);
    });

    it("mirrors the dispatcher's held history and its evictions", async () => {
      const { reg, d } = everything();
      d.historyBytes = 4096;
      d.historyEvents = 7;
      d.historyEvictions = 2;
      expect(await value(reg, 'troupe_history_bytes')).toBe(4096);
      expect(await value(reg, 'troupe_history_events')).toBe(7);
      expect(await value(reg, 'troupe_history_evictions_total')).toBe(2);
    });

    it('mirrors every cluster counter', async () => {
      const { reg, c } = everything();
      Object.assign(c, { forwarded: 1, xdcOut: 2, xdcIn: 3, ownershipChanges: 4, refusedLinks: 5 });
      expect(await Promise.all(CLUSTER_METRICS.map((n) => value(reg, n)))).toEqual([1, 2, 3, 4, 5]);
    });

    it('exports labeled counters with one series per key, as the table holds them now', async () => {
      const { reg, g, d } = everything();
      g.badInput = { 'bad-json': 2, 'too-large': 1 };
      g.disconnects = { 'slow-consumer': 3 };
      g.drops = { conflated: 5 };
      d.badInput = { unauthenticated: 6 };
      expect(await byLabel(reg, 'troupe_bad_input_total', 'kind')).toEqual({
        'bad-json': 2,
        'too-large': 1,
      });
      expect(await byLabel(reg, 'troupe_disconnects_total', 'reason')).toEqual({
        'slow-consumer': 3,
      });
      expect(await byLabel(reg, 'troupe_drops_total', 'reason')).toEqual({ conflated: 5 });
      expect(await byLabel(reg, 'troupe_publisher_bad_input_total', 'kind')).toEqual({
        unauthenticated: 6,
      });
      g.badInput['bad-json'] = 7;
      expect(await byLabel(reg, 'troupe_bad_input_total', 'kind')).toEqual({
        'bad-json': 7,
        'too-large': 1,
      });
    });

    it('drains publish-to-send samples into the histogram, in seconds, once each', async () => {
      const { reg, g } = everything();
      g.latencySamples.push(2, 20);
      expect(await histogram(reg, 'troupe_publish_to_send_seconds')).toEqual({
        count: 2,
        sum: expect.closeTo(0.022, 9),
      });
      expect(g.latencySamples).toEqual([]);
      expect((await histogram(reg, 'troupe_publish_to_send_seconds')).count).toBe(2);
      g.latencySamples.push(1);
      expect((await histogram(reg, 'troupe_publish_to_send_seconds')).count).toBe(3);
    });

    it('drains route samples into their histogram, in seconds', async () => {
      const { reg, g } = everything();
      g.routeSamples.push(0.4, 600);
      const h = await histogram(reg, 'troupe_route_seconds');
      expect(h).toEqual({ count: 2, sum: expect.closeTo(0.6004, 9) });
      expect(g.routeSamples).toEqual([]);
      const got = await reg.getSingleMetric('troupe_route_seconds')!.get();
      const bucket = (le: number): number | undefined =>
        got.values.find(
          (v) => sampleName(v) === 'troupe_route_seconds_bucket' && v.labels.le === le,
        )?.value;
      expect(bucket(0.0005)).toBe(1);
      expect(bucket(0.5)).toBe(1);
      expect(bucket(1)).toBe(2);
    });

    it('reads the link counters at each scrape', async () => {
      const links = newLinkStats();
      const { reg } = everything({ links });
      links.framesIn += 5;
      links.droppedSends += 2;
      expect(await value(reg, 'troupe_link_frames_in_total')).toBe(5);
      expect(await value(reg, 'troupe_link_dropped_sends_total')).toBe(2);
      links.up = 3;
      expect(await value(reg, 'troupe_links_up')).toBe(3);
    });
  });
});

/** Exposition text -> `name{labels}` -> value, one entry per sample line. */
/** As the main gets it from a worker: JSON through the IPC channel. */
async function overIpc(reg: Registry): Promise<MetricsJson> {
  return JSON.parse(JSON.stringify(await reg.getMetricsAsJSON())) as MetricsJson;
}

describe('mergeMetrics', () => {
  /** Two gateway workers and a main with the dispatcher, each with known values. */
  async function node() {
    const w0 = everything({ dispatcher: undefined, cluster: undefined });
    const w1 = everything({ dispatcher: undefined, cluster: undefined });
    const { system } = fakeSystem();
    const d = newDispatcherStats();
    const main = createMetrics({ system, dispatcher: d });
    w0.sys.actors = 10;
    w1.sys.actors = 7;
    w0.g.connections = 3;
    w1.g.connections = 5;
    w0.g.deliveries = 100;
    w1.g.deliveries = 23;
    w0.g.badInput = { 'bad-json': 2 };
    w1.g.badInput = { 'bad-json': 1, 'too-large': 4 };
    // ms: 0.4 -> le 0.0005; 3 -> le 0.005; 70 -> le 0.1; 2000 -> +Inf only.
    w0.g.latencySamples.push(0.4, 3, 70);
    w1.g.latencySamples.push(3, 2000);
    d.topics = 6;
    d.eventsIn = 40;
    const parts = [await overIpc(main), await overIpc(w0.reg), await overIpc(w1.reg)];
    return samples(await mergeMetrics(parts, { workers: 3, answering: 2, failures: 5 }));
  }

  it('sums counters and gauges of every process, labeled series per label', async () => {
    const got = await node();
    expect(got.get('troupe_actors')).toBe(17);
    expect(got.get('troupe_connections')).toBe(8);
    expect(got.get('troupe_events_out_total')).toBe(123);
    expect(got.get('troupe_bad_input_total{kind="bad-json"}')).toBe(3);
    expect(got.get('troupe_bad_input_total{kind="too-large"}')).toBe(4);
  });

  it("keeps a series only one process has (the main's dispatcher) as it is", async () => {
    const got = await node();
    expect(got.get('troupe_topics')).toBe(6);
    expect(got.get('troupe_events_in_total')).toBe(40);
  });

  it('merges histograms: bucket counts, sums and counts added', async () => {
    const got = await node();
    const h = (s: string): number | undefined => got.get(`troupe_publish_to_send_seconds${s}`);
    expect(h('_count')).toBe(5);
    expect(h('_sum')).toBeCloseTo((0.4 + 3 + 70 + 3 + 2000) / 1000, 9);
    expect(h('_bucket{le="0.0005"}')).toBe(1);
    expect(h('_bucket{le="0.001"}')).toBe(1);
    expect(h('_bucket{le="0.005"}')).toBe(3);
    expect(h('_bucket{le="0.05"}')).toBe(3);
    expect(h('_bucket{le="0.1"}')).toBe(4);
    expect(h('_bucket{le="1"}')).toBe(4);
    expect(h('_bucket{le="+Inf"}')).toBe(5);
    expect(got.get('troupe_route_seconds_count')).toBe(0);
  });

  it('tells how many workers answered and how many scrapes were left out', async () => {
    const got = await node();
    expect(got.get('troupe_workers')).toBe(3);
    expect(got.get('troupe_workers_answering')).toBe(2);
    expect(got.get('troupe_workers_scrape_failures_total')).toBe(5);
  });

  it('merges default process metrics by their own aggregator (one version, summed memory)', async () => {
    const a = everything();
    const b = everything();
    const ja = await overIpc(a.reg);
    const jb = await overIpc(b.reg);
    const rss = (j: MetricsJson): number =>
      j.find((m) => m.name === 'process_resident_memory_bytes')!.values[0]!.value;
    const got = samples(await mergeMetrics([ja, jb], { workers: 2, answering: 2, failures: 0 }));
    expect(got.get('process_resident_memory_bytes')).toBe(rss(ja) + rss(jb));
    const versions = [...got.keys()].filter((k) => k.startsWith('nodejs_version_info'));
    expect(versions).toHaveLength(1);
    expect(got.get(versions[0]!)).toBe(1);
  });

  it('answers the workers series alone when nothing answered', async () => {
    const got = samples(await mergeMetrics([], { workers: 2, answering: 0, failures: 2 }));
    expect(Object.fromEntries(got)).toEqual({
      troupe_workers: 2,
      troupe_workers_answering: 0,
      troupe_workers_scrape_failures_total: 2,
    });
  });
});
