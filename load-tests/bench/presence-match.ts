/**
 * Matches what members did (connect, close, dropped by the server: from the member workers) with
 * what their watchers received (`presence` online/offline: from the watcher worker), member by
 * member in time order, into latencies and error counts. Pure: the scenario collects both sides
 * over IPC and calls `matchPresence` once at the end. Every time is epoch ms on this machine's
 * clock (`performance.timeOrigin + performance.now()` in every process, as the bench's other
 * latencies), so the two sides compare directly.
 *
 * Per member:
 *   connect  ──► an `online` is owed (unless the member was still announced online: it came
 *                back before its offline, which troupe never announces, by design)
 *   close    ──► an `offline` is owed
 *   online   ──► pays the owed online (latency: its connect's attempt to arrival); announced
 *                online already: a duplicate online; owed nothing otherwise: unexpected
 *   offline  ──► pays the owed offline (close to arrival, and arrival over the schedule
 *                lastSeen + d + 2ε); owed nothing: a false offline (the member never closed),
 *                unless the member had closed and come back before it: then it is late, and
 *                the return now owes an online
 */
import { ActionKind } from '../generator/presence-messages';

export { ActionKind };

export interface MemberAction {
  readonly member: number;
  readonly kind: ActionKind;
  readonly at: number;
  /** Connect: when the upgrade completed (absent: at `at`). */
  readonly openedAt?: number;
}

export interface PresenceObservation {
  readonly member: number;
  readonly online: boolean;
  /** Arrival at the watcher. */
  readonly at: number;
  /** The message's lastSeen (the last heartbeat, server clock), null when it had none. */
  readonly lastSeen: number | null;
}

export interface MatchOptions {
  /** d + 2ε: an offline is due at lastSeen + this. */
  readonly offlineDelayMs: number;
  /** Latencies only of actions at or after this (the churn's start); counts cover everything. */
  readonly measureFrom: number;
}

export interface MatchResult {
  /** Connect attempt to `online` at the watcher, ms (churn only). */
  readonly onlineMs: number[];
  /** The same from the upgrade's completion: TCP connect and upgrade left out. */
  readonly onlineFromOpenMs: number[];
  /** Close to `offline` at the watcher, ms (churn only). */
  readonly offlineMs: number[];
  /** `offline` arrival minus (lastSeen + d + 2ε): how late it is over the schedule, ms. */
  readonly offlineLateMs: number[];
  readonly falseOfflines: number;
  readonly duplicateOnlines: number;
  /** An online for a member that neither connected since its last offline nor was offline. */
  readonly unexpectedOnlines: number;
  /** Connects and closes still owed their message at the end. */
  readonly missingOnlines: number;
  readonly missingOfflines: number;
  /** Closes answered by a reconnect before their offline (never announced, by design). */
  readonly backBeforeOffline: number;
  /** Offlines of such a close that arrived after the member was back (late, not false). */
  readonly offlinesAfterReturn: number;
  /** Connections the server closed (their offline is expected and not measured). */
  readonly dropped: number;
}

type Event =
  | { readonly t: 'action'; readonly a: MemberAction }
  | { readonly t: 'seen'; readonly o: PresenceObservation };

interface MemberState {
  /** Announced online, as last seen by the watcher. */
  online: boolean;
  /** Connect waiting for its online (the attempt's start), and when it opened. */
  owedOnline: number | null;
  owedOpenedAt: number;
  /** Close waiting for its offline, and whether it was ours (measured) or the server's. */
  owedOffline: number | null;
  owedIsOurs: boolean;
  /** A connect that came before the offline of the close before it: that offline is not owed. */
  returnedAt: number | null;
  returnedOpenedAt: number;
}

type Tally = { -readonly [K in keyof MatchResult]: MatchResult[K] };

export function matchPresence(
  actions: readonly MemberAction[],
  observations: readonly PresenceObservation[],
  o: MatchOptions,
): MatchResult {
  const byMember = new Map<number, Event[]>();
  const add = (member: number, e: Event): void => {
    const list = byMember.get(member);
    if (list === undefined) byMember.set(member, [e]);
    else list.push(e);
  };
  for (const a of actions) add(a.member, { t: 'action', a });
  for (const s of observations) add(s.member, { t: 'seen', o: s });

  const r: Tally = {
    onlineMs: [],
    onlineFromOpenMs: [],
    offlineMs: [],
    offlineLateMs: [],
    falseOfflines: 0,
    duplicateOnlines: 0,
    unexpectedOnlines: 0,
    missingOnlines: 0,
    missingOfflines: 0,
    backBeforeOffline: 0,
    offlinesAfterReturn: 0,
    dropped: 0,
  };
  for (const events of byMember.values()) {
    // At equal times an action goes first: a message cannot arrive before what caused it.
    events.sort((x, y) => timeOf(x) - timeOf(y) || (x.t === 'action' ? -1 : 1));
    const s: MemberState = {
      online: false,
      owedOnline: null,
      owedOpenedAt: 0,
      owedOffline: null,
      owedIsOurs: false,
      returnedAt: null,
      returnedOpenedAt: 0,
    };
    for (const e of events) {
      if (e.t === 'action') onAction(s, e.a, r);
      else if (e.o.online) onOnline(s, e.o, r, o);
      else onOffline(s, e.o, r, o);
    }
    if (s.owedOnline !== null) r.missingOnlines++;
    if (s.owedOffline !== null) r.missingOfflines++;
  }
  return r;
}

