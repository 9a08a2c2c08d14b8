/**
 * What the client holds per subscribed topic (the app's callbacks and the request state; the
 * position is in the one `PositionTable`), and the public types of a subscription.
 */
import type { Since } from './messages';
import type { Position } from './positions';

export interface TroupeEvent<T = unknown> {
  topic: string;
  seq: number;
  epoch: string;
  data: T;
}

export interface SubscribeOptions<T = unknown> {
  /** Each event, in order, once. May return a promise: it is not awaited (errors are reported). */
  onEvent?: (ev: TroupeEvent<T>) => unknown;
  /** The topic's subscriber count (with `count: true`), from the ack and then on each change. */
  onCount?: (n: number, topic: string) => unknown;
  /** Resume from here rather than from now. */
  since?: Since;
  count?: boolean;
}

export interface SubscribeAck {
  epoch: string;
  seq: number;
  recovered: boolean;
  count?: number;
}

export interface Subscription {
  readonly topic: string;
  /** The first ack (or the error that ended the subscription). */
  readonly ready: Promise<SubscribeAck>;
  /** Idempotent. */
  unsubscribe(): void;
}

export interface PresenceChange {
  member: string;
  online: boolean;
  /** ms since the epoch, or null when never seen. */
  lastSeen: number | null;
}

export interface GapInfo {
  topic: string;
  /** `not-recovered`: a resume answered `recovered: false`; `new-epoch`: an event of another epoch. */
  reason: 'not-recovered' | 'new-epoch';
  /** Where the client was. */
  from: Position | undefined;
  /** Where the topic is now. */
  epoch: string;
  seq: number;
}

export interface Entry {
  readonly topic: string;
  readonly count: boolean;
  readonly onEvent: SubscribeOptions['onEvent'];
  readonly onCount: SubscribeOptions['onCount'];
  /** Set for `presence(member, fn)` subscriptions. */
  readonly onPresence: ((p: PresenceChange) => unknown) | undefined;
  readonly member: string | undefined;
  /** The id of this topic's `sub` on the current connection, until answered. */
  inflight: number | undefined;
  retryMs: number;
  retryTimer: unknown;
  lastPresence: PresenceChange | undefined;
  readonly ready: Promise<SubscribeAck>;
  settle(ack: SubscribeAck | Error): void;
}

export function newEntry(
  topic: string,
  o: SubscribeOptions,
  retryMs: number,
  presence?: { member: string; onChange: (p: PresenceChange) => unknown },
): Entry {
  let resolve!: (a: SubscribeAck) => void;
  let reject!: (e: Error) => void;
  const ready = new Promise<SubscribeAck>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // The app may never look at `ready`: its rejection must not be an unhandled one.
  ready.catch(() => undefined);
  let settled = false;
  return {
    topic,
    count: o.count === true,
    onEvent: o.onEvent,
    onCount: o.onCount,
    onPresence: presence?.onChange,
    member: presence?.member,
    inflight: undefined,
    retryMs,
    retryTimer: undefined,
    lastPresence: undefined,
    ready,
    settle: (a) => {
      if (settled) return;
      settled = true;
      if (a instanceof Error) reject(a);
      else resolve(a);
    },
  };
}
