/**
 * A loopback troupe cluster for the cross-node scenario: one dispatcher and N gateways, each its
 * own `troupe start --role ...` process, linked with a cluster secret made for the run (links
 * always authenticate). stop() ends every node; if the bench exits some other way (the
 * watchdog, or SIGINT / SIGTERM, which bench.ts turns into an exit) an exit hook SIGKILLs
 * whatever is still running, so no node outlives the bench.
 */
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { awaitMetricAtLeast } from './prom-text';
import { startServer, type Endpoint, type RunningServer } from './server-process';
import { troupeNodeArgs } from './systems';

export interface Cluster {
  readonly dispatcher: RunningServer;
  readonly gateways: readonly RunningServer[];
  /** Every node's pid, dispatcher first. */
  pids(): number[];
  /** Stops every node (in parallel) and removes their admin sockets. */
  stop(): Promise<void>;
}

/** Nodes started and not yet stopped, across clusters. */
const live = new Set<RunningServer>();
/** Their admin socket paths (a SIGKILLed node leaves its socket behind). */
const liveSockets = new Set<string>();

function killLive(): void {
  for (const s of live) s.killNow();
  for (const f of liveSockets) rmSync(f, { force: true });
}

let hooked = false;

function hook(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', killLive);
}

function unhook(): void {
  if (!hooked || live.size > 0) return;
  hooked = false;
  process.off('exit', killLive);
}

export interface ClusterOptions {
  /** Path of dist/bin/troupe.js. */
  readonly bin: string;
  readonly gateways: number;
  /** Gives up when the dispatcher does not report every gateway linked within this. */
  readonly linkTimeoutMs?: number;
}

export async function startCluster(o: ClusterOptions): Promise<Cluster> {
  const tag = `troupe-bench-${process.pid}`;
  const sockets: string[] = [];
  const started: RunningServer[] = [];
  const secret = randomBytes(24).toString('base64url');
  const node = async (role: string, id: string, args: string[], need: string[]) => {
    const admin = path.join(os.tmpdir(), `${tag}-${id}.sock`);
    sockets.push(admin);
    liveSockets.add(admin);
    hook();
    const s = await startServer(
      {
        command: process.execPath,
        args: [
          ...troupeNodeArgs(o.bin),
          o.bin,
          'start',
          '--role',
          role,
          '--node-id',
          id,
          '--cluster-secret',
          secret,
          ...args,
          '--admin',
          admin,
          '--log-level',
          'warn',
        ],
      },
      need,
    );
    live.add(s);
    started.push(s);
    return s;
  };
  const stop = async (): Promise<void> => {
    await Promise.all(started.map((s) => s.stop()));
    for (const s of started) live.delete(s);
    unhook();
    for (const f of sockets) {
      rmSync(f, { force: true });
      liveSockets.delete(f);
    }
  };
  try {
    const dispatcher = await node(
      'dispatcher',
      'd1',
      ['--port', '0', '--publish-port', '0', '--link-port', '0'],
      ['link', 'publish', 'http'],
    );
    const link = dispatcher.endpoint('link');
    const gateways: RunningServer[] = [];
    for (let i = 1; i <= o.gateways; i++)
      gateways.push(
        await node(
          'gateway',
          `g${i}`,
          ['--port', '0', '--dispatchers', `${link.host}:${link.port}`],
          ['ws'],
        ),
      );
    await awaitLinks(dispatcher.endpoint('http'), o.gateways, o.linkTimeoutMs ?? 15_000);
    return {
      dispatcher,
      gateways,
      pids: () => started.map((s) => s.pid),
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Waits until the dispatcher's `troupe_links_up` counts every gateway. */
async function awaitLinks(http: Endpoint, want: number, timeoutMs: number): Promise<void> {
  const up = await awaitMetricAtLeast(http, 'troupe_links_up', want, timeoutMs);
  if (up === null || up < want)
    throw new Error(`dispatcher reports ${up ?? 'no'} links up of ${want} after ${timeoutMs} ms`);
}
