/**
 * One connection to one server: opens the pipe, waits for `hello`, pings at its `hb`, and ends
 * exactly once (reported through `ended`, unless the client ended it itself).
 *
 *   opening ──hello──► up ──(frames, pings)*──► ended
 *      └── no hello within connectTimeoutMs ──► ended (4000 "connect timeout")
 *   up: a ping every hb; `missedPongs` pings unanswered ──► ended (4000 "no pong"), socket dropped
 *
 * Frames are decoded and read (`inbound.ts`) here; every message but `hello` and `pong` goes
 * to the client. A frame that cannot be decoded ends the connection (the server speaks the
 * contract or is not worth staying on).
 */
import type { Clock } from './clock';
import type { Codec, Frame } from './codec';
import { readMessages } from './inbound';
import type { ServerMsg } from './messages';
import type { Pipe, Transport } from './transport';

export interface ConnectionTimings {
  connectTimeoutMs: number;
  minPingMs: number;
  maxPingMs: number;
  missedPongs: number;
}

export interface ConnectionEvents {
  hello(hb: number): void;
  /** Messages of one frame, in order; the client checks `current` between them. */
  messages(msgs: ServerMsg[]): void;
  /** Before each ping goes out (the client's request budget counts it). */
  ping(): void;
  ended(code: number, reason: string): void;
  /** Messages left out for ill-typed fields (reported, not fatal). */
  malformed(count: number): void;
}

/** Close codes the client uses for what it ends itself (4000-4999 are the application's). */
export const LocalClose = {
  Normal: { code: 1000, reason: 'client closed' },
  ConnectTimeout: { code: 4000, reason: 'connect timeout' },
  NoPong: { code: 4000, reason: 'no pong' },
  Undecodable: { code: 4000, reason: 'undecodable frame' },
} as const;

export class Connection {
  readonly #pipe: Pipe;
  #timer: unknown;
  #missed = 0;
  #up = false;
  #done = false;

  readonly #codec: Codec;
  readonly #clock: Clock;
  readonly #t: ConnectionTimings;
  readonly #events: ConnectionEvents;

  constructor(
    transport: Transport,
    url: string,
    codec: Codec,
    clock: Clock,
    t: ConnectionTimings,
    events: ConnectionEvents,
  ) {
    this.#codec = codec;
    this.#clock = clock;
    this.#t = t;
    this.#events = events;
    this.#timer = clock.setTimeout(
      () => this.#end(LocalClose.ConnectTimeout, true),
      t.connectTimeoutMs,
    );
    this.#pipe = transport.open(url, codec.subprotocol, {
      opened: () => undefined,
      message: (frame) => this.#onFrame(frame),
      closed: (code, reason) => this.#finish(code, reason),
    });
  }

  get ready(): boolean {
    return this.#up && !this.#done;
  }

  /** Sends a frame; false once the connection has ended or before its `hello`. */
  send(frame: Frame): boolean {
    if (!this.ready) return false;
    this.#pipe.send(frame);
    return true;
  }

  /** Ends the connection from the client's side; `ended` is not called. */
  close(): void {
    if (this.#done) return;
    this.#done = true;
    this.#clock.clearTimeout(this.#timer);
    this.#pipe.close(LocalClose.Normal.code, LocalClose.Normal.reason);
  }

  #end(why: { code: number; reason: string }, abort: boolean): void {
    if (this.#done) return;
    if (abort) this.#pipe.abort();
    else this.#pipe.close(why.code, why.reason);
    this.#finish(why.code, why.reason);
  }

  #finish(code: number, reason: string): void {
    if (this.#done) return;
    this.#done = true;
    this.#clock.clearTimeout(this.#timer);
    this.#events.ended(code, reason);
  }

  #onFrame(frame: Frame): void {
    if (this.#done) return;
    let msgs: ServerMsg[];
    try {
      const read = readMessages(this.#codec.decode(frame));
      if (read.malformed > 0) this.#events.malformed(read.malformed);
      msgs = read.messages;
    } catch {
      return this.#end(LocalClose.Undecodable, false);
    }
    let rest: ServerMsg[] | undefined;
    for (let i = 0; i < msgs.length; i++) {
      const m = msgs[i]!;
      if (m.op === 'pong') this.#missed = 0;
      else if (m.op === 'hello' && !this.#up) this.#onHello(m.hb);
      else (rest ??= []).push(m);
    }
    if (rest !== undefined && !this.#done) this.#events.messages(rest);
  }

  #onHello(hb: number): void {
    this.#up = true;
    this.#clock.clearTimeout(this.#timer);
    const every = Math.min(this.#t.maxPingMs, Math.max(this.#t.minPingMs, hb));
    this.#schedulePing(every);
    this.#events.hello(every);
  }

  #schedulePing(every: number): void {
    this.#timer = this.#clock.setTimeout(() => {
      if (this.#done) return;
      if (this.#missed >= this.#t.missedPongs) return this.#end(LocalClose.NoPong, true);
      this.#missed++;
      this.#events.ping();
      this.#pipe.send(this.#codec.encode({ op: 'ping' }));
      this.#schedulePing(every);
    }, every);
  }
}
