/**
 * The shape of the linkedin-node scenario (issue 14), as pure arithmetic: which topics each
 * connection holds, what the publisher sends to, how many deliveries a run of publishes owes,
 * and how the connections spread over server and generator processes and source addresses.
 *
 * N connections: N/10 personal topics of 10 subscribers (connection i holds `li.<i mod N/10>`)
 * and one hot topic `li.hot` held by one connection in 10 (i = 0, 10, 20, ...), so a connection
 * holds one or two subscriptions. N = 100,000 is issue 14's shape: 10,000 topics x 10 and a
 * hot topic of 10,000. The publisher goes round-robin over the personal topics and sends one
 * publish to the hot topic after every N/100 of them, so the hot topic takes about half of the
 * deliveries (10,000 per publish) and the personal topics the other half (10 per publish).
 */
import { maxConnectionsFor } from '../../server/open-file-limit';
import {
  CONNECTIONS_PER_SOURCE,
  shareOf,
  sourceBlocks,
  workerCount,
} from '../generator/subscriber-pool';
import type { AlsoTopic } from '../generator/worker-messages';

export const SUBS_PER_TOPIC = 10;
/** One connection in this many also holds the hot topic. */
export const HOT_EVERY = 10;
export const TOPIC_PREFIX = 'li.';
export const HOT_TOPIC = 'li.hot';
/**
 * Connections per process, server worker or generator: under the 18,000 a process gets under
 * this machine's 20,000 open files (server/open-file-limit.ts keeps a tenth back), with room for
 * SO_REUSEPORT's uneven hash (a worker gets its share +- a few hundred at 100,000).
 */
export const PER_PROCESS = 15_000;
/** Share of a source address's ephemeral ports the generator may use. */
const PORT_SHARE = 0.9;

export interface LinkedinLayout {
  readonly connections: number;
  /** Personal topics (`li.0` ..), each with SUBS_PER_TOPIC subscribers (a few one less). */
  readonly topics: number;
  readonly hotSubscribers: number;
  /** Personal + hot subscriptions. */
  readonly subscriptions: number;
  readonly alsoTopic: AlsoTopic;
  /** Personal-topic publishes per hot-topic publish. */
  readonly hotPublishEvery: number;
  /** The publisher's round-robin: every personal topic once, the hot topic in between. */
  readonly publishTopics: readonly string[];
  /** Deliveries one publish to `publishTopics[i]` owes, with every connection held. */
  readonly fanouts: readonly number[];
}

export function linkedinLayout(connections: number): LinkedinLayout {
  const n = Math.max(1, Math.floor(connections));
  const topics = Math.max(1, Math.ceil(n / SUBS_PER_TOPIC));
  const hotSubscribers = Math.ceil(n / HOT_EVERY);
  const hotPublishEvery = Math.max(1, Math.round(hotSubscribers / SUBS_PER_TOPIC));
  const publishTopics: string[] = [];
  const fanouts: number[] = [];
  for (let k = 0; k < topics; k++) {
    publishTopics.push(`${TOPIC_PREFIX}${k}`);
    fanouts.push(shareOf(n, topics, k)); // connection i holds topic i mod topics
    if ((k + 1) % hotPublishEvery === 0) {
      publishTopics.push(HOT_TOPIC);
      fanouts.push(hotSubscribers);
    }
  }
  return {
    connections: n,
    topics,
    hotSubscribers,
    subscriptions: n + hotSubscribers,
    alsoTopic: { name: HOT_TOPIC, every: HOT_EVERY },
    hotPublishEvery,
    publishTopics,
    fanouts,
  };
}

/**
 * Deliveries owed by the publishes at round-robin positions [from, to) (position p goes to
 * entry p mod length), in O(length) once and O(1) per call.
 */
export function deliveriesBetween(
  fanouts: readonly number[],
): (from: number, to: number) => number {
  const cum = [0];
  for (const f of fanouts) cum.push((cum[cum.length - 1] as number) + f);
  const len = fanouts.length;
  const cycle = cum[len] as number;
  const upTo = (p: number): number =>
    len === 0 ? 0 : Math.floor(p / len) * cycle + (cum[p % len] as number);
  return (from, to) => (to <= from ? 0 : upTo(to) - upTo(from));
}

