/**
 * linkedin-node (issue 14 part 2): one host holding `--linkedin-conns` subscribed connections
 * (100,000 in the full profile) in the shape of linkedin-layout.ts: N/10 personal topics of 10
 * subscribers and a hot topic of N/10, one or two subscriptions per connection.
 *
 *   troupe      `--workers W --link-port 0`, W = serverProcessesFor(N) (<= 15,000 each)
 *   uws-native  `--procs W` (uws-group.ts: W processes sharing the port, SO_REUSEPORT)
 *   socketio    skipped
 *
 * 1. RSS of the server's process tree before any connection: the fixed cost (and per process).
 * 2. The connect phase: generator processes of <= 15,000 connections (each under its open-file
 *    limit and one source address's ephemeral ports), 128 attempts in flight each, bounded by
 *    connectBoundMs. Reports connects/s (first attempt to last ack), and 3 s after the last
 *    ack the tree's RSS: (held - fixed) / connections. Also what each added connection costs
 *    (`marginalBytesPerConnection`): the slope of the tree's RSS, sampled every second, over
 *    the connections held between 20% and 90% of the target, and where that line meets 0
 *    connections (`rssWarmFixedMB`): a lower bound beside the over-idle upper one, with code
 *    compiled and per-topic state made by the first connections counted as fixed
 *    (linkedin-figures.ts). Short of the target, it names the limit
 *    (linkedin-figures.ts) and goes on with what it holds when that is at least half.
 * 3. A short ladder of `--linkedin-rates` publishes/s while every connection is held (capacity:
 *    deliveries/s), then `--linkedin-seconds` of events at half of capacity: p50/p99 there.
 *    Every connection pings every 20 s (troupe closes one silent for 62.5 s).
 *
 * srv cpu of its steps is the whole server tree (main + workers) over the step and its drain.
 */
import { readFileSync } from 'node:fs';
import * as os from 'node:os';
import { parseOpenFileLimit } from '../../../server/open-file-limit';
import { PING_EVERY_MS } from '../../generator/keepalive';
import { cpuCoresBetween } from '../../generator/proc-stats';
import { CONNECT_TIMEOUT_MS } from '../../generator/subscriber-base';
import type { StepResult } from '../../generator/run-step';
import { sleep, type SubscriberPool } from '../../generator/subscriber-pool';
import type { Window } from '../../generator/window';
import {
  classifyShortfall,
  Limit,
  marginalFigures,
  memoryFigures,
  type RssSample,
  type MemoryFigures,
  type Shortfall,
} from '../linkedin-figures';
import {
  connectBoundMs,
  deliveriesBetween,
  generatorSpread,
  linkedinBoundMs,
  linkedinLayout,
  parsePortRange,
  serverProcessesFor,
  TOPIC_PREFIX,
  warmupSecondsFor,
} from '../linkedin-layout';
import {
  listenersOnPort,
  openFileCount,
  parseTcpExt,
  treeCpuSample,
  treePids,
  treeRssBytes,
} from '../proc-tree';
import type { Scenario, ScenarioContext, ScenarioResult } from './scenario';
import { runLadder } from './step-ladder';

/** How often the tree's RSS is read during the connect phase. */
const RSS_SAMPLE_MS = 1000;

/** After start and after the last ack: let start-up and connect garbage settle before reading RSS. */
const SETTLE_MS = 3000;
/** Attempts in flight per generator process, as connect-storm. */
const CONNECT_CONCURRENCY = 128;
/** At small counts too: one generator process on one core would set the connect rate. */
const MIN_GENERATOR_PROCESSES = 2;
/** A --workers troupe prints `listening ws` once its first worker listens; the others follow. */
const ALL_LISTENING_TIMEOUT_MS = 30_000;
/** Below this share of the target held, the ladder would measure another shape: skipped. */
const MIN_HELD_SHARE = 0.5;
const UNREADABLE_PORT_RANGE = 16_384;

