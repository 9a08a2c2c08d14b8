/**
 * The WebSocket transport, over any constructor with the browser's WebSocket API: the
 * browser's own, or the `ws` package in Node.js (`websocket-node.ts` picks one; the browser
 * bundle swaps that file for `websocket-browser.ts`, so `ws` is never bundled).
 */
import type { Frame } from './codec';
import type { Pipe, PipeHandlers, Transport } from './transport';

/** The part of the WebSocket API the client uses (the DOM's and `ws`'s both have it). */
export interface WebSocketLike {
  binaryType: string;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  send(data: Frame): void;
  close(code?: number, reason?: string): void;
}

export type WebSocketCtor = new (url: string, protocols?: string | string[]) => WebSocketLike;

function toFrame(data: unknown): Frame {
  if (typeof data === 'string') return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data))
    return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  throw new TypeError('unexpected WebSocket message data');
}

export class WebSocketTransport implements Transport {
  readonly path = '/v1/ws';
  readonly secureScheme = 'wss:';
  readonly plainScheme = 'ws:';

  readonly #Ctor: WebSocketCtor;

  constructor(Ctor: WebSocketCtor) {
    this.#Ctor = Ctor;
  }

  open(url: string, subprotocol: string, h: PipeHandlers): Pipe {
    let done = false;
    const finish = (code: number, reason: string): void => {
      if (done) return;
      done = true;
      detach();
      h.closed(code, reason);
    };
    let ws: WebSocketLike;
    try {
      ws = new this.#Ctor(url, [subprotocol]);
    } catch (e) {
      // A malformed URL throws synchronously; report it as a failed open, on a later turn.
      void Promise.resolve().then(() => finish(1006, (e as Error).message));
      const end = (): void => void (done = true);
      return { send: () => undefined, close: end, abort: end };
    }
    ws.binaryType = 'arraybuffer';
    const detach = (): void => {
      ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
    };
    ws.onopen = () => {
      if (!done) h.opened();
    };
    ws.onmessage = (ev) => {
      if (!done) h.message(toFrame(ev.data));
    };
    ws.onclose = (ev) => finish(ev.code, ev.reason);
    // An error is followed by a close event; nothing to do until then.
    ws.onerror = () => undefined;
    return {
      send: (frame) => {
        if (!done) ws.send(frame);
      },
      close: (code, reason) => {
        if (done) return;
        done = true;
        detach();
        ws.close(code, reason);
      },
      abort: () => {
        if (done) return;
        done = true;
        detach();
        // `ws` in Node would wait 30 s for the close frame of a dead peer; drop the socket now.
        const terminate = (ws as { terminate?: () => void }).terminate;
        if (typeof terminate === 'function') terminate.call(ws);
        else ws.close(1000, 'dead connection');
      },
    };
  }
}
