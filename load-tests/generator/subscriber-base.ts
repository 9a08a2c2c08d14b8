/**
 * What every dialect's subscriber shares: one RawWsClient, one Subscription per topic of its
 * plan slot, the connect/ready/close accounting and the per-event counting. A dialect supplies
 * only `onFrame` (how its frames are read) and calls `countEvent` / `pendingAck` + `completeAck`.
 */
import { bytesEq } from './msgpack-scan';
import { observeSeq } from './seq-tracker';
import { RawWsClient } from './ws-client';
import { settleOnce, type TopicCounter, type WorkerStats } from './worker-stats';
import { topicsOf, upgradePath, type SubscriberPlan } from './worker-messages';

export const CONNECT_TIMEOUT_MS = 10_000;

export interface Subscription {
  readonly topic: TopicCounter;
  readonly id: number;
  /** Last seq seen, -1 until the ack seeds it. */
  last: number;
  acked: boolean;
}

export abstract class SubscriberBase {
  protected readonly subs: Subscription[];
  private readonly startedAt = performance.now();
  readonly client: RawWsClient;
  private pendingAcks: number;
  private upgraded = false;
  /** Subscribe with `count: true` (troupe only). */
  protected readonly wantsCount: boolean;

  constructor(
    plan: SubscriberPlan,
    index: number,
    protected readonly stats: WorkerStats,
    done: () => void,
    onGone: (c: RawWsClient) => void,
  ) {
    this.subs = topicsOf(plan, index).map((name, i) => ({
      topic: stats.topicCounter(name),
      id: i + 1,
      last: -1,
      acked: false,
    }));
    this.pendingAcks = this.subs.length;
    this.wantsCount = plan.count === true;
    const settle = settleOnce(done, CONNECT_TIMEOUT_MS);
    stats.connectStarted();
    this.client = new RawWsClient(
      {
        ...plan,
        path: upgradePath(plan, index),
        localAddress: plan.localAddresses[index % plan.localAddresses.length],
      },
      {
        onOpen: () => {
          this.upgraded = true;
          stats.connected++;
        },
        onMessage: (buf, start, end) => {
          stats.frames++;
          try {
            this.onFrame(buf, start, end);
          } catch {
            stats.errors++;
          }
          if (this.pendingAcks === 0) settle();
        },
        onClose: (reason) => {
          stats.connectionClosed(reason, this.upgraded);
          onGone(this.client);
          settle();
        },
      },
    );
  }

  /** One server message in buf[start, end); a throw counts as an error. */
  protected abstract onFrame(buf: Buffer, start: number, end: number): void;

  /** The subscription whose topic is the bytes buf[start, start + len); counts an error if none. */
  protected subByTopicBytes(buf: Buffer, start: number, len: number): Subscription | undefined {
    for (const s of this.subs) if (bytesEq(buf, start, len, s.topic.bytes)) return s;
    this.stats.errors++; // an event for a topic this connection never subscribed to
    return undefined;
  }

  /** Counts one event of `s` (seq checked when it is a number); true when its latency is sampled. */
  protected countEvent(s: Subscription, seq: unknown): boolean {
    const stats = this.stats;
    stats.events++;
    s.topic.events++;
    if (typeof seq === 'number') s.last = observeSeq(s.last, seq, stats.seq);
    return stats.shouldSample();
  }

  /** The not-yet-acked subscription with this sub id, if any. */
  protected pendingAck(id: unknown): Subscription | undefined {
    const s = this.subs.find((x) => x.id === id);
    return s === undefined || s.acked ? undefined : s;
  }

  /** Marks `s` acked, seeding its seq; the connection is ready once every topic is acked. */
  protected completeAck(s: Subscription, seq: unknown): void {
    s.acked = true;
    if (typeof seq === 'number' && s.last < 0) s.last = seq;
    this.stats.acked++;
    if (--this.pendingAcks === 0) this.stats.connectionReady(performance.now() - this.startedAt);
  }
}
