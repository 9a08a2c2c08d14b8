/**
 * idle-memory: server RSS per idle subscribed connection. Reads VmRSS of the server's process
 * tree once it is up and settled, opens `idleConns` connections (default 15,000, over at least
 * two worker processes and source addresses), each subscribed to one of 100 topics, and reads
 * VmRSS again twice: 3 s after the last subscription (`bytesPerConnection`, what the connect
 * storm left behind) and 35 s after it (`bytesPerConnectionSettled`, an idle server: V8 only
 * collects and shrinks its heap once something allocates again, e.g. a heartbeat, so the
 * first figure still holds the garbage of the storm). The first is against RSS 1 s after start,
 * the second against RSS 30 s after start (settled the same way), divided by connections.
 *
 * Mostly waiting, so every system runs at once, each on its own server (`together`): the RSS
 * read is per server tree, and the connect phases (and the 3 s reading) take turns, so no
 * storm shares the machine with another. `--quick` (no `--idle-settled`) takes the first
 * reading only: a minute less per run, and no settled figure.
 */
import { sleep, SubscriberPool } from '../../generator/subscriber-pool';
import { treeRssBytes } from '../proc-tree';
import type { Scenario } from './scenario';

const SETTLE_MS = 3000;
const IDLE_MS = 35_000;
const BASELINE_IDLE_MS = 30_000;
const PER_WORKER = 8000;

export const idleMemory: Scenario = {
  name: 'idle-memory',
  needs: ['ws'],
  together: true,
  async run(ctx) {
    const { args, server, log } = ctx;
    const exclusive = ctx.exclusive ?? ((fn) => fn());
    const settled = args.idleSettled;
    const ws = server.endpoint('ws');
    await sleep(1000);
    const before = treeRssBytes(server.pid);
    // The settled figure needs a settled baseline too: by now the server's start-up garbage
    // has met its first collection (the first heartbeat tick allocates at 25 s).
    if (settled) await sleep(BASELINE_IDLE_MS - 1000);
    const beforeIdle = settled ? treeRssBytes(server.pid) : null;
    const pool = new SubscriberPool({
      dialect: ctx.system.dialect,
      host: ws.host,
      port: ws.port,
      subscribers: args.idleConns,
      topicPrefix: 'idle.',
      topicCount: 100,
      perWorker: PER_WORKER,
      workers: 2,
      connectConcurrency: 64,
      readyTimeoutMs: 120_000,
    });
    try {
      const after = await exclusive(async () => {
        await pool.start();
        await sleep(SETTLE_MS);
        await pool.flush();
        return treeRssBytes(server.pid);
      });
      if (settled) await sleep(IDLE_MS - SETTLE_MS);
      const idle = settled ? treeRssBytes(server.pid) : null;
      const g = pool.gauges();
      const per = (base: number | null, rss: number | null): number | null =>
        base === null || rss === null || g.connected === 0
          ? null
          : Math.round((rss - base) / g.connected);
      const perConn = per(before, after);
      const perConnSettled = per(beforeIdle, idle);
      const mb = (b: number | null): number | null =>
        b === null ? null : Math.round((b / 1048576) * 10) / 10;
      log(
        `[${ctx.system.name}] idle-memory: ${g.connected} connections (${g.acked} subscribed), ` +
          `RSS ${mb(before)} -> ${mb(after)} MB = ${perConn ?? '-'} B/connection at 3 s` +
          (settled
            ? `, ${mb(beforeIdle)} -> ${mb(idle)} MB = ${perConnSettled ?? '-'} B/connection at 35 s`
            : ' (settled reading not taken: --quick)'),
      );
      return {
        steps: [],
        capacity: null,
        metrics: {
          connections: g.connected,
          bytesPerConnection: perConn,
          bytesPerConnectionSettled: perConnSettled,
          rssBeforeMB: mb(before),
          rssAfterMB: mb(after),
          rssIdleMB: mb(idle),
          rssBeforeIdleMB: mb(beforeIdle),
        },
        notes: { subscribed: g.acked, failed: g.closed, closeReasons: g.closeReasons },
      };
    } finally {
      await pool.stop();
    }
  },
};