/** The longest warm-up: at a low first rate, a round of 10,000 topics would take minutes. */
export const MAX_WARMUP_SECONDS = 10;

/**
 * Seconds of warm-up at `rate` for one round of the round-robin, so the first measured step
 * does not pay for every topic's first publish (history, routes); 1 to MAX_WARMUP_SECONDS.
 */
export function warmupSecondsFor(publishTopics: number, rate: number): number {
  return Math.min(MAX_WARMUP_SECONDS, Math.max(1, Math.ceil(publishTopics / Math.max(1, rate))));
}

/** Connects/s below which the connect phase gives up: the figure would say nothing more. */
export const MIN_CONNECTS_PER_SEC = 1000;

/** The connect phase's time bound: `connections` at MIN_CONNECTS_PER_SEC, at least a minute. */
export function connectBoundMs(connections: number): number {
  return Math.max(60_000, Math.ceil((connections / MIN_CONNECTS_PER_SEC) * 1000));
}

/**
 * The longest one linkedin-node run may take per system, from its own bounds: the connect
 * phase, the warm-up, every ladder step (rates, bisection, and the drain and pause after each)
 * and the flow, plus a minute for start, settling and stop. The bench's watchdog adds it.
 */
export function linkedinBoundMs(o: {
  readonly connections: number;
  readonly rates: number;
  readonly refineSteps: number;
  readonly stepSeconds: number;
  readonly flowSeconds: number;
}): number {
  const perStep = o.stepSeconds + 3 + 1.5; // step, drain, pause (step-ladder.ts)
  return (
    connectBoundMs(o.connections) +
    (MAX_WARMUP_SECONDS + (o.rates + o.refineSteps) * perStep + o.flowSeconds + 3 + 60) * 1000
  );
}

/** Server processes for `connections`: at least 2 (the multi-process path), PER_PROCESS each. */
export function serverProcessesFor(connections: number): number {
  return Math.max(2, Math.ceil(connections / PER_PROCESS));
}

export interface GeneratorSpread {
  /** Connections one generator process holds at most. */
  readonly perProcess: number;
  /** Connections per source address: CONNECTIONS_PER_SOURCE, or less on a narrow port range. */
  readonly perSource: number;
  readonly processes: number;
  /** Connections of each process, in order; process i connects from the addresses `sources[i]`. */
  readonly shares: readonly number[];
  readonly sources: readonly (readonly string[])[];
}

/**
 * Generator processes for `connections`: each under its open-file limit (less the reserve the
 * server keeps too), at most PER_PROCESS, and at least `minProcesses`. Each process connects
 * from a block of loopback addresses of its own (`sourceBlocks`), one per `perSource`
 * connections: CONNECTIONS_PER_SOURCE, or PORT_SHARE of one address's ephemeral ports where
 * the kernel's port range is narrower than that.
 */
export function generatorSpread(
  connections: number,
  limits: { readonly fdLimit: number | undefined; readonly portsPerSource: number },
  minProcesses = 1,
): GeneratorSpread {
  const perProcess = Math.max(1, Math.min(PER_PROCESS, maxConnectionsFor(limits.fdLimit)));
  const perSource = Math.max(
    1,
    Math.min(CONNECTIONS_PER_SOURCE, Math.floor(limits.portsPerSource * PORT_SHARE)),
  );
  const processes = workerCount(connections, perProcess, minProcesses);
  const shares = Array.from({ length: processes }, (_, i) => shareOf(connections, processes, i));
  return { perProcess, perSource, processes, shares, sources: sourceBlocks(shares, perSource) };
}

/** Ports of `/proc/sys/net/ipv4/ip_local_port_range` ("32768\t60999"); null when unreadable. */
export function parsePortRange(text: string): number | null {
  const m = /^\s*(\d+)\s+(\d+)\s*$/.exec(text);
  if (m === null) return null;
  const lo = Number(m[1]);
  const hi = Number(m[2]);
  return hi >= lo ? hi - lo + 1 : null;
}