function readOr(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/** This machine's limits for one generator process (forked workers inherit this one's). */
function machineLimits(): { fdLimit: number | undefined; portsPerSource: number } {
  return {
    fdLimit: parseOpenFileLimit(readOr('/proc/self/limits')),
    portsPerSource:
      parsePortRange(readOr('/proc/sys/net/ipv4/ip_local_port_range')) ?? UNREADABLE_PORT_RANGE,
  };
}

const mb = (b: number | null): number | null =>
  b === null ? null : Math.round((b / 1048576) * 10) / 10;

/** Until `procs` processes listen on the ws port (SO_REUSEPORT spreads only over those); false at the bound. */
async function untilAllListen(ctx: ScenarioContext, procs: number): Promise<boolean> {
  const port = ctx.server.endpoint('ws').port;
  const deadline = Date.now() + ALL_LISTENING_TIMEOUT_MS;
  const listening = (): boolean => listenersOnPort(readOr('/proc/net/tcp'), port) >= procs;
  while (!listening() && Date.now() < deadline) await sleep(100);
  return listening();
}

interface ConnectFigures {
  ready: number;
  acked: number;
  seconds: number;
  perSec: number | null;
  p99Ms: number | null;
  memory: MemoryFigures | null;
  fdsPerProcess: (number | null)[];
  shortfall: Shortfall | null;
  closeReasons: Record<string, number>;
  generatorCpuCores: number;
  serverCpuCores: number | null;
  listenOverflows: number;
  synRetransmits: number;
  loadAvg1: number;
}

async function run(ctx: ScenarioContext): Promise<ScenarioResult> {
  const { args, server, log, system } = ctx;
  const label = `${system.name} linkedin-node`;
  const layout = linkedinLayout(args.linkedinConns);
  const spread = generatorSpread(
    layout.connections,
    machineLimits(),
    Math.max(MIN_GENERATOR_PROCESSES, args.workers),
  );
  const allListening = await untilAllListen(ctx, serverProcessesFor(layout.connections));
  await sleep(SETTLE_MS);
  const fixedPids = treePids(server.pid) ?? [];
  const fixedBytes = treeRssBytes(server.pid) ?? 0;
  log(
    `[${label}] ${layout.connections} connections: ${layout.topics} topics x 10 + a hot topic of ${layout.hotSubscribers}; ` +
      `server ${fixedPids.length} processes, ${mb(fixedBytes)} MB before any connection` +
      `${allListening ? '' : ' (not every worker listened in time)'}; ` +
      `generator ${spread.processes} processes of <= ${spread.perProcess} from ${spread.sources[0]![0]}..${spread.sources.at(-1)!.at(-1)}`,
  );
  const owed = deliveriesBetween(layout.fanouts);
  let heldShare = 1;
  let connect: ConnectFigures | null = null;
  let lastRss: number | null = null;
  const rssSamples: RssSample[] = [];
  const duringConnect = (pool: SubscriberPool): (() => void) => {
    const timer = setInterval(() => {
      const rssBytes = treeRssBytes(server.pid);
      if (rssBytes !== null) rssSamples.push({ connections: pool.gauges().connected, rssBytes });
    }, RSS_SAMPLE_MS);
    return () => clearInterval(timer);
  };
  const cpuBefore = treeCpuSample(server.pid);
  const tcpBefore = parseTcpExt(readOr('/proc/net/netstat'));

  const afterConnect = async (pool: SubscriberPool, setup: Window): Promise<boolean> => {
    const g = pool.gauges();
    const serverCpuCores = cpuCoresBetween(cpuBefore, treeCpuSample(server.pid));
    const tcp = parseTcpExt(readOr('/proc/net/netstat'));
    // Machine-wide (another engineer's storm counts too): read with the load average.
    const grew = (k: string): number => (tcp[k] ?? 0) - (tcpBefore[k] ?? 0);
    const ready = setup.connectMs.count;
    const seconds =
      g.lastReadyAt > g.firstConnectAt ? (g.lastReadyAt - g.firstConnectAt) / 1000 : 0;
    await sleep(SETTLE_MS);
    const pids = treePids(server.pid);
    const heldBytes = treeRssBytes(server.pid);
    const serverAlive = pids !== null && pids.length >= fixedPids.length;
    const shortfall = classifyShortfall({
      target: layout.connections,
      ready,
      closeReasons: g.closeReasons,
      serverAlive,
      memAvailableBytes: os.freemem(),
      memTotalBytes: os.totalmem(),
      generatorCpuCores: setup.cpuCores(),
      serverCpuCores,
      cores: os.cpus().length,
      loadAvg1: os.loadavg()[0] ?? 0,
      listenOverflows: grew('ListenOverflows'),
    });
    connect = {
      ready,
      acked: g.acked,
      seconds,
      perSec: seconds > 0 ? Math.round(ready / seconds) : null,
      p99Ms: ready === 0 ? null : Math.round(setup.connectMs.percentile(0.99) * 100) / 100,
      memory:
        heldBytes === null
          ? null
          : memoryFigures({
              fixedBytes,
              processes: fixedPids.length,
              heldBytes,
              connections: ready,
            }),
      fdsPerProcess: (pids ?? []).map(openFileCount),
      shortfall,
      closeReasons: g.closeReasons,
      generatorCpuCores: Math.round(setup.cpuCores() * 100) / 100,
      serverCpuCores: serverCpuCores === null ? null : Math.round(serverCpuCores * 100) / 100,
      listenOverflows: grew('ListenOverflows'),
      synRetransmits: grew('TCPSynRetrans'),
      loadAvg1: Math.round((os.loadavg()[0] ?? 0) * 10) / 10,
    };
    heldShare = g.acked / layout.subscriptions;
    const m = connect.memory;
    log(
      `[${label}] ${ready}/${layout.connections} held in ${seconds.toFixed(1)} s = ${connect.perSec ?? '-'} connects/s ` +
        `(gen cpu ${connect.generatorCpuCores}, srv cpu ${connect.serverCpuCores ?? '-'} cores, load ${connect.loadAvg1}, ` +
        `accept-queue overflows ${connect.listenOverflows}, SYN retransmits ${connect.synRetransmits}); ` +
        `RSS ${m?.heldMB ?? '-'} MB = ${m?.fixedMB ?? '-'} MB fixed + ${m?.bytesPerConnection ?? '-'} B/connection; ` +
        `fds per server process ${connect.fdsPerProcess.join(' ')}` +
        (shortfall === null
          ? ''
          : `; stopped by ${shortfall.limit}: ${JSON.stringify(shortfall.byCause)}`),
    );
    const go = serverAlive && ready >= layout.connections * MIN_HELD_SHARE;
    if (!go) log(`[${label}] too few connections held for the ladder; skipping it`);
    return go;
  };

  // The tree's CPU over each step (the main alone is only the dispatcher, or the relay), and
  // its RSS after the last one: the connections held through the whole flow of events.
  const measure = async (runStep: () => Promise<StepResult>): Promise<StepResult> => {
    const a = treeCpuSample(server.pid);
    const step = await runStep();
    const b = treeCpuSample(server.pid);
    lastRss = b?.rssBytes ?? null;
    return { ...step, serverCpuCores: roundOrNull(cpuCoresBetween(a, b)) };
  };

  let ladder: ScenarioResult;
  let error: string | null = null;
  try {
    ladder = await runLadder(
      ctx,
      {
        subscribers: layout.connections,
        topicPrefix: TOPIC_PREFIX,
        topicCount: layout.topics,
        topicsPerConnection: 1,
        alsoTopic: layout.alsoTopic,
        publishTopics: layout.publishTopics,
        perWorker: spread.perProcess,
        perSource: spread.perSource,
        workers: spread.processes,
        connectConcurrency: CONNECT_CONCURRENCY,
        connectForMs: connectBoundMs(layout.connections),
        // Those in flight at the bound settle within CONNECT_TIMEOUT_MS.
        readyTimeoutMs: connectBoundMs(layout.connections) + CONNECT_TIMEOUT_MS + 2000,
        sampleEvery: args.sampleEvery,
        pingEveryMs: PING_EVERY_MS,
      },
      args.linkedinRates,
      {
        label,
        // Short of the target, owe the share of subscriptions held: an estimate (each generator
        // process holds the first part of its slice of indexes, so topics are held unevenly,
        // and a step covers only part of one round of the topics), exact when all are held.
        expected: (from, to) => Math.round(owed(from, to) * heldShare),
        halfSeconds: args.linkedinSeconds,
        warmupSeconds: warmupSecondsFor(layout.publishTopics.length, args.linkedinRates[0] ?? 1),
        afterConnect,
        duringConnect,
        measure,
      },
    );
  } catch (err) {
    // The connect figures stand on their own: a ladder that breaks (a server process gone) is
    // reported with them, not instead of them.
    error = err instanceof Error ? err.message : String(err);
    log(`[${label}] ladder failed: ${error}`);
    ladder = { steps: [], capacity: null, halfCapacity: null, metrics: {}, notes: {} };
  }
  const c = connect as ConnectFigures | null;
  const marginal = marginalFigures(rssSamples, layout.connections);
  log(
    `[${label}] each added connection: ${marginal?.bytesPerConnection ?? '-'} B over ${marginal?.warmFixedMB ?? '-'} MB warm ` +
      `(RSS over connections held, ${rssSamples.length} samples)`,
  );
  const limit = c?.shortfall?.limit ?? (c === null ? Limit.Other : null);
  return {
    ...ladder,
    metrics: {
      target: layout.connections,
      held: c?.ready ?? 0,
      serverProcesses: fixedPids.length,
      generatorProcesses: spread.processes,
      connectSeconds: c === null ? null : Math.round(c.seconds * 100) / 100,
      connectsPerSec: c?.perSec ?? null,
      connectP99Ms: c?.p99Ms ?? null,
      rssFixedMB: mb(fixedBytes),
      rssFixedPerProcessMB: c?.memory?.fixedPerProcessMB ?? null,
      rssHeldMB: c?.memory?.heldMB ?? null,
      bytesPerConnection: c?.memory?.bytesPerConnection ?? null,
      marginalBytesPerConnection: marginal?.bytesPerConnection ?? null,
      rssWarmFixedMB: marginal?.warmFixedMB ?? null,
      rssAfterFlowMB: ladder.halfCapacity ? mb(lastRss) : null,
      maxFdsPerProcess: c === null ? null : Math.max(0, ...c.fdsPerProcess.map((n) => n ?? 0)),
      flowSeconds: ladder.halfCapacity ? args.linkedinSeconds : null,
    },
    notes: {
      ...ladder.notes,
      limit,
      shortfall: c?.shortfall ?? null,
      ...(error === null ? {} : { error }),
      layout: {
        topics: layout.topics,
        subscribersPerTopic: 10,
        hotSubscribers: layout.hotSubscribers,
        subscriptions: layout.subscriptions,
        hotPublishEvery: layout.hotPublishEvery,
      },
      generator: {
        processes: spread.processes,
        perProcess: spread.perProcess,
        sources: spread.sources,
      },
      connect:
        c === null
          ? null
          : {
              subscriptionsAcked: c.acked,
              fdsPerServerProcess: c.fdsPerProcess,
              generatorCpuCores: c.generatorCpuCores,
              serverCpuCores: c.serverCpuCores,
              closeReasons: c.closeReasons,
              listenOverflows: c.listenOverflows,
              synRetransmits: c.synRetransmits,
              loadAvg1: c.loadAvg1,
            },
    },
  };
}

function roundOrNull(x: number | null): number | null {
  return x === null ? null : Math.round(x * 1000) / 1000;
}

export const linkedinNode: Scenario = {
  name: 'linkedin-node',
  needs: ['ws', 'publish'],
  serverArgs: (system, args) => {
    const procs = String(serverProcessesFor(args.linkedinConns));
    if (system.kind === 'troupe') return ['--workers', procs, '--link-port', '0'];
    return system.name === 'uws-native' ? ['--procs', procs] : [];
  },
  extraRunMs: (args) =>
    linkedinBoundMs({
      connections: args.linkedinConns,
      rates: args.linkedinRates.length,
      refineSteps: args.refineSteps,
      stepSeconds: args.stepSeconds,
      flowSeconds: args.linkedinSeconds,
    }),
  skip: (system) =>
    system.kind === 'troupe' || system.name === 'uws-native'
      ? null
      : 'no multi-process mode (one process holds at most 18,000 connections here)',
  run,
};
