/**
 * Plain counters written on the hot path (a property increment, no label lookup) and read by
 * /metrics and the admin socket at scrape time.
 */
import { Limits } from '../server/limits';

export interface GatewayStats {
  connections: number;
  subscriptions: number;
  /** Events received from the dispatcher tier. */
  eventsIn: number;
  /** Event deliveries written to sockets (one per event per subscriber). */
  deliveries: number;
  framesOut: number;
  /** Undecodable, invalid or oversized client input, by kind. */
  badInput: Record<string, number>;
  /** Closed connections by reason. */
  disconnects: Record<string, number>;
  /** Messages dropped before reaching a socket, by reason. */
  drops: Record<string, number>;
  /** Publish-to-send latency samples in ms, drained by the metrics exporter. */
  latencySamples: number[];
  /** Stamp-to-arrival latency samples in ms (dispatcher tier routing), one per batch received. */
  routeSamples: number[];
}

export function newGatewayStats(): GatewayStats {
  return {
    connections: 0,
    subscriptions: 0,
    eventsIn: 0,
    deliveries: 0,
    framesOut: 0,
    badInput: {},
    disconnects: {},
    drops: {},
    latencySamples: [],
    routeSamples: [],
  };
}

export function bump(table: Record<string, number>, key: string, by = 1): void {
  table[key] = (table[key] ?? 0) + by;
}

const MAX_SAMPLES = Limits.maxLatencySamples;

/** Bounded so a scrape that never comes cannot grow memory. */
export function recordLatency(stats: GatewayStats, ms: number): void {
  if (stats.latencySamples.length < MAX_SAMPLES) stats.latencySamples.push(ms);
}

export function recordRoute(stats: GatewayStats, ms: number): void {
  if (stats.routeSamples.length < MAX_SAMPLES) stats.routeSamples.push(ms);
}
