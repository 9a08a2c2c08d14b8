/**
 * One subscriber speaking troupe's client protocol (PROTOCOL.md §2, `troupe.v1.msgpack`):
 * hello -> sub per topic -> ack -> ev ev ev. Events are read by the allocation-free scanner.
 */
import { packr, unpackr } from './framing';
import { bytesEq, scanFrame, type EvView, type ScanSink } from './msgpack-scan';
import { observeSeq } from './seq-tracker';
import { RawWsClient } from './ws-client';
import { settleOnce, type TopicCounter, type WorkerStats } from './worker-stats';
import { topicsOf, type SubscriberPlan } from './worker-messages';

export const CONNECT_TIMEOUT_MS = 10_000;

interface Subscription {
  readonly topic: TopicCounter;
  readonly id: number;
  /** Last seq seen, -1 until the ack seeds it. */
  last: number;
  acked: boolean;
}

export class TroupeSubscriber implements ScanSink {
  private readonly subs: Subscription[];
  private readonly startedAt = performance.now();
  readonly client: RawWsClient;
  private pendingAcks: number;
  private upgraded = false;

  constructor(
    plan: SubscriberPlan,
    index: number,
    private readonly stats: WorkerStats,
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
    const settle = settleOnce(done, CONNECT_TIMEOUT_MS);
    stats.connectStarted();
    this.client = new RawWsClient(plan, {
      onOpen: () => {
        this.upgraded = true;
        stats.connected++;
      },
      onMessage: (buf, start, end) => {
        stats.frames++;
        try {
          scanFrame(buf, start, end, this);
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
    });
  }

  onEv(buf: Buffer, ev: EvView): void {
    const stats = this.stats;
    const tlen = ev.topicEnd - ev.topicStart;
    for (const s of this.subs) {
      if (!bytesEq(buf, ev.topicStart, tlen, s.topic.bytes)) continue;
      stats.events++;
      s.topic.events++;
      s.last = observeSeq(s.last, ev.seq, stats.seq);
      if (stats.shouldSample()) {
        const data: unknown = unpackr.unpack(buf.subarray(ev.dataStart, ev.dataEnd));
        stats.recordSendTime((data as { t?: unknown } | null)?.t);
      }
      return;
    }
    stats.errors++; // an event for a topic this connection never subscribed to
  }

  onOther(message: unknown): void {
    const m = message as { op?: unknown; id?: unknown; seq?: unknown };
    switch (m.op) {
      case 'hello':
        for (const s of this.subs)
          this.client.send(packr.pack({ op: 'sub', id: s.id, topic: s.topic.name }));
        return;
      case 'ack': {
        const s = this.subs.find((x) => x.id === m.id);
        if (s === undefined || s.acked) return;
        s.acked = true;
        if (typeof m.seq === 'number' && s.last < 0) s.last = m.seq;
        this.stats.acked++;
        if (--this.pendingAcks === 0)
          this.stats.connectionReady(performance.now() - this.startedAt);
        return;
      }
      case 'err':
        this.stats.errors++;
        return;
      default:
        return; // count, presence, pong: not measured here
    }
  }
}
