/**
 * presence (troupe only): how fast members' status changes reach their watchers while many
 * members are online and some come and go (PROTOCOL.md §7, issue 11's bar: p99 under 200 ms
 * over the configured delays).
 *
 *   server   troupe --workers 2 (gateways in two processes, the main is the dispatcher tier
 *            and holds /user/presence), d = 1000 ms, ε = 250 ms, memory store
 *   watchers one worker process: presence subscriptions to `presence:<m>` of 500 members
 *            (250 per connection), half of them steady (never churned), half churning
 *   members  `presenceMembers` connections with `?member=`, spread over >= 2 worker processes
 *            and loopback source addresses; all online (troupe_presence_online) before the churn
 *   churn    `presenceChurn` closes/s and as many opens/s for `presenceSeconds` (presence-churn.ts:
 *            online >= 1 s, offline >= d + 2ε + 1 s, a watched member on every other close)
 *   then     d + 2ε + 1.5 s for the last offlines, and the matching (presence-match.ts)
 *
 * Reports connect -> `online` at the watcher (p50/p99), close -> `offline` minus d + 2ε, the
 * offline's arrival over its schedule (lastSeen + d + 2ε), false offlines and duplicate onlines
 * (both must be 0), and heartbeats handled per dispatcher core: the increase of
 * troupe_presence_heartbeats_total over the churn / the CPU seconds the main process used then.
 */
import * as os from 'node:os';
import { cpuCoresBetween, sampleProc, type ProcSample } from '../../generator/proc-stats';
import { PresencePool } from '../../generator/presence-pool';
import { sleep } from '../../generator/subscriber-pool';
import { epochNow } from '../../generator/worker-stats';
import { ChurnSchedule, pickWatched } from '../presence-churn';
import { latenciesOf, matchPresence } from '../presence-match';
import { treePids } from '../proc-tree';
import { awaitMetricAtLeast, scrapeMetrics } from '../prom-text';
import type { System } from '../systems';
import type { Scenario } from './scenario';

/** d and ε of the run: short, so a run sees many offlines, yet d is 4x ε as by default. */
export const PRESENCE_D_MS = 1000;
export const PRESENCE_GRACE_MS = 250;
const OFFLINE_DELAY_MS = PRESENCE_D_MS + 2 * PRESENCE_GRACE_MS;
const GATEWAY_WORKERS = 2;
const WATCHED = 500;
const MIN_ONLINE_MS = 1000;
/** Past d + 2ε by a second: the offline is out before the member comes back. */
const MIN_OFFLINE_MS = OFFLINE_DELAY_MS + 1000;
const CHURN_TICK_MS = 10;
/**
 * How long every member may take to be online before the churn starts anyway. With the pool's
 * bounds (watchers 15 s, members 45 s) and 20 s for the workers, the worst case stays under
 * 3 minutes with 60 s of churn.
 */
const ONLINE_WAIT_MS = 20_000;
/** Member connections per member worker at most. */
const PER_WORKER = 8000;

const HEARTBEATS = 'troupe_presence_heartbeats_total';
const ONLINE = 'troupe_presence_online';
const WORKERS_UP = 'troupe_workers_answering';
/** Longest event-loop stall of any troupe process since the previous scrape (prom-client's max). */
const LAG_MAX = 'troupe_process_nodejs_eventloop_lag_max_seconds';
const TO_ONLINE = 'troupe_presence_changes_total{to="online"}';
const TO_OFFLINE = 'troupe_presence_changes_total{to="offline"}';

