/**
 * The accepting side of inter-node links, on --link-port: gateways and peer dispatchers dial
 * in, prove the cluster secret (handshake.ts), and each accepted connection lives as an actor
 * (accepted-link.ts) under the server's own actor, named like the dialing side's link actors
 * for the address at the other end:
 *
 *   /user/links                    kind=link-server   accepts; one clock for every link
 *   └─ link-10.0.0.7:53422         kind=link          one accepted connection, until it closes
 *
 * The server actor's one periodic timer ticks every link (handshake deadline, heartbeats,
 * silence), so a server with many links holds one timer, not one per link. A link actor that
 * throws is stopped, never restarted: its socket and handshake cannot be replayed.
 *
 * Handshakes in flight are bounded twice: `maxPendingPerAddress` (default 64) per remote
 * address and `MAX_PENDING` overall, and each must finish within `acceptTimeoutMs` (default
 * 2 s). A connection past either bound is refused at once (counted as `refused`, logged as
 * `too-many-handshakes`), so idle connections from one address cannot lock out a real peer
 * from another; they only hold their own address's slots, for 2 s each.
 *
 * Handshakes that fail (bad mac, garbage, silence) are counted per address in an AuthThrottle
 * (a burst of 10, then 1 a second): past it, that address's connections are refused at accept,
 * before any actor, nonce or HMAC is spent on them (`throttled`, logged at most once a second).
 * A peer that completes its handshakes never spends from it, so a flood of garbage from one
 * address costs an accept and a close per connection, and a real peer elsewhere nothing.
 *
 *   new ──listen()──► listening ──close()──► closed (every link dropped, onDown for each up one)
 *
 * Stopping the server actor (the admin `stop /user/links`) also stops listening.
 */
import net from 'node:net';
import { Directive, oneForOne, type ActorRef, type ActorSystem, type Behavior } from '../../actors';
import { acceptedLinkBehavior, type AcceptedLinkEnv } from './accepted-link';
import { tickInterval, type LinkChannel } from './channel';
import { AuthThrottle } from '../../auth';
import { isLoopback } from './handshake';
import { linkActorName } from './link-client';
import {
  resolveLinkOptions,
  LinkDrop,
  type LinkHandlers,
  type LinkOptions,
  type ResolvedLinkOptions,
} from './types';

/** Handshakes in flight past which new connections are refused (a flood costs no more). */
const MAX_PENDING = 1024;

/** The server-wide part of each accepted link's environment. */
type ServerEnv = Omit<AcceptedLinkEnv, 'settled'>;

/** The server actor's name under /user. */
export const LINK_SERVER_NAME = 'links';

type LinkServerMsg = { readonly type: 'accept'; readonly socket: net.Socket } | { type: 'tick' };

export function formatRemote(address: string | undefined, port: number | undefined): string {
  const host = address ?? '?';
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

export class LinkServer {
  private readonly o: ResolvedLinkOptions;
  private readonly server: net.Server;
  private readonly up = new Set<LinkChannel>();
  private ref: ActorRef<LinkServerMsg> | undefined;
  private stopped: Promise<void> = Promise.resolve();
  private closing = false;

  constructor(
    private readonly system: ActorSystem,
    opts: LinkOptions,
    private readonly handlers: LinkHandlers,
    /** The server actor's name under /user; a second server in one system needs another. */
    private readonly name: string = LINK_SERVER_NAME,
  ) {
    this.o = resolveLinkOptions(opts);
    this.server = net.createServer((s) => this.accept(s));
  }

  /** Links that are up. */
  get links(): number {
    return this.up.size;
  }

  /** The server's actor, once listening (its children are the accepted links). */
  get actor(): ActorRef<unknown> | undefined {
    return this.ref;
  }

  listen(host: string, port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error): void => reject(err);
      this.server.once('error', onError);
      this.server.listen(port, host, () => {
        this.server.off('error', onError);
        // Once listening: a failed listen is the caller's to report, not a log line too.
        this.server.on('error', (err) =>
          this.o.log('error', 'link server error', { error: err.message }),
        );
        const address = this.server.address() as net.AddressInfo;
        this.spawn(formatRemote(address.address, address.port));
        resolve(address.port);
      });
    });
  }

  /** Drops every link (onDown for each up one) and stops listening; idempotent. */
  async close(): Promise<void> {
    this.closing = true;
    if (this.ref !== undefined) this.system.stop(this.ref);
    await this.stopped;
    await new Promise<void>((resolve) => {
      if (!this.server.listening) return resolve();
      this.server.close(() => resolve());
    });
  }

  private spawn(listening: string): void {
    const env: ServerEnv = {
      o: this.o,
      handlers: this.handlers,
      up: this.up,
      closing: () => this.closing,
    };
    this.stopped = new Promise((resolve) => {
      this.ref = this.system.spawn(
        this.name,
        () =>
          linkServerBehavior(env, listening, () => {
            // Stopped from outside too (admin `stop`): no more links are accepted.
            this.closing = true;
            this.server.close();
            resolve();
          }),
        {
          kind: 'link-server',
          priority: 'high',
          supervisor: oneForOne(() => Directive.Stop),
        },
      );
    });
  }

  private accept(socket: net.Socket): void {
    socket.setNoDelay(true);
    // Until its link actor listens, an error (a reset) must not go unhandled.
    socket.on('error', () => undefined);
    if (this.closing || this.ref?.tell({ type: 'accept', socket }) !== true) socket.destroy();
  }
}

