/**
 * A client transport (`client/transport.ts`) with the server played by the test: each `open`
 * makes a `FakeServerConn` the test reads the client's messages from (decoded with the
 * server's own codecs) and writes server messages to.
 */
import type { Frame } from '../client/codec';
import type { Pipe, PipeHandlers, Transport } from '../client/transport';
import { packMsgpack, unpackMsgpack } from '../protocol/msgpack';

export type Wire = Record<string, unknown> & { op: string };

export class FakeServerConn {
  readonly received: Wire[] = [];
  closedByClient: { code: number; reason: string } | 'aborted' | undefined;
  private ended = false;

  constructor(
    readonly url: string,
    readonly subprotocol: string,
    private readonly h: PipeHandlers,
  ) {}

  get json(): boolean {
    return this.subprotocol === 'troupe.v1.json';
  }

  /** Client frames arrive here. */
  take(frame: Frame): void {
    const v =
      typeof frame === 'string' ? (JSON.parse(frame) as Wire) : (unpackMsgpack(frame) as Wire);
    this.received.push(v);
  }

  /** What the client sent with `op` (in order). */
  sent(op: string): Wire[] {
    return this.received.filter((m) => m.op === op);
  }

  open(): void {
    this.h.opened();
  }

  /** One server frame: a message or a batch. */
  send(msg: Wire | Wire[]): void {
    if (this.ended) return;
    this.h.message(this.json ? JSON.stringify(msg) : new Uint8Array(packMsgpack(msg)));
  }

  sendRaw(frame: Frame): void {
    if (!this.ended) this.h.message(frame);
  }

  hello(hb = 25_000): void {
    this.open();
    this.send({ op: 'hello', v: 1, conn: 'c1', node: 'n1', hb });
  }

  /** Answers every `sub` the client sent (and not yet answered) with an ack. */
  ackSubs(
    fields: (m: Wire) => Record<string, unknown> = () => ({ epoch: 'E', seq: 0, recovered: false }),
  ): void {
    for (const m of this.sent('sub')) {
      if (m.acked === true) continue;
      m.acked = true;
      this.send({ op: 'ack', id: m.id, ...fields(m) });
    }
  }

  /** The server closes the connection. */
  drop(code = 1006, reason = ''): void {
    if (this.ended) return;
    this.ended = true;
    this.h.closed(code, reason);
  }

  markClosed(how: { code: number; reason: string } | 'aborted'): void {
    this.ended = true;
    this.closedByClient ??= how;
  }
}

export class FakeTransport implements Transport {
  readonly path = '/v1/ws';
  readonly plainScheme = 'ws:';
  readonly secureScheme = 'wss:';
  readonly conns: FakeServerConn[] = [];

  get last(): FakeServerConn {
    const c = this.conns[this.conns.length - 1];
    if (c === undefined) throw new Error('no connection opened');
    return c;
  }

  open(url: string, subprotocol: string, h: PipeHandlers): Pipe {
    const c = new FakeServerConn(url, subprotocol, h);
    this.conns.push(c);
    return {
      send: (frame) => {
        if (c.closedByClient === undefined) c.take(frame);
      },
      close: (code, reason) => c.markClosed({ code, reason }),
      abort: () => c.markClosed('aborted'),
    };
  }
}
