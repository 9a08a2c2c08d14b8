/**
 * The owner's viewer counts (PROTOCOL.md §8): per topic, the count each gateway of this
 * datacenter reported and the sum each other datacenter sent, and what changed since the last
 * flush. Pure and clock-free: the count owner actor (`count-owner.ts`) flushes it once per
 * `--count-interval-ms` and passes the flush number as the time, so tests drive it by hand.
 *
 *   report(gw, topic, n, w) ─┐                       ┌─► [topic, total] to each gateway watching it
 *   dcSum(dc, topic, n) ─────┼─► dirty topics ─flush─┤   (only when the total changed: conflated)
 *   dropGateway(gw) ─────────┘                       └─► [topic, own dc's sum] for the other dcs
 *                                                        (when it changed, and all of them on refresh)
 *
 * Bounds: an entry exists only while some gateway or datacenter reports the topic above 0, and
 * each source (a gateway, another datacenter) holds at most `maxTopicsPerSource` topics here: a
 * hostile gateway reporting millions of topics costs that many entries, no more (the rest is
 * dropped and counted). Counts are bounded by the link validation (`MAX_COUNT`), so sums stay
 * safe integers.
 *
 * The recipients of a topic's count are the gateways that report it above 0 and watched: a
 * gateway has a watcher of a topic when one of its connections subscribed with `count: true`
 * (its report's flag, or a `count-q`, which only such a `sub` or a count read sends). Gateways
 * with subscribers but no watcher get nothing: with 6,000 subscribers over 2,000 topics and
 * nobody watching, two gateway workers sent 13,311 report items and got 8,673 totals back, now
 * none (load-tests/profiles/RESULTS.md, session of 2026-12-03, second).
 */
import { packReport, reportedCount, reportedWatched } from './count-report';
import {
  valueOf,
  firstValues,
  forEachValue,
  noNameCounts,
  sizeOfValues,
  withValue,
  withoutValue,
  type NameCounts,
} from './name-values';
import type { CountItem } from './link-messages';

interface DcSum {
  n: number;
  /** The flush at which it was last sent (refreshes included). */
  at: number;
}

interface TopicCounts {
  /**
   * Per gateway of this datacenter, above 0 only: its count and watch flag (`ReportItem`),
   * packed (count-report.ts); a flat array for a few gateways (name-values.ts).
   */
  gws: NameCounts;
  /** Sum of `gws`. */
  local: number;
  /** Other datacenters' sums, above 0 only; made for the first. */
  dcs: Map<string, DcSum> | undefined;
  /** Sum of `dcs`. */
  remote: number;
  /** The total last sent to gateways (-1: never). */
  published: number;
  /** The local sum last sent to the other datacenters. */
  sentDc: number;
  /** Changed since the last flush (listed in `CountTable#dirty`). */
  dirty: boolean;
}

export interface CountFlush {
  /** Per gateway, the totals that changed for the topics it has subscribers of. */
  readonly toGateways: Map<string, CountItem[]>;
  /** This datacenter's sums that changed (every non-zero one on a refresh). */
  readonly toDcs: CountItem[];
}

export interface TopicCountDetail {
  /** Subscribers in the whole cluster, as last reported. */
  total: number;
  /** This datacenter's gateways: subscribers each reported. */
  gateways: Record<string, number>;
  /** Other datacenters: the sum each sent. */
  dcs: Record<string, number>;
}

export interface CountTableStats {
  /** Reports dropped because their source holds `maxTopicsPerSource` topics already. */
  dropped: number;
}

