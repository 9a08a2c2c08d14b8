import type { ScenarioResult } from './scenarios/scenario';
import { renderChart } from './chart-svg';
import { costMetrics, type CrossNodeCost } from './cross-node-compare';
import { chartRows, formatSummary } from './report';
import { ratio, summarize, type ScenarioRun } from './summary';

const ladder = (rate: number | null, deliveriesPerSec: number | null): ScenarioResult => ({
  steps: [],
  capacity: { rate, deliveriesPerSec },
  metrics: {},
  notes: {},
});
const oneShot = (metrics: Record<string, number | null>): ScenarioResult => ({
  steps: [],
  capacity: null,
  metrics,
  notes: {},
});

const runs: ScenarioRun[] = [
  {
    scenario: 'hot-topic',
    systems: [
      { system: 'uws-native', status: 'ok', result: ladder(3000, 6_000_000) },
      {
        system: 'troupe',
        status: 'ok',
        result: {
          ...ladder(1500, 3_000_000),
          halfCapacity: { rate: 750, p50Ms: 20, p99Ms: 45, p99Runs: [45] },
        },
      },
      { system: 'socketio', status: 'ok', result: ladder(50, 100_000) },
    ],
  },
  {
    scenario: 'many-topics',
    systems: [
      { system: 'uws-native', status: 'ok', result: ladder(8000, 24_000) },
      { system: 'troupe', status: 'failed', reason: 'boom' },
      { system: 'socketio', status: 'ok', result: ladder(null, null) },
    ],
  },
  {
    scenario: 'connect-storm',
    systems: [
      {
        system: 'troupe',
        status: 'ok',
        result: oneShot({ acceptedPerSec: 6000, connectP99Ms: 40 }),
      },
    ],
  },
  {
    scenario: 'idle-memory',
    systems: [
      {
        system: 'troupe',
        status: 'ok',
        result: oneShot({ bytesPerConnection: 1900, bytesPerConnectionSettled: 900 }),
      },
      { system: 'socketio', status: 'skipped', reason: 'x' },
    ],
  },
  {
    scenario: 'hostile',
    systems: [
      {
        system: 'troupe',
        status: 'ok',
        result: oneShot({
          quietP99Ms: 12,
          hostileP99Ms: 30,
          quietDelivered: 1,
          hostileDelivered: 0.995,
        }),
      },
    ],
  },
];

describe('summarize', () => {
  const s = summarize(runs);

  it('collects capacity, connect rate and idle memory per system', () => {
    const troupe = s.systems.find((x) => x.system === 'troupe');
    expect(troupe).toEqual({
      system: 'troupe',
      capacity: { 'hot-topic': { rate: 1500, deliveriesPerSec: 3_000_000 } },
      halfCapacity: { 'hot-topic': { rate: 750, p50Ms: 20, p99Ms: 45, p99Runs: [45] } },
      connectPerSec: 6000,
      connectP99Ms: 40,
      connectJwtPerSec: null,
      connectJwtOverPlain: null,
      idleBytesPerConnection: 1900,
      idleBytesPerConnectionSettled: 900,
      hostile: { quietP99Ms: 12, hostileP99Ms: 30, quietDelivered: 1, hostileDelivered: 0.995 },
      presence: null,
      linkedin: null,
      crossNodeCost: null,
      countsCost: null,
    });
    expect(s.systems.find((x) => x.system === 'socketio')?.idleBytesPerConnection).toBeNull();
  });

  it('prints the bystanders of the hostile scenario next to their quiet run', () => {
    const text = formatSummary(s);
    expect(text).toMatch(
      /troupe bystanders under attack: p99 30.*vs 12.* quiet, delivered 99\.5% vs 100\.0% quiet/,
    );
    expect(s.systems.find((x) => x.system === 'uws-native')?.hostile).toBeNull();
  });

  it('prints the latency at half of capacity where it was measured', () => {
    const text = formatSummary(s);
    expect(text).toMatch(/troupe hot-topic at 750\/s: p50 20(\.0+)? ?ms, p99 45(\.0+)? ?ms/);
    expect(text).not.toMatch(/uws-native hot-topic at/);
  });

  it('gives troupe/baseline ratios of deliveries/s at capacity, null where one side has none', () => {
    expect(s.ratios).toEqual([
      { pair: 'troupe/uws-native', scenario: 'hot-topic', value: 0.5 },
      { pair: 'troupe/uws-native', scenario: 'many-topics', value: null },
      { pair: 'troupe/socketio', scenario: 'hot-topic', value: 30 },
      { pair: 'troupe/socketio', scenario: 'many-topics', value: null },
    ]);
  });
});

