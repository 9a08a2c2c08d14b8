/**
 * The node's Prometheus registry. The hot path only increments plain counters (GatewayStats,
 * DispatcherStats, ClusterStats, LinkStats), each tier's made by its `newXStats()` and owned by
 * the node (server/node.ts); this module reads them at scrape time.
 */
import { AggregatorRegistry, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ActorSystem } from '../actors';
import type { ClusterStats } from '../dispatcher/cluster-router';
import type { DispatcherStats } from '../dispatcher/dispatcher-actor';
import type { LinkStats } from '../dispatcher/link';
import type { GatewayStats } from '../gateway/gateway-stats';
import type { PresenceStats } from '../presence/presence-supervisor';
import { registerProcessMetrics } from './process-metrics';

export interface MetricSources {
  readonly system: ActorSystem;
  readonly gateway?: GatewayStats;
  readonly dispatcher?: DispatcherStats;
  readonly cluster?: ClusterStats;
  /** The presence supervisor's counters (dispatcher tier). */
  readonly presence?: PresenceStats;
  /** Every link of the node counts here (both sides). */
  readonly links?: LinkStats;
}

/** A counter whose value lives elsewhere: reset and re-set at every scrape. */
function mirroredCounter(reg: Registry, name: string, help: string, read: () => number): void {
  new Counter({
    name,
    help,
    registers: [reg],
    collect() {
      this.reset();
      this.inc(read());
    },
  });
}

function mirroredLabeled(
  reg: Registry,
  name: string,
  help: string,
  label: string,
  read: () => Record<string, number>,
): void {
  new Counter({
    name,
    help,
    labelNames: [label],
    registers: [reg],
    collect() {
      this.reset();
      for (const [k, v] of Object.entries(read())) this.inc({ [label]: k }, v);
    },
  });
}

function mirroredGauge(reg: Registry, name: string, help: string, read: () => number): void {
  new Gauge({
    name,
    help,
    registers: [reg],
    collect() {
      this.set(read());
    },
  });
}

const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];

/** A histogram fed at scrape time from millisecond samples the hot path collected. */
function sampledHistogram(reg: Registry, name: string, help: string, samples: number[]): void {
  new Histogram({
    name,
    help,
    buckets: LATENCY_BUCKETS,
    registers: [reg],
    collect() {
      for (const ms of samples.splice(0)) this.observe(ms / 1000);
    },
  });
}

