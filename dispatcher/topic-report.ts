/**
 * What the admin socket says of a dispatcher's topics (`troupe admin topics`, `topic NAME`):
 * read from the dispatcher actor's own tables inside its `receive`, so the answer is one
 * consistent moment of them. Bounded: `topics` returns at most `top` rows however many topics
 * there are, and the per-topic gateway list at most MAX_REPORT_GATEWAYS names.
 */
import { Limits } from '../server/limits';
import { membersOf, type SetMap } from './one-or-many';
import type { TopicLog } from './topic-log';

/** One topic as this dispatcher holds it. */
export interface DispatcherTopicRow {
  topic: string;
  epoch: string;
  seq: number;
  /** Held history: events, estimated bytes, the oldest held seq. */
  events: number;
  bytes: number;
  /** Gateways with interest (their subscribers are counted by the count owner). */
  gateways: number;
}

export interface DispatcherTopicDetail extends DispatcherTopicRow {
  firstSeq: number;
  /** Names of the gateways with interest, at most MAX_REPORT_GATEWAYS. */
  interest: string[];
  /** False for a topic without a log: only its position (epoch, seq) is held. */
  logged: boolean;
}

export const MAX_REPORT_GATEWAYS = Limits.maxAdminReportGateways;

export interface DispatcherTables {
  readonly logs: ReadonlyMap<string, TopicLog>;
  readonly positions: ReadonlyMap<string, { readonly epoch: string; readonly seq: number }>;
  readonly interest: SetMap<string, string>;
}

function gatewaysOf(t: DispatcherTables, topic: string): string[] {
  const members = t.interest.get(topic);
  return members === undefined ? [] : membersOf(members);
}

/**
 * The `top` topics with a log, the most held events first (then the most gateways, then name).
 * Bytes are summed for the rows returned only.
 */
export function topTopics(t: DispatcherTables, top: number): DispatcherTopicRow[] {
  const rows = [...t.logs.values()].map((log) => ({
    log,
    gateways: gatewaysOf(t, log.topic).length,
  }));
  rows.sort(
    (a, b) =>
      b.log.held - a.log.held ||
      b.gateways - a.gateways ||
      (a.log.topic < b.log.topic ? -1 : a.log.topic > b.log.topic ? 1 : 0),
  );
  return rows.slice(0, top).map(({ log, gateways }) => ({
    topic: log.topic,
    epoch: log.epoch,
    seq: log.lastSeq,
    events: log.held,
    bytes: log.bytes,
    gateways,
  }));
}

/** One topic, or undefined when this dispatcher holds neither a log nor a position of it. */
export function topicDetail(t: DispatcherTables, topic: string): DispatcherTopicDetail | undefined {
  const gateways = gatewaysOf(t, topic);
  const interest = gateways.slice(0, MAX_REPORT_GATEWAYS);
  const log = t.logs.get(topic);
  if (log !== undefined) {
    const { epoch, lastSeq: seq, held: events, bytes, firstSeq } = log;
    return {
      topic,
      epoch,
      seq,
      events,
      bytes,
      firstSeq,
      gateways: gateways.length,
      interest,
      logged: true,
    };
  }
  const pos = t.positions.get(topic);
  if (pos === undefined) return undefined;
  return {
    topic,
    epoch: pos.epoch,
    seq: pos.seq,
    events: 0,
    bytes: 0,
    firstSeq: pos.seq + 1,
    gateways: gateways.length,
    interest,
    logged: false,
  };
}