describe('summarize with cross-node', () => {
  const s = summarize([
    ...runs,
    {
      scenario: 'cross-node',
      systems: [
        { system: 'uws-native', status: 'skipped', reason: 'no multi-node mode' },
        {
          system: 'troupe',
          status: 'ok',
          result: { ...ladder(1000, 2_000_000), metrics: { crossOverStandalone: 0.67 } },
        },
      ],
    },
  ]);

  it('keeps the cross-node capacity and adds no troupe/baseline ratio for it', () => {
    expect(s.systems.find((x) => x.system === 'troupe')?.capacity['cross-node']).toEqual({
      rate: 1000,
      deliveriesPerSec: 2_000_000,
    });
    expect(s.ratios.filter((r) => r.scenario === 'cross-node')).toEqual([]);
  });

  it('reports the cross-node/standalone ratio the scenario computed', () => {
    expect(s.ratios).toContainEqual({
      pair: 'troupe cross-node/standalone',
      scenario: 'hot-topic',
      value: 0.67,
    });
  });
});

describe('summarize with the costs at equal offered rate', () => {
  const hop: CrossNodeCost = {
    at: 'half',
    rate: 750,
    halfOf: 1500,
    runs: 3,
    standaloneP50Ms: 20,
    crossNodeP50Ms: 22,
    standaloneP99Ms: 45,
    crossNodeP99Ms: 51.5,
    addedP99Ms: 6.5,
  };
  const s = summarize([
    ...runs,
    {
      scenario: 'cross-node',
      systems: [
        {
          system: 'troupe',
          status: 'ok',
          result: {
            ...ladder(2000, 4_000_000),
            metrics: {
              crossOverStandalone: 0.67,
              ...costMetrics([hop]),
            },
          },
        },
      ],
    },
    {
      scenario: 'viewer-counts',
      systems: [
        {
          system: 'troupe',
          status: 'ok',
          result: oneShot({
            onOverOff: 1,
            costRate: 500,
            costRuns: 3,
            offCpuUsPerDelivery: 0.4,
            onCpuUsPerDelivery: 0.41,
            cpuPerDeliveryRatio: 1.03,
          }),
        },
      ],
    },
  ]);
  const troupe = s.systems.find((x) => x.system === 'troupe');

  it('names the cross-node cost and the counts cost of the system that ran them', () => {
    expect(troupe?.crossNodeCost).toEqual([hop]);
    expect(troupe?.countsCost).toEqual({
      rate: 500,
      capacityRatio: 1,
      cpuPerDeliveryRatio: 1.03,
      offCpuUsPerDelivery: 0.4,
      onCpuUsPerDelivery: 0.41,
      runs: 3,
    });
    expect(s.systems.find((x) => x.system === 'uws-native')?.countsCost).toBeNull();
  });

  it('prints both under their targets', () => {
    const text = formatSummary(s);
    expect(text).toContain('the dispatcher hop adds <= 10 ms to p99');
    expect(text).toMatch(
      /troupe cross-node hop at 750\/s \(half of 1500\/s standalone capacity.*p99 45\.0ms -> 51\.5ms \(\+6\.5 ms\)/,
    );
    expect(text).toContain(
      'troupe counts on/off: capacity 1x, CPU per delivery 1.03x at 500/s (0.4 µs -> 0.41 µs, median of 3 alternated runs each)',
    );
    expect(formatSummary(summarize(runs))).not.toMatch(/equal offered rate/);
  });

  it("notes the hop's cost under the chart's cross-node row", () => {
    const rows = chartRows([
      {
        scenario: 'cross-node',
        systems: [
          {
            system: 'troupe',
            status: 'ok',
            result: {
              steps: [
                { offeredRate: 750, deliveriesPerSec: 1.5e6, latencyMs: { p99: 50 } },
              ] as never,
              capacity: null,
              metrics: costMetrics(troupe?.crossNodeCost ?? []),
              notes: {},
            },
          },
        ],
      },
    ]);
    expect(rows[0]?.note).toBe(
      'dispatcher hop, p99 at equal rate vs standalone: +6.5 ms at 750/s (45.0ms -> 51.5ms)',
    );
    expect(renderChart(rows)).toContain('+6.5 ms at 750/s');
  });
});

describe('summarize with connect-storm-jwt', () => {
  const jwtRun = (metrics: Record<string, number | null>): ScenarioRun => ({
    scenario: 'connect-storm-jwt',
    systems: [
      { system: 'uws-native', status: 'skipped', reason: 'no JWT auth in this baseline' },
      { system: 'troupe', status: 'ok', result: oneShot(metrics) },
    ],
  });

  it('keeps connects/s with JWT next to the ratio the scenario computed, and prints both', () => {
    const s = summarize([...runs, jwtRun({ acceptedPerSec: 4800, jwtOverPlain: 0.8 })]);
    const troupe = s.systems.find((x) => x.system === 'troupe');
    expect(troupe?.connectPerSec).toBe(6000);
    expect(troupe?.connectJwtPerSec).toBe(4800);
    expect(troupe?.connectJwtOverPlain).toBe(0.8);
    expect(s.systems.find((x) => x.system === 'uws-native')?.connectJwtPerSec).toBeNull();
    const text = formatSummary(s);
    expect(text).toContain('troupe connect/s with JWT: 4800 (0.8x without)');
    expect(text).not.toMatch(/uws-native connect\/s with JWT/);
  });

  it('says so when connect-storm did not run before it, and prints nothing when it did not run', () => {
    const s = summarize([jwtRun({ acceptedPerSec: 4800, jwtOverPlain: null })]);
    expect(formatSummary(s)).toContain(
      'troupe connect/s with JWT: 4800 (no connect-storm before it)',
    );
    expect(formatSummary(summarize(runs))).not.toMatch(/with JWT/);
  });
});

describe('summarize with presence', () => {
  const figures = {
    members: 2000,
    churnPerSec: 100,
    dMs: 1000,
    graceMs: 250,
    onlineP50Ms: 5.1,
    onlineP99Ms: 104,
    onlineFromOpenP50Ms: 3.2,
    onlineFromOpenP99Ms: 60,
    offlineOverDelayP50Ms: -451.5,
    offlineOverDelayP99Ms: 77.4,
    offlineLateP50Ms: 29.4,
    offlineLateP99Ms: 186.7,
    falseOfflines: 0,
    duplicateOnlines: 0,
    heartbeatsPerSec: 1849,
    dispatcherCpuCores: 0.092,
    heartbeatsPerDispatcherCore: 20115,
    gatewaysCpuCores: 0.15,
    eventLoopLagMaxMs: 120.5,
    loadAvg1: 4.2,
  };
  const s = summarize([
    ...runs,
    {
      scenario: 'presence',
      systems: [
        { system: 'uws-native', status: 'skipped', reason: 'no presence in this baseline' },
        { system: 'troupe', status: 'ok', result: oneShot({ ...figures, onlineSamples: 621 }) },
      ],
    },
  ]);

  it('keeps the headline figures of a system that ran it, null for the others', () => {
    expect(s.systems.find((x) => x.system === 'troupe')?.presence).toEqual(figures);
    expect(s.systems.find((x) => x.system === 'uws-native')?.presence).toBeNull();
  });

  it('prints d and e of the run with the latencies, the error counts and heartbeats per core', () => {
    const text = formatSummary(s);
    expect(text).toContain('presence (target: connect -> online p99 < 200 ms):');
    expect(text).toMatch(
      /troupe 2000 members, churn 100\/s, d 1000 ms, e 250 ms: connect -> online p50 5\.10ms p99 104\.0ms \(from the upgrade p50 3\.20ms p99 60\.0ms\);/,
    );
    expect(text).toMatch(
      /false offlines 0, duplicate onlines 0; 20115 heartbeats\/s per dispatcher core/,
    );
    expect(text).toMatch(/longest event-loop stall 120\.5ms, load 4\.2$/m);
    expect(formatSummary(summarize(runs))).not.toMatch(/presence/);
  });
});

describe('summarize with linkedin-node', () => {
  const figures = {
    target: 100_000,
    held: 100_000,
    serverProcesses: 8,
    generatorProcesses: 7,
    connectSeconds: 25,
    connectsPerSec: 4000,
    connectP99Ms: 900,
    rssFixedMB: 700,
    rssFixedPerProcessMB: 87.5,
    rssHeldMB: 850,
    bytesPerConnection: 1600,
    marginalBytesPerConnection: 1450,
    rssWarmFixedMB: 712.3,
    rssAfterFlowMB: 900,
    maxFdsPerProcess: 14_500,
    flowSeconds: 60,
  };
  const result = (f: Record<string, number | null>, limit: string | null): ScenarioResult => ({
    ...ladder(20_000, 400_000),
    halfCapacity: { rate: 10_000, p50Ms: 5, p99Ms: 80, p99Runs: [80] },
    metrics: f,
    notes: { limit },
  });
  const s = summarize([
    {
      scenario: 'linkedin-node',
      systems: [
        {
          system: 'uws-native',
          status: 'ok',
          result: {
            ...result(
              {
                ...figures,
                bytesPerConnection: 800,
                marginalBytesPerConnection: 725,
                connectsPerSec: 5000,
              },
              null,
            ),
            capacity: { rate: 40_000, deliveriesPerSec: 800_000 },
          },
        },
        { system: 'troupe', status: 'ok', result: result(figures, 'file descriptors (server)') },
        { system: 'socketio', status: 'skipped', reason: 'no multi-process mode' },
      ],
    },
  ]);

  it('keeps the figures and the limit of each system that ran it', () => {
    expect(s.systems.find((x) => x.system === 'troupe')?.linkedin).toEqual({
      ...figures,
      limit: 'file descriptors (server)',
    });
    expect(s.systems.find((x) => x.system === 'uws-native')?.linkedin?.limit).toBeNull();
    expect(s.systems.find((x) => x.system === 'socketio')?.linkedin).toBeNull();
  });

  it('gives troupe/uws-native for deliveries at capacity, connects/s and memory', () => {
    expect(s.ratios).toEqual([
      { pair: 'troupe/uws-native', scenario: 'linkedin-node', value: 0.5 },
      { pair: 'troupe/uws-native', scenario: 'linkedin-node connectsPerSec', value: 0.8 },
      { pair: 'troupe/uws-native', scenario: 'linkedin-node bytesPerConnection', value: 2 },
      {
        pair: 'troupe/uws-native',
        scenario: 'linkedin-node marginalBytesPerConnection',
        value: 2,
      },
      { pair: 'troupe/uws-native', scenario: 'linkedin-node rssHeldMB', value: 1 },
    ]);
  });

  it('prints a line per system and the latency at half of capacity', () => {
    const text = formatSummary(s);
    expect(text).toContain('linkedin-node (target: under 2048 B/connection over the fixed cost):');
    expect(text).toMatch(
      /^troupe 100000\/100000 held on 8 server processes.*stopped by: file descriptors \(server\)$/m,
    );
    expect(text).toMatch(/troupe linkedin-node at 10000\/s: p50 5\.00ms, p99 80\.0ms/);
    expect(text).toMatch(/linkedin-node capacity/);
  });
});

describe('ratio', () => {
  it('rounds to two decimals and refuses a missing or zero denominator', () => {
    expect(ratio(2, 3)).toBe(0.67);
    expect(ratio(1, 0)).toBeNull();
    expect(ratio(null, 1)).toBeNull();
  });
});