export class CountTable {
  private readonly topics = new Map<string, TopicCounts>();
  /**
   * The topics changed since the last flush, in `dirty[0..dirtyCount)`, each listed once (its
   * entry's `dirty` flag): an array kept from one flush to the next, where a Set emptied by
   * every flush grew its table again, and a connect storm promoted table after table
   * (load-tests/profiles/RESULTS.md, session of 2026-12-03, second). A topic forgotten and made
   * again before the flush may be listed twice; the flush acts on each entry once.
   */
  private dirty: (string | undefined)[] = [];
  private dirtyCount = 0;
  /** Topics held per source (gateway node, or `dc:` + datacenter name). */
  private readonly perSource = new Map<string, number>();
  readonly stats: CountTableStats = { dropped: 0 };

  constructor(private readonly maxTopicsPerSource: number) {}

  get size(): number {
    return this.topics.size;
  }

  /** Gateways and datacenters holding at least one topic here. */
  get sources(): number {
    return this.perSource.size;
  }

  /**
   * Gateway `gw` has `n` subscribers of `topic` now (0: none), and `watched`: some of them want
   * its count (the topic's changed totals go to that gateway).
   */
  report(gw: string, topic: string, n: number, watched = true): void {
    let t = this.topics.get(topic);
    const v = t === undefined ? undefined : valueOf(t.gws, gw);
    const had = reportedCount(v);
    if (n === had && (n === 0 || watched === reportedWatched(v))) return;
    if (had === 0) {
      if (!this.take(gw)) return;
      t ??= this.entry(topic);
    }
    t = t!;
    if (n === 0) {
      t.gws = withoutValue(t.gws, gw);
      this.release(gw);
    } else t.gws = withValue(t.gws, gw, packReport(n, watched));
    t.local += n - had;
    this.mark(topic, t);
  }

  /** Datacenter `dc` has `n` subscribers of `topic` (0: none), as of flush `at`. */
  dcSum(dc: string, topic: string, n: number, at: number): void {
    let t = this.topics.get(topic);
    const cur = t?.dcs?.get(dc);
    const had = cur?.n ?? 0;
    if (cur !== undefined) cur.at = at;
    if (n === had) return;
    const source = `dc:${dc}`;
    if (had === 0) {
      if (!this.take(source)) return;
      t ??= this.entry(topic);
    }
    t = t!;
    if (n === 0) {
      t.dcs!.delete(dc);
      this.release(source);
    } else if (cur !== undefined) cur.n = n;
    else (t.dcs ??= new Map()).set(dc, { n, at });
    t.remote += n - had;
    this.mark(topic, t);
  }

  /** Every subscriber of `topic` in the cluster, but those of gateway `gw`. */
  othersOf(topic: string, gw: string): number {
    const t = this.topics.get(topic);
    return t === undefined ? 0 : t.local + t.remote - reportedCount(valueOf(t.gws, gw));
  }

  /** A gateway is gone (its link dropped): its counts leave every sum at the next flush. */
  dropGateway(gw: string): void {
    if (!this.perSource.has(gw)) return;
    for (const topic of this.topics.keys()) this.report(gw, topic, 0);
    this.perSource.delete(gw);
  }

  /** Lets go of the sums of other datacenters not refreshed since flush `before`. */
  expireDcs(before: number): void {
    for (const [topic, t] of this.topics) {
      if (t.dcs === undefined) continue;
      for (const [dc, s] of t.dcs) if (s.at < before) this.dcSum(dc, topic, 0, s.at);
    }
  }

  /** Ownership moved: forget the topics this owner no longer owns (their gateways re-report). */
  retain(owns: (topic: string) => boolean): void {
    for (const [topic, t] of this.topics) {
      if (owns(topic)) continue;
      forEachValue(t.gws, (gw) => this.release(gw));
      if (t.dcs !== undefined) for (const dc of t.dcs.keys()) this.release(`dc:${dc}`);
      this.topics.delete(topic);
    }
  }