export const presence: Scenario = {
  name: 'presence',
  // http: the main's (the dispatcher's) /metrics, which sums the whole node's.
  needs: ['ws', 'http'],
  serverArgs: () => [
    '--workers',
    String(GATEWAY_WORKERS),
    '--link-port',
    '0',
    '--presence-interval-ms',
    String(PRESENCE_D_MS),
    '--presence-grace-ms',
    String(PRESENCE_GRACE_MS),
  ],
  skip(system: System): string | null {
    if (system.kind !== 'troupe') return 'no presence in this baseline';
    return system.troupeBin?.() ? null : 'troupe is not built';
  },
  async run(ctx) {
    const { args, server, log } = ctx;
    const label = `${ctx.system.name} presence`;
    const ws = server.endpoint('ws');
    const http = server.endpoint('http');
    const n = args.presenceMembers;
    const sample = pickWatched(n, WATCHED);
    const pool = new PresencePool({
      host: ws.host,
      port: ws.port,
      prefix: 'pm-',
      members: n,
      watched: sample.watched,
      perWorker: PER_WORKER,
      minWorkers: 2,
    });
    try {
      // `ws` is printed once the first gateway worker listens: wait for every one of them.
      const workers = await awaitMetricAtLeast(http, WORKERS_UP, GATEWAY_WORKERS, 20_000);
      if (workers === null || workers < GATEWAY_WORKERS)
        throw new Error(`${workers ?? 'no'} of ${GATEWAY_WORKERS} gateway workers answer`);
      await pool.startWatchers();
      const acked = pool.counters().watcher.acked;
      if (acked === 0) throw new Error('no presence subscription was acknowledged');
      const t0 = performance.now();
      await pool.startMembers();
      const online = await awaitMetricAtLeast(http, ONLINE, n, ONLINE_WAIT_MS, 200);
      const connectSeconds = (performance.now() - t0) / 1000;
      const c0 = pool.counters();
      log(
        `[${label}] ${c0.watcher.acked} presence subscriptions (${c0.watcher.ackedOnline} acked online), ` +
          `${c0.members.open}/${n} members connected from ${pool.workers - 1} worker processes, ` +
          `${online ?? '-'} online at the dispatcher after ${connectSeconds.toFixed(1)} s; d ${PRESENCE_D_MS} ms, e ${PRESENCE_GRACE_MS} ms`,
      );

      const schedule = new ChurnSchedule(
        {
          members: n,
          steady: sample.steady,
          watched: sample.churning,
          ratePerSec: args.presenceChurn,
          minOnlineMs: MIN_ONLINE_MS,
          minOfflineMs: MIN_OFFLINE_MS,
        },
        performance.now(),
      );
      const m0 = await scrapeMetrics(http, [HEARTBEATS, TO_ONLINE, TO_OFFLINE]);
      const cpu0 = sampleProc(server.pid);
      const gatewayPids = (treePids(server.pid) ?? []).filter((p) => p !== server.pid);
      const gw0 = gatewayPids.map(sampleProc);
      const measureFrom = epochNow();
      const end = performance.now() + args.presenceSeconds * 1000;
      while (performance.now() < end) {
        const due = schedule.due(performance.now());
        if (due.close.length > 0 || due.open.length > 0) pool.churn(due.close, due.open);
        await sleep(CHURN_TICK_MS);
      }
      const cpu1 = sampleProc(server.pid);
      const gw1 = gatewayPids.map(sampleProc);
      const loadAvg1 = round(os.loadavg()[0] ?? 0, 1);
      const m1 = await scrapeMetrics(http, [HEARTBEATS, TO_ONLINE, TO_OFFLINE, ONLINE, LAG_MAX]);
      // The last closes' offlines are due up to d + 2ε after them.
      await sleep(OFFLINE_DELAY_MS + 1500);
      await pool.flush();

      const match = matchPresence(pool.actions, pool.observations, {
        offlineDelayMs: OFFLINE_DELAY_MS,
        measureFrom,
      });
      const lat = latenciesOf(match, OFFLINE_DELAY_MS);
      const delta = (k: string): number | null =>
        m0[k] == null || m1[k] == null ? null : (m1[k] as number) - (m0[k] as number);
      const heartbeats = delta(HEARTBEATS);
      const cpuSeconds =
        cpu0 === null || cpu1 === null ? null : round(cpu1.cpuSeconds - cpu0.cpuSeconds, 2);
      const seconds =
        cpu0 !== null && cpu1 !== null ? (cpu1.at - cpu0.at) / 1000 : args.presenceSeconds;
      const perCore =
        heartbeats === null || cpuSeconds === null || cpuSeconds <= 0
          ? null
          : Math.round(heartbeats / cpuSeconds);
      const c = pool.counters();
      const figures = {
        members: n,
        churnPerSec: args.presenceChurn,
        watched: sample.watched.length,
        dMs: PRESENCE_D_MS,
        graceMs: PRESENCE_GRACE_MS,
        ...lat,
        falseOfflines: match.falseOfflines,
        duplicateOnlines: match.duplicateOnlines,
        unexpectedOnlines: match.unexpectedOnlines,
        missingOnlines: match.missingOnlines,
        missingOfflines: match.missingOfflines,
        heartbeatsPerSec: heartbeats === null ? null : Math.round(heartbeats / seconds),
        dispatcherCpuCores: cpuSeconds === null ? null : round(cpuSeconds / seconds, 3),
        gatewaysCpuCores: sumCores(gw0, gw1),
        loadAvg1,
        eventLoopLagMaxMs: m1[LAG_MAX] == null ? null : round((m1[LAG_MAX] as number) * 1000, 1),
        heartbeatsPerDispatcherCore: perCore,
        churnCloses: schedule.counts.closes,
        churnOpens: schedule.counts.opens,
      };
      log(
        `[${label}] churn ${args.presenceChurn}/s for ${args.presenceSeconds} s: ${schedule.counts.closes} closes, ${schedule.counts.opens} opens; ` +
          `connect->online p50 ${lat.onlineP50Ms ?? '-'} p99 ${lat.onlineP99Ms ?? '-'} ms (${lat.onlineSamples}; from the upgrade p50 ${lat.onlineFromOpenP50Ms ?? '-'} p99 ${lat.onlineFromOpenP99Ms ?? '-'}); ` +
          `close->offline - (d+2e) p50 ${lat.offlineOverDelayP50Ms ?? '-'} p99 ${lat.offlineOverDelayP99Ms ?? '-'} ms, ` +
          `over lastSeen+d+2e p50 ${lat.offlineLateP50Ms ?? '-'} p99 ${lat.offlineLateP99Ms ?? '-'} ms (${lat.offlineSamples}); ` +
          `false offlines ${match.falseOfflines}, duplicate onlines ${match.duplicateOnlines}; ` +
          `${figures.heartbeatsPerSec ?? '-'} heartbeats/s on ${figures.dispatcherCpuCores ?? '-'} dispatcher cores = ${perCore ?? '-'}/core ` +
          `(gateways ${figures.gatewaysCpuCores ?? '-'} cores, longest event-loop stall ${figures.eventLoopLagMaxMs ?? '-'} ms, load ${loadAvg1})`,
      );
      return {
        steps: [],
        capacity: null,
        metrics: figures,
        notes: {
          server: `troupe --workers ${GATEWAY_WORKERS} (main = dispatcher tier), memory store`,
          heartbeatsPerCore:
            'increase of troupe_presence_heartbeats_total over the churn / CPU seconds (utime+stime) of the main process (the dispatcher; gateway workers excluded) over the same window',
          memberWorkers: pool.workers - 1,
          connectSeconds: round(connectSeconds, 2),
          onlineAtDispatcher: online,
          onlineAtEnd: m1[ONLINE] ?? null,
          changes: { online: delta(TO_ONLINE), offline: delta(TO_OFFLINE) },
          churn: { ...schedule.counts, minOnlineMs: MIN_ONLINE_MS, minOfflineMs: MIN_OFFLINE_MS },
          match: {
            backBeforeOffline: match.backBeforeOffline,
            offlinesAfterReturn: match.offlinesAfterReturn,
            dropped: match.dropped,
          },
          actions: {
            connect: pool.actionCounts[0],
            close: pool.actionCounts[1],
            dropped: pool.actionCounts[2],
          },
          strayObservations: pool.strayObservations,
          members: {
            open: c.members.open,
            failed: c.members.failed,
            dropped: c.members.dropped,
            errors: c.members.errors,
            closeReasons: c.members.closeReasons,
            rssBytes: c.members.rssBytes,
          },
          watcher: {
            open: c.watcher.open,
            acked: c.watcher.acked,
            ackedOnline: c.watcher.ackedOnline,
            failed: c.watcher.failed,
            dropped: c.watcher.dropped,
            errors: c.watcher.errors,
            closeReasons: c.watcher.closeReasons,
          },
          generatorCpuSeconds: round(pool.cpuSeconds, 2),
        },
      };
    } finally {
      await pool.stop();
    }
  },
};

/** CPU of several processes over the same window, in cores (null when one is gone). */
function sumCores(
  a: readonly (ProcSample | null)[],
  b: readonly (ProcSample | null)[],
): number | null {
  let total = 0;
  for (let i = 0; i < a.length; i++) {
    const c = cpuCoresBetween(a[i] ?? null, b[i] ?? null);
    if (c === null) return null;
    total += c;
  }
  return round(total, 3);
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
