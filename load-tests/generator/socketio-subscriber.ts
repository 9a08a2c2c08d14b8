/**
 * One subscriber speaking Socket.IO v4 over Engine.IO v4's websocket transport only (no
 * long-polling, no socket.io-client): the packets are short text frames, so a few string
 * checks replace the client library and keep the generator's cost per event close to the
 * troupe dialect's.
 *
 *   server  0{"sid":..,"pingInterval":..}        Engine.IO open
 *   client  40                                   Socket.IO CONNECT to namespace "/"
 *   server  40{"sid":..}                         connected: the `hello` of this dialect
 *   client  42<k>["sub","<topic>"]               emit with ack id k (one per topic)
 *   server  43<k>[{"epoch":..,"seq":n}]          ack: seeds the seq tracker
 *   server  42["ev",{"topic","seq","epoch","data"}]
 *   server  2  / client 3                        Engine.IO ping / pong (or the server drops us)
 */
import { bytesEq } from './msgpack-scan';
import { SubscriberBase } from './subscriber-base';

const EV_PREFIX = Buffer.from('42["ev",{"topic":"');
const SEQ_KEY = Buffer.from('","seq":');

export const SOCKETIO_PATH = '/socket.io/?EIO=4&transport=websocket';

export class SocketIoSubscriber extends SubscriberBase {
  protected onFrame(buf: Buffer, start: number, end: number): void {
    if (!this.fastEvent(buf, start, end)) this.onPacket(buf.toString('utf8', start, end));
  }

  /**
   * The hot path: `42["ev",{"topic":"<t>","seq":<n>,` read from the bytes (Socket.IO keeps the
   * key order the baseline emits), JSON-decoded only when latency is sampled. False when the
   * frame does not look like that, so the caller decodes it the slow way.
   */
  private fastEvent(buf: Buffer, start: number, end: number): boolean {
    const plen = EV_PREFIX.length;
    if (end - start < plen + 8 || !bytesEq(buf, start, plen, EV_PREFIX)) return false;
    const ts = start + plen;
    const te = buf.indexOf(0x22 /* '"' */, ts);
    if (te < 0 || te >= end || !bytesEq(buf, te, SEQ_KEY.length, SEQ_KEY)) return false;
    let pos = te + SEQ_KEY.length;
    let seq = 0;
    let digits = 0;
    for (let c = buf[pos] as number; c >= 0x30 && c <= 0x39; c = buf[++pos] as number) {
      seq = seq * 10 + (c - 0x30);
      digits++;
    }
    if (digits === 0) return false;
    const s = this.subByTopicBytes(buf, ts, te - ts);
    if (s !== undefined && this.countEvent(s, seq)) {
      const packet = JSON.parse(buf.toString('utf8', start + 2, end)) as [
        string,
        { data?: { t?: unknown } },
      ];
      this.stats.recordSendTime(packet[1].data?.t);
    }
    return true;
  }

  private onPacket(p: string): void {
    const c0 = p.charCodeAt(0);
    if (c0 === 0x32 /* '2' ping */) {
      this.client.sendText('3');
      return;
    }
    if (c0 === 0x30 /* '0' open */) {
      this.client.sendText('40');
      return;
    }
    if (c0 !== 0x34 /* '4' message */) return;
    switch (p.charCodeAt(1)) {
      case 0x32: // '2' EVENT
        this.onEvent(JSON.parse(p.slice(2)) as unknown);
        return;
      case 0x30: // '0' CONNECT (acknowledged): subscribe
        for (const s of this.subs)
          this.client.sendText(`42${s.id}${JSON.stringify(['sub', s.topic.name])}`);
        return;
      case 0x33: // '3' ACK
        this.onAck(p);
        return;
      default: // CONNECT_ERROR, DISCONNECT, binary packets: not expected from the baseline
        this.stats.errors++;
        return;
    }
  }

  private onEvent(packet: unknown): void {
    if (!Array.isArray(packet) || packet[0] !== 'ev') return;
    const ev = packet[1] as { topic?: unknown; seq?: unknown; data?: { t?: unknown } } | null;
    const s = this.subs.find((x) => x.topic.name === ev?.topic);
    if (s === undefined) {
      this.stats.errors++;
      return;
    }
    if (this.countEvent(s, ev?.seq)) this.stats.recordSendTime(ev?.data?.t);
  }

  private onAck(p: string): void {
    const bracket = p.indexOf('[');
    const s = this.pendingAck(Number(p.slice(2, bracket)));
    if (s === undefined) return;
    const [body] = JSON.parse(p.slice(bracket)) as [{ seq?: unknown } | undefined];
    this.completeAck(s, body?.seq);
  }
}
