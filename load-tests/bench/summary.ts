/**
 * Aggregation of one bench run into the headline figures: capacity per system per rate-ladder
 * scenario, connect-storm rate (without and with JWT auth), idle memory per connection, the
 * presence latencies and heartbeat cost, and the ratios the targets are stated in
 * (troupe / uws-native, troupe / socketio), all from the same run.
 */
import { ratio, type Capacity, type HalfCapacity } from './capacity';
import { LINKEDIN_FIGURES, type LinkedinFigures } from './linkedin-figures';
import { costsOf, type CrossNodeCost } from './cross-node-compare';
import type { ScenarioResult } from './scenarios/scenario';

export interface SystemRun {
  readonly system: string;
  readonly status: 'ok' | 'skipped' | 'failed';
  readonly reason?: string;
  readonly result?: ScenarioResult;
  /** Wall time of this system's run, server start to stop (wall-time.ts). */
  readonly seconds?: number;
}

export interface ScenarioRun {
  readonly scenario: string;
  readonly systems: readonly SystemRun[];
  /** Wall time of the whole scenario (its systems' sum, or less when they ran together). */
  readonly seconds?: number;
}

export { ratio } from './capacity';

export const LADDER_SCENARIOS = [
  'hot-topic',
  'many-topics',
  'cross-node',
  'linkedin-node',
] as const;
/** Ladder scenarios every system runs, so troupe/baseline ratios exist (cross-node: troupe only). */
export const PAIRED_SCENARIOS = ['hot-topic', 'many-topics', 'linkedin-node'] as const;

export interface SystemSummary {
  readonly system: string;
  /** Capacity per rate-ladder scenario (absent when the scenario did not run ok). */
  readonly capacity: Readonly<Record<string, Capacity>>;
  /** Latency at half of that capacity, per rate-ladder scenario that measured it. */
  readonly halfCapacity: Readonly<Record<string, HalfCapacity>>;
  readonly connectPerSec: number | null;
  readonly connectP99Ms: number | null;
  /** connect-storm-jwt: connects/s with one distinct HS256 token per connection (no cache hit). */
  readonly connectJwtPerSec: number | null;
  /** That over connect-storm's connects/s of the same run (null: connect-storm did not run first). */
  readonly connectJwtOverPlain: number | null;
  readonly idleBytesPerConnection: number | null;
  /** The same 35 s after the last subscription, once the server's heap has settled. */
  readonly idleBytesPerConnectionSettled: number | null;
  /** Bystanders of the hostile scenario, quiet run and attacked run (null: it did not run). */
  readonly hostile: HostileFigures | null;
  /** The presence scenario (null: it did not run ok on this system). */
  readonly presence: PresenceFigures | null;
  /** The linkedin-node scenario's connect and memory figures (null: it did not run ok). */
  readonly linkedin: LinkedinFigures | null;
  /** cross-node: p50/p99 standalone vs cross-node at equal offered rates (null: it did not run). */
  readonly crossNodeCost: readonly CrossNodeCost[] | null;
  /** viewer-counts: fan-out with counts on vs off (null: it did not run ok). */
  readonly countsCost: CountsCost | null;
}

/** What counts cost a hot topic's fan-out (issue 14 part 4: under 5% of capacity). */
export interface CountsCost {
  /** Offered rate of the alternated on/off steps (null: none measured). */
  readonly rate: number | null;
  /** Deliveries/s at capacity, on / off. */
  readonly capacityRatio: number | null;
  /** Server CPU per delivery, on / off, at `rate` (medians of the alternated steps). */
  readonly cpuPerDeliveryRatio: number | null;
  readonly offCpuUsPerDelivery: number | null;
  readonly onCpuUsPerDelivery: number | null;
  readonly runs: number | null;
}

/** The presence scenario's headline figures (see scenarios/presence.ts for each). */
export const PRESENCE_FIGURES = [
  'members',
  'churnPerSec',
  'dMs',
  'graceMs',
  'onlineP50Ms',
  'onlineP99Ms',
  'onlineFromOpenP50Ms',
  'onlineFromOpenP99Ms',
  'offlineOverDelayP50Ms',
  'offlineOverDelayP99Ms',
  'offlineLateP50Ms',
  'offlineLateP99Ms',
  'falseOfflines',
  'duplicateOnlines',
  'heartbeatsPerSec',
  'dispatcherCpuCores',
  'heartbeatsPerDispatcherCore',
  'gatewaysCpuCores',
  'eventLoopLagMaxMs',
  'loadAvg1',
] as const;
export type PresenceFigures = Readonly<Record<(typeof PRESENCE_FIGURES)[number], number | null>>;

export interface HostileFigures {
  readonly quietP99Ms: number | null;
  readonly hostileP99Ms: number | null;
  readonly quietDelivered: number | null;
  readonly hostileDelivered: number | null;
}

export interface Ratio {
  /** e.g. "troupe/uws-native". */
  readonly pair: string;
  readonly scenario: string;
  /** Deliveries/s at capacity of the first over the second; null when either has none. */
  readonly value: number | null;
}

export interface Summary {
  readonly systems: readonly SystemSummary[];
  readonly ratios: readonly Ratio[];
}

export const RATIO_PAIRS: readonly (readonly [string, string])[] = [
  ['troupe', 'uws-native'],
  ['troupe', 'socketio'],
];