const timeOf = (e: Event): number => (e.t === 'action' ? e.a.at : e.o.at);

function onAction(s: MemberState, a: MemberAction, r: Tally): void {
  if (a.kind === ActionKind.Connect) {
    if (s.owedOffline !== null) {
      // Back before its offline: troupe announces neither (no flap), so neither is owed.
      r.backBeforeOffline++;
      s.owedOffline = null;
      s.returnedAt = a.at;
      s.returnedOpenedAt = a.openedAt ?? a.at;
    }
    if (!s.online) {
      s.owedOnline = a.at;
      s.owedOpenedAt = a.openedAt ?? a.at;
    }
    return;
  }
  if (a.kind === ActionKind.Dropped) r.dropped++;
  s.owedOffline = a.at;
  s.owedIsOurs = a.kind === ActionKind.Close;
  s.returnedAt = null;
}

function onOnline(s: MemberState, seen: PresenceObservation, r: Tally, o: MatchOptions): void {
  if (s.online) r.duplicateOnlines++;
  else if (s.owedOnline === null) r.unexpectedOnlines++;
  else if (s.owedOnline >= o.measureFrom) {
    r.onlineMs.push(seen.at - s.owedOnline);
    r.onlineFromOpenMs.push(seen.at - s.owedOpenedAt);
  }
  s.online = true;
  s.owedOnline = null;
  s.returnedAt = null;
}

function onOffline(s: MemberState, seen: PresenceObservation, r: Tally, o: MatchOptions): void {
  s.online = false;
  if (s.owedOffline === null) {
    if (s.returnedAt === null) {
      r.falseOfflines++;
      return;
    }
    // The offline of a member who had left, arriving after it was back (over a second late):
    // not false, and the return now owes an online.
    r.offlinesAfterReturn++;
    s.owedOnline = s.returnedAt;
    s.owedOpenedAt = s.returnedOpenedAt;
    s.returnedAt = null;
    return;
  }
  if (s.owedIsOurs && s.owedOffline >= o.measureFrom) {
    r.offlineMs.push(seen.at - s.owedOffline);
    if (seen.lastSeen !== null) r.offlineLateMs.push(seen.at - (seen.lastSeen + o.offlineDelayMs));
  }
  s.owedOffline = null;
}

/** Nearest-rank percentile of `values` (q in [0, 1]); null when empty. Sorts a copy. */
export function percentileOf(values: readonly number[], q: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)));
  return sorted[rank - 1] as number;
}

export interface PresenceLatencies {
  readonly onlineSamples: number;
  readonly onlineP50Ms: number | null;
  readonly onlineP99Ms: number | null;
  /** From the upgrade's 101 to the online: what troupe's presence path takes. */
  readonly onlineFromOpenP50Ms: number | null;
  readonly onlineFromOpenP99Ms: number | null;
  readonly offlineSamples: number;
  /** Close to offline, minus d + 2ε (negative: the last heartbeat was before the close). */
  readonly offlineOverDelayP50Ms: number | null;
  readonly offlineOverDelayP99Ms: number | null;
  /** Offline arrival minus (its lastSeen + d + 2ε): the delivery latency of the offline. */
  readonly offlineLateP50Ms: number | null;
  readonly offlineLateP99Ms: number | null;
}

/** The percentiles the report states, rounded to 0.1 ms. */
export function latenciesOf(r: MatchResult, offlineDelayMs: number): PresenceLatencies {
  const q = (xs: readonly number[], p: number): number | null => {
    const v = percentileOf(xs, p);
    return v === null ? null : Math.round(v * 10) / 10;
  };
  const over = r.offlineMs.map((x) => x - offlineDelayMs);
  return {
    onlineSamples: r.onlineMs.length,
    onlineP50Ms: q(r.onlineMs, 0.5),
    onlineP99Ms: q(r.onlineMs, 0.99),
    onlineFromOpenP50Ms: q(r.onlineFromOpenMs, 0.5),
    onlineFromOpenP99Ms: q(r.onlineFromOpenMs, 0.99),
    offlineSamples: r.offlineMs.length,
    offlineOverDelayP50Ms: q(over, 0.5),
    offlineOverDelayP99Ms: q(over, 0.99),
    offlineLateP50Ms: q(r.offlineLateMs, 0.5),
    offlineLateP99Ms: q(r.offlineLateMs, 0.99),
  };
}
