/**
 * uws-native over several processes, for connection counts one process cannot hold (this
 * machine caps a process at 20,000 open files): `uws-native --procs N`.
 *
 * The parent picks a free port and forks N plain uws-native children that all listen on it
 * (uWebSockets.js sets SO_REUSEPORT on an explicit port, and the kernel spreads connections over
 * them by a hash of the addresses). Its own publish port relays each publisher's bytes unchanged
 * to every child's publish port (one connection per child per publisher), and hands back the
 * replies of child 0 alone: every child sees every pub in the same order, so their per-topic
 * `seq`s agree. That is troupe's `--workers` shape (the main takes publishes and passes them to
 * every worker) at the least cost a relay can have: no decoding, one write per child per read.
 *
 * Bounded: past RELAY_MAX_BUFFERED bytes queued to a child, the publisher's socket is paused
 * until every child drains, so a slow child pushes back on the publisher (which then skips and
 * counts its ticks) instead of growing the parent. Children exit with the parent (IPC
 * disconnect), and the parent kills them on its way out.
 */
import { fork, type ChildProcess } from 'node:child_process';
import * as net from 'node:net';
import { pickFreePort } from '../../workers/free-port';
import { parseListening } from '../bench/server-process';
import type { BaselineArgs } from './publish-port';

const RELAY_MAX_BUFFERED = 8 << 20;
const CHILD_START_TIMEOUT_MS = 20_000;

interface Child {
  readonly proc: ChildProcess;
  readonly publishPort: number;
}

/** Forks one child on `port` and resolves with its publish port once it listens on both. */
function startChild(script: string, host: string, port: number): Promise<Child> {
  const proc = fork(
    script,
    ['--host', host, '--port', String(port), '--publish-port', '0', '--procs', '1'],
    { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] },
  );
  return new Promise((resolve, reject) => {
    let ws = false;
    let publishPort = 0;
    let partial = '';
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`a uws-native child did not listen within ${CHILD_START_TIMEOUT_MS} ms`));
    }, CHILD_START_TIMEOUT_MS);
    proc.stdout?.setEncoding('utf8').on('data', (s: string) => {
      partial += s;
      const lines = partial.split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        const l = parseListening(line);
        if (l?.name === 'ws') ws = l.endpoint.port === port;
        if (l?.name === 'publish') publishPort = l.endpoint.port;
      }
      partial = partial.slice(-1000);
      if (ws && publishPort > 0) {
        clearTimeout(timer);
        resolve({ proc, publishPort });
      }
    });
    proc.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`a uws-native child exited early (code ${code})`));
    });
  });
}

/** One publisher's relay: its bytes to every child, child 0's replies back. */
function relay(pub: net.Socket, host: string, children: readonly Child[]): void {
  pub.setNoDelay(true);
  const links = children.map((c, i) => {
    const s = net.connect({ host, port: c.publishPort, noDelay: true });
    if (i === 0) s.on('data', (d: Buffer) => pub.write(d));
    else s.resume(); // the other children's acks are the same acks
    s.on('drain', () => {
      if (links.every((l) => l.writableLength <= RELAY_MAX_BUFFERED)) pub.resume();
    });
    s.on('error', () => pub.destroy());
    s.on('close', () => pub.destroy());
    return s;
  });
  pub.on('data', (chunk: Buffer) => {
    let full = false;
    for (const l of links)
      if (!l.write(chunk) && l.writableLength > RELAY_MAX_BUFFERED) full = true;
    if (full) pub.pause();
  });
  pub.on('error', () => pub.destroy());
  pub.on('close', () => {
    for (const l of links) l.destroy();
  });
}

export async function startUwsGroup(args: BaselineArgs, script: string): Promise<void> {
  const port = args.port === 0 ? await pickFreePort(args.host) : args.port;
  const children: Child[] = [];
  const killAll = (): void => {
    for (const c of children) c.proc.kill('SIGKILL');
  };
  process.on('exit', killAll);
  process.on('SIGTERM', () => process.exit(0));
  process.on('SIGINT', () => process.exit(0));
  // One after the other: the first child must own the port before the others join it.
  for (let i = 0; i < args.procs; i++) children.push(await startChild(script, args.host, port));
  for (const c of children) c.proc.on('exit', () => process.exit(1));
  process.stdout.write(`listening ws ${args.host}:${port}\n`);
  const server = net.createServer((pub) => relay(pub, args.host, children));
  server.listen(args.publishPort, args.host, () => {
    const addr = server.address() as net.AddressInfo;
    process.stdout.write(`listening publish ${args.host}:${addr.port}\n`);
  });
}