function okResult(runs: readonly ScenarioRun[], scenario: string, system: string) {
  const r = runs.find((s) => s.scenario === scenario)?.systems.find((s) => s.system === system);
  return r?.status === 'ok' ? (r.result ?? null) : null;
}

function wasSkipped(runs: readonly ScenarioRun[], scenario: string, system: string): boolean {
  const r = runs.find((s) => s.scenario === scenario)?.systems.find((s) => s.system === system);
  return r?.status === 'skipped';
}

function metric(r: ScenarioResult | null, name: string): number | null {
  const v = r?.metrics[name];
  return typeof v === 'number' ? v : null;
}

export function summarize(runs: readonly ScenarioRun[]): Summary {
  const names = [...new Set(runs.flatMap((s) => s.systems.map((x) => x.system)))];
  const systems = names.map((system): SystemSummary => {
    const capacity: Record<string, Capacity> = {};
    const halfCapacity: Record<string, HalfCapacity> = {};
    for (const sc of LADDER_SCENARIOS) {
      const r = okResult(runs, sc, system);
      if (r?.capacity !== undefined && r.capacity !== null) capacity[sc] = r.capacity;
      if (r?.halfCapacity !== undefined && r.halfCapacity !== null)
        halfCapacity[sc] = r.halfCapacity;
    }
    const storm = okResult(runs, 'connect-storm', system);
    const jwt = okResult(runs, 'connect-storm-jwt', system);
    const h = okResult(runs, 'hostile', system);
    const p = okResult(runs, 'presence', system);
    const li = okResult(runs, 'linkedin-node', system);
    const x = okResult(runs, 'cross-node', system);
    const vc = okResult(runs, 'viewer-counts', system);
    return {
      system,
      capacity,
      halfCapacity,
      connectPerSec: metric(storm, 'acceptedPerSec'),
      connectP99Ms: metric(storm, 'connectP99Ms'),
      connectJwtPerSec: metric(jwt, 'acceptedPerSec'),
      connectJwtOverPlain: metric(jwt, 'jwtOverPlain'),
      idleBytesPerConnection: metric(okResult(runs, 'idle-memory', system), 'bytesPerConnection'),
      idleBytesPerConnectionSettled: metric(
        okResult(runs, 'idle-memory', system),
        'bytesPerConnectionSettled',
      ),
      hostile:
        h === null
          ? null
          : {
              quietP99Ms: metric(h, 'quietP99Ms'),
              hostileP99Ms: metric(h, 'hostileP99Ms'),
              quietDelivered: metric(h, 'quietDelivered'),
              hostileDelivered: metric(h, 'hostileDelivered'),
            },
      presence:
        p === null
          ? null
          : (Object.fromEntries(PRESENCE_FIGURES.map((k) => [k, metric(p, k)])) as PresenceFigures),
      linkedin:
        li === null
          ? null
          : ({
              ...Object.fromEntries(LINKEDIN_FIGURES.map((k) => [k, metric(li, k)])),
              limit: typeof li.notes['limit'] === 'string' ? li.notes['limit'] : null,
            } as LinkedinFigures),
      crossNodeCost: x === null ? null : costsOf(x.metrics),
      countsCost:
        vc === null
          ? null
          : {
              rate: metric(vc, 'costRate'),
              capacityRatio: metric(vc, 'onOverOff'),
              cpuPerDeliveryRatio: metric(vc, 'cpuPerDeliveryRatio'),
              offCpuUsPerDelivery: metric(vc, 'offCpuUsPerDelivery'),
              onCpuUsPerDelivery: metric(vc, 'onCpuUsPerDelivery'),
              runs: metric(vc, 'costRuns'),
            },
    };
  });
  const ratios: Ratio[] = [];
  for (const [a, b] of RATIO_PAIRS) {
    const sa = systems.find((s) => s.system === a);
    const sb = systems.find((s) => s.system === b);
    if (sa === undefined || sb === undefined) continue;
    for (const sc of PAIRED_SCENARIOS) {
      if (!(sc in sa.capacity) && !(sc in sb.capacity)) continue;
      if (wasSkipped(runs, sc, a) || wasSkipped(runs, sc, b)) continue; // by design, not a failure
      ratios.push({
        pair: `${a}/${b}`,
        scenario: sc,
        value: ratio(sa.capacity[sc]?.deliveriesPerSec, sb.capacity[sc]?.deliveriesPerSec),
      });
    }
  }
  // linkedin-node: also what holding the connections cost, side by side (B/connection: lower wins).
  for (const [a, b] of RATIO_PAIRS) {
    const la = systems.find((s) => s.system === a)?.linkedin;
    const lb = systems.find((s) => s.system === b)?.linkedin;
    if (la == null || lb == null) continue;
    for (const k of [
      'connectsPerSec',
      'bytesPerConnection',
      'marginalBytesPerConnection',
      'rssHeldMB',
    ] as const)
      ratios.push({
        pair: `${a}/${b}`,
        scenario: `linkedin-node ${k}`,
        value: ratio(la[k], lb[k]),
      });
  }
  // cross-node / single-process troupe, both at the hot-topic rates (computed by the scenario).
  const cross = okResult(runs, 'cross-node', 'troupe');
  if (cross !== null)
    ratios.push({
      pair: 'troupe cross-node/standalone',
      scenario: 'hot-topic',
      value: metric(cross, 'crossOverStandalone'),
    });
  return { systems, ratios };
}
