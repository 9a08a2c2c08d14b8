/**
 * The admin socket's topic views (`troupe admin topics`, `troupe admin topic NAME`) for a node:
 * what its dispatcher actor holds (owner, seq, epoch, history), what its count owner was told
 * (subscribers per gateway) and, on a node with a gateway, the local subscribers. Every read is
 * one message to the actor that owns the table, answered from inside its `receive`; the admin
 * server bounds the wait.
 */
import type { ActorRef } from '../actors';
import type { TopicCountDetail } from '../dispatcher/count-table';
import type { CountMsg } from '../dispatcher/count-owner';
import type { DispatcherMsg } from '../dispatcher/dispatcher-actor';
import type { DispatcherTopicDetail, DispatcherTopicRow } from '../dispatcher/topic-report';
import type { CountItem, ReportItem } from '../dispatcher/types';

/** One row of `topics`: what the node knows of it (fields it does not know are absent). */
export interface TopicRow {
  topic: string;
  /** Subscribers: the cluster-wide count where a count owner here knows it, else local ones. */
  subscribers?: number;
  seq?: number;
  epoch?: string;
  /** Held history. */
  events?: number;
  bytes?: number;
  /** Gateways with interest (dispatcher). */
  gateways?: number;
}

export interface TopicsReport {
  /** Topics this node knows: with a log (dispatcher) or with local subscribers (gateway). */
  total: number;
  topics: TopicRow[];
}

export interface TopicReport {
  topic: string;
  /** This node, when its dispatcher holds the topic's log or position. */
  owner?: string;
  epoch?: string;
  seq?: number;
  history?: { events: number; bytes: number; firstSeq: number };
  /** Gateways with interest, by name (at most Limits.maxAdminReportGateways). */
  interest?: string[];
  /** Subscribers per gateway, as reported to this node's count owner. */
  gateways?: Record<string, number>;
  /** Other datacenters' subscriber sums. */
  dcs?: Record<string, number>;
  /** Cluster-wide subscribers, where known. */
  count?: number;
  /** Subscribers on this node's gateway. */
  local?: number;
}

export interface TopicSources {
  node: string;
  dispatcher?: ActorRef<DispatcherMsg>;
  counts?: ActorRef<CountMsg>;
  /** The gateway's local subscriber counts. */
  local?: { counts(): IterableIterator<ReportItem>; of(topic: string): number; topics: number };
}

/** One request to an actor that answers through a reply callback. */
function call<T>(what: string, send: (reply: (v: T) => void) => boolean): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (!send(resolve)) reject(new Error(`${what} is not running or its mailbox is full`));
  });
}

interface Ranked<R> {
  rows: R[];
  total: number;
}

function dispatcherRows(s: TopicSources, top: number): Promise<Ranked<DispatcherTopicRow>> {
  const d = s.dispatcher;
  if (d === undefined) return Promise.resolve({ rows: [], total: 0 });
  return call('the dispatcher', (reply) =>
    d.tell({ type: 'admin-topics', top, reply: (rows, total) => reply({ rows, total }) }),
  );
}

/** The count owner's most watched topics (cluster-wide counts), or the gateway's local ones. */
async function subscriberRows(s: TopicSources, top: number): Promise<Ranked<CountItem>> {
  const c = s.counts;
  if (c !== undefined) {
    return call('the count owner', (reply) =>
      c.tell({ type: 'admin-top', top, reply: (rows, total) => reply({ rows, total }) }),
    );
  }
  // Rows of [topic, n]: the watch flag of a gateway's report is the owner's business.
  const rows: CountItem[] = [];
  if (s.local !== undefined) for (const [topic, n] of s.local.counts()) rows.push([topic, n]);
  rows.sort((a, b) => b[1] - a[1]);
  return { rows: rows.slice(0, top), total: s.local?.topics ?? 0 };
}

function countsOf(s: TopicSources, topics: readonly string[]) {
  const c = s.counts;
  if (c === undefined || topics.length === 0) {
    return Promise.resolve(topics.map((): TopicCountDetail | undefined => undefined));
  }
  return call<(TopicCountDetail | undefined)[]>('the count owner', (reply) =>
    c.tell({ type: 'admin-counts', topics, reply }),
  );
}

function dispatcherTopic(s: TopicSources, topic: string) {
  const d = s.dispatcher;
  if (d === undefined) return Promise.resolve(undefined);
  return call<DispatcherTopicDetail | undefined>('the dispatcher', (reply) =>
    d.tell({ type: 'admin-topic', topic, reply }),
  );
}

/** The `top` topics with the most subscribers (then held events, then name). */
export async function topicsReport(s: TopicSources, top: number): Promise<TopicsReport> {
  // Candidates: the top by held events and the top by subscribers; the best `top` of both.
  const held = await dispatcherRows(s, top);
  const watched = await subscriberRows(s, top);
  const rows = new Map<string, TopicRow>();
  for (const r of held.rows) rows.set(r.topic, { ...r });
  for (const [topic, n] of watched.rows) {
    rows.set(topic, { ...rows.get(topic), topic, subscribers: n });
  }
  // Rows known by their history only: their subscribers, from the count owner.
  const unknown = [...rows.values()].filter((r) => r.subscribers === undefined).map((r) => r.topic);
  const counts = await countsOf(s, unknown);
  unknown.forEach((topic, i) => {
    const total = counts[i]?.total;
    if (total !== undefined) rows.get(topic)!.subscribers = total;
  });
  // Rows known by their subscribers only: their history, from the dispatcher.
  for (const row of rows.values()) {
    if (row.seq !== undefined || s.dispatcher === undefined) continue;
    const detail = await dispatcherTopic(s, row.topic);
    if (detail !== undefined) {
      const { epoch, seq, events, bytes, gateways } = detail;
      Object.assign(row, { seq, epoch, events, bytes, gateways });
    }
  }
  const list = [...rows.values()];
  list.sort(
    (a, b) =>
      (b.subscribers ?? 0) - (a.subscribers ?? 0) ||
      (b.events ?? 0) - (a.events ?? 0) ||
      (a.topic < b.topic ? -1 : 1),
  );
  const total = Math.max(rows.size, held.total, watched.total);
  return { total, topics: list.slice(0, top) };
}

/** One topic, or undefined when the node knows nothing of it. */
export async function topicReport(
  s: TopicSources,
  topic: string,
): Promise<TopicReport | undefined> {
  const detail = await dispatcherTopic(s, topic);
  const [counts] = await countsOf(s, [topic]);
  const local = s.local?.of(topic) ?? 0;
  if (detail === undefined && counts === undefined && local === 0) return undefined;
  const report: TopicReport = { topic };
  if (detail !== undefined) {
    const { epoch, seq, events, bytes, firstSeq, interest } = detail;
    Object.assign(report, { owner: s.node, epoch, seq, history: { events, bytes, firstSeq } });
    report.interest = interest;
  }
  if (counts !== undefined) {
    Object.assign(report, { gateways: counts.gateways, dcs: counts.dcs, count: counts.total });
  }
  if (s.local !== undefined) report.local = local;
  return report;
}