function linkServerBehavior(
  env: ServerEnv,
  listening: string,
  onStop: () => void,
): Behavior<LinkServerMsg> {
  const { o, up } = env;
  let accepted = 0;
  let refused = 0;
  /** Handshakes in flight, by remote address, and their sum. */
  const pending = new Map<string, number>();
  let pendingTotal = 0;
  /** Failed handshakes per address; an address out of budget is refused at accept. */
  const failures = new AuthThrottle();
  let throttledSinceLog = 0;
  let throttleLoggedAt = 0;
  const refuse = (socket: net.Socket, msg: string, meta: Record<string, unknown>): void => {
    refused++;
    o.log('warn', msg, meta);
    socket.destroy();
  };
  /** Takes a handshake slot of `address`; the returned function gives it back, once. */
  const hold = (address: string): ((up: boolean) => void) => {
    pending.set(address, (pending.get(address) ?? 0) + 1);
    pendingTotal++;
    let held = true;
    return (up) => {
      if (!held) return;
      held = false;
      if (!up) failures.fail(address, Date.now());
      pendingTotal--;
      const n = pending.get(address)! - 1;
      if (n === 0) pending.delete(address);
      else pending.set(address, n);
    };
  };
  return {
    preStart(ctx) {
      ctx.timers.startPeriodic('tick', { type: 'tick' }, tickInterval(o));
    },
    receive(msg, ctx) {
      if (msg.type === 'tick') {
        for (const link of ctx.children()) link.tell({ type: 'tick' });
        return;
      }
      const { socket } = msg;
      const remote = formatRemote(socket.remoteAddress, socket.remotePort);
      if (o.secret === undefined && !isLoopback(socket.remoteAddress)) {
        o.stats.authFailures++;
        return refuse(socket, 'link dropped', {
          side: 'server',
          remote,
          why: LinkDrop.NotLoopback,
          detail: 'no --cluster-secret: loopback peers only',
        });
      }
      const address = socket.remoteAddress ?? '?';
      const now = Date.now();
      if (!failures.allow(address, now)) {
        o.stats.refused++;
        refused++;
        throttledSinceLog++;
        socket.destroy();
        if (now - throttleLoggedAt < 1000) return;
        o.log('warn', 'link refused', {
          side: 'server',
          remote,
          why: LinkDrop.Throttled,
          detail: `${throttledSinceLog} connections refused since the last such line: their addresses failed too many handshakes`,
        });
        throttleLoggedAt = now;
        throttledSinceLog = 0;
        return;
      }
      const fromAddress = pending.get(address) ?? 0;
      if (fromAddress >= o.maxPendingPerAddress || pendingTotal >= MAX_PENDING) {
        o.stats.refused++;
        return refuse(socket, 'link refused', {
          side: 'server',
          remote,
          why: LinkDrop.TooManyHandshakes,
          detail:
            fromAddress >= o.maxPendingPerAddress
              ? `${fromAddress} handshakes in flight from ${address}`
              : `${pendingTotal} handshakes in flight`,
        });
      }
      accepted++;
      const settled = hold(address);
      // A remote address and port name one live connection; a stopping namesake gets a suffix.
      let name = linkActorName({ host: socket.remoteAddress ?? '?', port: socket.remotePort ?? 0 });
      if (ctx.child(name) !== undefined) name = `${name}~${accepted}`;
      ctx.spawn(name, () => acceptedLinkBehavior(socket, remote, { ...env, settled }), {
        kind: 'link',
        priority: 'high',
      });
    },
    postStop() {
      onStop();
    },
    inspect() {
      return { listening, links: up.size, handshakes: pendingTotal, accepted, refused };
    },
  };
}