export function createMetrics(src: MetricSources): Registry {
  const reg = new Registry();
  registerProcessMetrics(reg);
  const sys = src.system;
  mirroredGauge(reg, 'troupe_actors', 'Live actors in the node', () => sys.stats().actors);
  mirroredGauge(
    reg,
    'troupe_mailbox_depth',
    'Messages queued in all mailboxes',
    () => sys.stats().mailboxTotal,
  );
  mirroredCounter(
    reg,
    'troupe_actor_restarts_total',
    'Actor restarts by supervision',
    () => sys.stats().restarts,
  );
  mirroredCounter(
    reg,
    'troupe_dead_letters_total',
    'Messages to stopped actors or dropped by a mailbox bound',
    () => sys.stats().deadLetters,
  );

  const g = src.gateway;
  if (g !== undefined) {
    mirroredGauge(reg, 'troupe_connections', 'Open client connections', () => g.connections);
    mirroredGauge(
      reg,
      'troupe_subscriptions',
      'Client subscriptions (connection, topic pairs)',
      () => g.subscriptions,
    );
    mirroredCounter(
      reg,
      'troupe_gateway_events_in_total',
      'Events received from the dispatcher tier',
      () => g.eventsIn,
    );
    mirroredCounter(
      reg,
      'troupe_events_out_total',
      'Event deliveries written to client sockets',
      () => g.deliveries,
    );
    mirroredCounter(
      reg,
      'troupe_frames_out_total',
      'Frames written to client sockets',
      () => g.framesOut,
    );
    mirroredLabeled(
      reg,
      'troupe_bad_input_total',
      'Bad client input by kind',
      'kind',
      () => g.badInput,
    );
    mirroredLabeled(
      reg,
      'troupe_disconnects_total',
      'Client disconnects by reason',
      'reason',
      () => g.disconnects,
    );
    mirroredLabeled(
      reg,
      'troupe_drops_total',
      'Messages dropped before a socket, by reason',
      'reason',
      () => g.drops,
    );
    sampledHistogram(
      reg,
      'troupe_publish_to_send_seconds',
      'From the dispatcher stamping an event to the last subscriber write of its batch',
      g.latencySamples,
    );
    sampledHistogram(
      reg,
      'troupe_route_seconds',
      'From the owning dispatcher stamping an event to its arrival at this gateway',
      g.routeSamples,
    );
  }
  const d = src.dispatcher;
  if (d !== undefined) {
    mirroredGauge(reg, 'troupe_topics', 'Topics held by this dispatcher', () => d.topics);
    mirroredGauge(reg, 'troupe_publishers', 'Open publisher connections', () => d.publishers);
    mirroredCounter(
      reg,
      'troupe_events_in_total',
      'Events published to this dispatcher',
      () => d.eventsIn,
    );
    mirroredCounter(
      reg,
      'troupe_events_routed_total',
      'Events forwarded to gateways',
      () => d.eventsRouted,
    );
    mirroredLabeled(
      reg,
      'troupe_publisher_bad_input_total',
      'Bad publisher input by kind',
      'kind',
      () => d.badInput,
    );
    mirroredGauge(
      reg,
      'troupe_history_bytes',
      'Estimated heap bytes of all events held in history (bounded by --history-max-bytes)',
      () => d.historyBytes,
    );
    mirroredGauge(
      reg,
      'troupe_history_events',
      'Events held in history, all topics',
      () => d.historyEvents,
    );
    mirroredCounter(
      reg,
      'troupe_history_evictions_total',
      'Events let go because history was over --history-max-bytes',
      () => d.historyEvictions,
    );
  }
  const p = src.presence;
  if (p !== undefined) {
    mirroredGauge(
      reg,
      'troupe_presence_online',
      'Members with a presence actor here',
      () => p.online,
    );
    mirroredGauge(
      reg,
      'troupe_presence_store_up',
      '1 while the presence store answers, 0 during an outage (presence unknown)',
      () => p.storeUp,
    );
    mirroredCounter(
      reg,
      'troupe_presence_heartbeats_total',
      'Member heartbeats processed',
      () => p.heartbeats,
    );
    mirroredLabeled(
      reg,
      'troupe_presence_changes_total',
      'Presence changes published',
      'to',
      () => ({
        online: p.announcedOnline,
        offline: p.announcedOffline,
      }),
    );
    mirroredCounter(
      reg,
      'troupe_presence_store_errors_total',
      'Presence store calls that failed',
      () => p.storeErrors,
    );
    mirroredCounter(
      reg,
      'troupe_presence_refused_total',
      'Heartbeats of new members refused past the member bound',
      () => p.refused,
    );
  }
  const c = src.cluster;
  if (c !== undefined) {
    mirroredCounter(
      reg,
      'troupe_forwarded_total',
      'Publishes forwarded to the owning dispatcher',
      () => c.forwarded,
    );
    mirroredCounter(
      reg,
      'troupe_xdc_out_total',
      'Publishes forwarded to other datacenters',
      () => c.xdcOut,
    );
    mirroredCounter(
      reg,
      'troupe_xdc_in_total',
      'Publishes received from other datacenters',
      () => c.xdcIn,
    );
    mirroredCounter(
      reg,
      'troupe_ownership_changes_total',
      'Changes of the live dispatcher set',
      () => c.ownershipChanges,
    );
    mirroredCounter(
      reg,
      'troupe_cluster_links_refused_total',
      'Links refused for claiming a node id that has a live link',
      () => c.refusedLinks,
    );
  }
  const links = src.links;
  if (links !== undefined) {
    const read = (k: keyof LinkStats) => () => links[k];
    mirroredGauge(reg, 'troupe_links_up', 'Inter-node links up', read('up'));
    mirroredCounter(
      reg,
      'troupe_link_reconnects_total',
      'Link reconnect attempts',
      read('reconnects'),
    );
    mirroredCounter(
      reg,
      'troupe_link_auth_failures_total',
      'Link handshakes refused',
      read('authFailures'),
    );
    mirroredCounter(
      reg,
      'troupe_link_refused_total',
      'Link connections refused: too many handshakes in flight from one address or overall',
      read('refused'),
    );
    mirroredCounter(
      reg,
      'troupe_link_protocol_drops_total',
      'Links dropped for bad peer behaviour',
      read('protocolDrops'),
    );
    mirroredCounter(reg, 'troupe_link_frames_in_total', 'Link frames received', read('framesIn'));
    mirroredCounter(reg, 'troupe_link_frames_out_total', 'Link frames sent', read('framesOut'));
    mirroredCounter(
      reg,
      'troupe_link_dropped_sends_total',
      'Link sends refused (queue full)',
      read('droppedSends'),
    );
  }
  return reg;
}

/** One registry's `getMetricsAsJSON()`: what a worker sends the main over IPC (plain JSON). */
export type MetricsJson = Awaited<ReturnType<Registry['getMetricsAsJSON']>>;

/** How one scrape of a `--workers` node went, exported next to the merged metrics. */
export interface WorkersScrape {
  /** Worker processes the node runs (`--workers`). */
  readonly workers: number;
  /** Workers whose metrics are in this scrape. */
  readonly answering: number;
  /** Worker scrapes left out since the node started (no answer in time, or an error). */
  readonly failures: number;
}

function workersScrapeMetrics(s: WorkersScrape): Promise<MetricsJson> {
  const reg = new Registry();
  const gauge = (name: string, help: string, v: number) =>
    new Gauge({ name, help, registers: [reg] }).set(v);
  gauge('troupe_workers', 'Gateway worker processes of this node', s.workers);
  gauge('troupe_workers_answering', 'Workers whose metrics are summed in this scrape', s.answering);
  new Counter({
    name: 'troupe_workers_scrape_failures_total',
    help: 'Worker metric scrapes left out (no answer in time, or an error)',
    registers: [reg],
  }).inc(s.failures);
  return reg.getMetricsAsJSON();
}

/**
 * The exposition of a whole `--workers` node from its processes' registries: counters and
 * gauges summed, histograms merged (bucket counts, sums and counts added), default process
 * metrics by their own aggregator (prom-client's `AggregatorRegistry.aggregate`), plus the
 * `troupe_workers*` series of `scrape`.
 */
export async function mergeMetrics(
  parts: readonly MetricsJson[],
  scrape: WorkersScrape,
): Promise<string> {
  const all = [...parts, await workersScrapeMetrics(scrape)];
  return AggregatorRegistry.aggregate(all).metrics();
}
