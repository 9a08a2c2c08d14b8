/**
 * One subscriber speaking troupe's client protocol (PROTOCOL.md §2, `troupe.v1.msgpack`):
 * hello -> sub per topic -> ack -> ev ev ev. Events are read by the allocation-free scanner.
 */
import { packr, unpackr } from './framing';
import { scanFrame, type EvView, type ScanSink } from './msgpack-scan';
import { SubscriberBase } from './subscriber-base';

export class TroupeSubscriber extends SubscriberBase implements ScanSink {
  protected onFrame(buf: Buffer, start: number, end: number): void {
    scanFrame(buf, start, end, this);
  }

  onEv(buf: Buffer, ev: EvView): void {
    const s = this.subByTopicBytes(buf, ev.topicStart, ev.topicEnd - ev.topicStart);
    if (s === undefined || !this.countEvent(s, ev.seq)) return;
    const data: unknown = unpackr.unpack(buf.subarray(ev.dataStart, ev.dataEnd));
    this.stats.recordSendTime((data as { t?: unknown } | null)?.t);
  }

  onOther(message: unknown): void {
    const m = message as { op?: unknown; id?: unknown; seq?: unknown };
    switch (m.op) {
      case 'hello':
        for (const s of this.subs) {
          const sub = { op: 'sub', id: s.id, topic: s.topic.name };
          this.client.send(packr.pack(this.wantsCount ? { ...sub, count: true } : sub));
        }
        return;
      case 'ack': {
        const s = this.pendingAck(m.id);
        if (s !== undefined) this.completeAck(s, m.seq);
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
