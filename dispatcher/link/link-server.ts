/**
 * The accepting side of inter-node links, on --link-port: gateways and peer dispatchers dial
 * in, prove the cluster secret (handshake.ts), and each accepted connection lives as an
 * AcceptedLink. One interval drives every link's clock (handshake deadline, heartbeats,
 * silence), so a server with many links holds one timer, not one per link.
 *
 *   new ──listen()──► listening ──close()──► closed (every link dropped, onDown for each up one)
 */
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { AcceptedLink } from './accepted-link';
import { tickInterval } from './channel';
import { isLoopback } from './handshake';
import { mutableLinkStats as stats } from './link-stats';
import {
  resolveLinkOptions,
  LinkDrop,
  type LinkHandlers,
  type LinkOptions,
  type ResolvedLinkOptions,
} from './types';

/** Handshakes in flight past which new connections are refused (a flood costs no more). */
const MAX_PENDING = 1024;

export function formatRemote(address: string | undefined, port: number | undefined): string {
  const host = address ?? '?';
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

export class LinkServer {
  private readonly o: ResolvedLinkOptions;
  private readonly server: net.Server;
  private readonly accepted = new Set<AcceptedLink>();
  private timer: NodeJS.Timeout | undefined;
  private closing = false;

  constructor(
    opts: LinkOptions,
    private readonly handlers: LinkHandlers,
  ) {
    this.o = resolveLinkOptions(opts);
    this.server = net.createServer((s) => this.accept(s));
    this.server.on('error', (err) =>
      this.o.log('error', 'link server error', { error: err.message }),
    );
  }

  /** Links that are up. */
  get links(): number {
    let n = 0;
    for (const link of this.accepted) if (link.isUp) n++;
    return n;
  }

  listen(host: string, port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error): void => reject(err);
      this.server.once('error', onError);
      this.server.listen(port, host, () => {
        this.server.off('error', onError);
        this.timer = setInterval(() => this.tick(), tickInterval(this.o));
        this.timer.unref();
        resolve((this.server.address() as net.AddressInfo).port);
      });
    });
  }

  close(): Promise<void> {
    this.closing = true;
    if (this.timer !== undefined) clearInterval(this.timer);
    for (const link of [...this.accepted]) link.drop(LinkDrop.ServerClosing);
    return new Promise((resolve) => {
      if (!this.server.listening) return resolve();
      this.server.close(() => resolve());
    });
  }

  private tick(): void {
    const now = performance.now();
    for (const link of [...this.accepted]) link.tick(now);
  }

  private accept(socket: net.Socket): void {
    socket.setNoDelay(true);
    const remote = formatRemote(socket.remoteAddress, socket.remotePort);
    if (this.closing) {
      socket.destroy();
      return;
    }
    if (this.o.secret === undefined && !isLoopback(socket.remoteAddress)) {
      stats.authFailures++;
      this.o.log('warn', 'link dropped', {
        side: 'server',
        remote,
        why: LinkDrop.NotLoopback,
        detail: 'no --cluster-secret: loopback peers only',
      });
      socket.destroy();
      return;
    }
    if (this.accepted.size - this.links >= MAX_PENDING) {
      this.o.log('warn', 'link refused: too many handshakes in flight', { remote });
      socket.destroy();
      return;
    }
    this.accepted.add(
      new AcceptedLink(socket, remote, this.o, this.handlers, (l) => this.accepted.delete(l)),
    );
  }
}
