/**
 * The watchers' side of the presence scenario, in one worker process: a few connections, each
 * subscribed to the presence topics of up to `perConnection` members (below the client's request
 * burst, so the subs of one connection go out at once), recording every `presence` message with
 * its arrival time.
 *
 *   open ──hello──► sub presence:<m> per member ──ack (online?)──► ... ──presence──► seen
 *
 * Frames are decoded whole (msgpackr): presence messages come at the churn's rate, not at fan-out
 * rates, so the allocation-free scanner of the event subscribers is not needed here.
 */
import { presenceTopicOf } from '../../protocol/presence-topic';
import { packr, unpackr } from './framing';
import type { PresenceWorkerEnv } from './presence-members';
import { memberIndexOf, memberName, type PresenceWorkerCounters } from './presence-messages';
import { CONNECT_TIMEOUT_MS } from './subscriber-base';
import { epochNow, settleOnce, tallyCloseReason } from './worker-stats';
import { RawWsClient } from './ws-client';

interface WatcherMsg {
  readonly op?: unknown;
  readonly id?: unknown;
  readonly user?: unknown;
  readonly online?: unknown;
  readonly lastSeen?: unknown;
}

export class PresenceWatchers {
  private readonly clients: RawWsClient[] = [];
  /** Flat [member, online 0|1, at, lastSeen or -1] not reported yet. */
  private seen: number[] = [];
  stopping = false;

  private readonly counters: PresenceWorkerCounters;

  constructor(private readonly env: PresenceWorkerEnv) {
    this.counters = env.counters;
  }

  /** Subscribes to every member's presence topic; resolves once each connection is done. */
  async watch(members: readonly number[], perConnection: number): Promise<void> {
    const slices: number[][] = [];
    for (let i = 0; i < members.length; i += perConnection)
      slices.push(members.slice(i, i + perConnection));
    await Promise.all(slices.map((s) => this.watchSlice(s)));
  }

  takeSeen(): number[] {
    const s = this.seen;
    this.seen = [];
    return s;
  }

  closeAll(): void {
    this.stopping = true;
    for (const c of this.clients) c.close();
  }

  /** One connection holding the subscriptions of `members`; resolves once all are acked. */
  private watchSlice(members: readonly number[]): Promise<void> {
    return new Promise((resolve) => {
      const settle = settleOnce(resolve, CONNECT_TIMEOUT_MS);
      let pending = members.length;
      const onMessage = (m: WatcherMsg, at: number): void => {
        switch (m.op) {
          case 'hello':
            members.forEach((member, i) => {
              const topic = presenceTopicOf(memberName(this.env.prefix, member)) ?? '';
              client.send(packr.pack({ op: 'sub', id: i + 1, topic }));
            });
            return;
          case 'ack':
            this.counters.acked++;
            if (m.online === true) this.counters.ackedOnline++;
            if (--pending === 0) settle();
            return;
          case 'presence': {
            const member = typeof m.user === 'string' ? memberIndexOf(this.env.prefix, m.user) : -1;
            if (member < 0) {
              this.counters.errors++;
              return;
            }
            const lastSeen = typeof m.lastSeen === 'number' ? m.lastSeen : -1;
            this.seen.push(member, m.online === true ? 1 : 0, at, lastSeen);
            return;
          }
          case 'err':
            this.counters.errors++;
            return;
          default:
            return;
        }
      };
      let opened = false;
      const client = new RawWsClient(
        { ...this.env.target, path: '/v1/ws', protocol: 'troupe.v1.msgpack' },
        {
          onOpen: () => {
            opened = true;
            this.counters.open++;
            this.env.keepalive.track(client);
          },
          onMessage: (buf, start, end) => {
            const at = epochNow(); // every message of one frame arrived together
            try {
              const decoded: unknown = unpackr.unpack(buf.subarray(start, end));
              for (const m of Array.isArray(decoded) ? decoded : [decoded])
                onMessage(m as WatcherMsg, at);
            } catch {
              this.counters.errors++;
            }
          },
          onClose: (reason) => {
            if (opened) this.counters.open--;
            this.env.keepalive.untrack(client);
            if (!this.stopping) {
              if (opened) this.counters.dropped++;
              else this.counters.failed++;
              tallyCloseReason(this.counters.closeReasons, reason);
            }
            settle();
          },
        },
      );
      this.clients.push(client);
    });
  }
}