  /**
   * What to send now: each changed total once to the topic's watching gateways (a topic nobody
   * watches costs no message, however its count moves), and this datacenter's
   * changed sums (all of them above 0 when `refresh`). Entries nobody reports any more go.
   */
  flush(refresh: boolean): CountFlush {
    const toGateways = new Map<string, CountItem[]>();
    const toDcs: CountItem[] = [];
    /** On a refresh, the topics whose sum went out already in this flush. */
    const sent = refresh ? new Set<string>() : undefined;
    const { dirty } = this;
    for (let i = 0; i < this.dirtyCount; i++) {
      const topic = dirty[i]!;
      dirty[i] = undefined;
      const t = this.topics.get(topic);
      if (t === undefined || !t.dirty) continue;
      t.dirty = false;
      const total = t.local + t.remote;
      if (total !== t.published) {
        t.published = total;
        forEachValue(t.gws, (gw, v) => {
          if (!reportedWatched(v)) return;
          const list = toGateways.get(gw);
          if (list === undefined) toGateways.set(gw, [[topic, total]]);
          else list.push([topic, total]);
        });
      }
      if (t.local !== t.sentDc) {
        t.sentDc = t.local;
        toDcs.push([topic, t.local]);
        sent?.add(topic);
      }
      if (sizeOfValues(t.gws) === 0 && t.remote === 0) this.topics.delete(topic);
    }
    if (refresh) {
      for (const [topic, t] of this.topics) {
        if (t.local > 0 && !sent!.has(topic)) toDcs.push([topic, t.local]);
      }
    }
    this.dirtyCount = 0;
    return { toGateways, toDcs };
  }

  /**
   * One topic's counts for the admin socket: the total, each reporting gateway's count and each
   * other datacenter's sum (at most `limit` of each), or undefined when nobody reports it.
   */
  detail(topic: string, limit: number): TopicCountDetail | undefined {
    const t = this.topics.get(topic);
    if (t === undefined) return undefined;
    return {
      total: t.local + t.remote,
      gateways: Object.fromEntries(
        firstValues(t.gws, limit).map(([gw, v]) => [gw, reportedCount(v)]),
      ),
      dcs: Object.fromEntries(
        [...(t.dcs ?? new Map<string, DcSum>())].slice(0, limit).map(([dc, d]) => [dc, d.n]),
      ),
    };
  }

  /** The `n` topics with the most subscribers in the cluster, most first (admin socket). */
  top(n: number): CountItem[] {
    const all: CountItem[] = [...this.topics].map(([topic, t]) => [topic, t.local + t.remote]);
    return all.sort((a, b) => b[1] - a[1]).slice(0, n);
  }

  /** Per-topic view for `inspect` (at most `limit` topics). */
  snapshot(limit: number): Record<string, { total: number; gateways: number; dcs: number }> {
    const out: Record<string, { total: number; gateways: number; dcs: number }> = {};
    let i = 0;
    for (const [topic, t] of this.topics) {
      if (i++ >= limit) break;
      out[topic] = {
        total: t.local + t.remote,
        gateways: sizeOfValues(t.gws),
        dcs: t.dcs?.size ?? 0,
      };
    }
    return out;
  }

  private entry(topic: string): TopicCounts {
    const t: TopicCounts = {
      gws: noNameCounts(),
      local: 0,
      dcs: undefined,
      remote: 0,
      published: -1,
      sentDc: 0,
      dirty: false,
    };
    this.topics.set(topic, t);
    return t;
  }

  /** Lists a changed topic for the next flush, once. */
  private mark(topic: string, t: TopicCounts): void {
    if (t.dirty) return;
    t.dirty = true;
    this.dirty[this.dirtyCount++] = topic;
  }

  /** One more topic for `source`, unless it holds its share already. */
  private take(source: string): boolean {
    const held = this.perSource.get(source) ?? 0;
    if (held >= this.maxTopicsPerSource) {
      this.stats.dropped++;
      return false;
    }
    this.perSource.set(source, held + 1);
    return true;
  }

  private release(source: string): void {
    const held = this.perSource.get(source);
    if (held === undefined) return;
    if (held <= 1) this.perSource.delete(source);
    else this.perSource.set(source, held - 1);
  }
}
