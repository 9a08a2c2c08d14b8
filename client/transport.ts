/**
 * The seam between the client and its pipe to the server: frames in, frames out, one close.
 *
 *   open(url) ──► opened ──(message)*──► closed (exactly once)
 *        └────────────────────────────────► closed (the pipe never opened: code 1006)
 *
 * - `close()` by the client ends the pipe: no handler is called after it.
 * - `url` is the full endpoint URL, query included (`ws://host:7070/v1/ws?token=...`).
 *
 * WebSocket is the one implementation now (`websocket-transport.ts`). An SSE transport
 * (PROTOCOL.md §9) fits the same shape: it opens `GET /v1/sse` for the topics of the frames it
 * is sent (`sub` with `since` becomes `Last-Event-ID`), turns `pub` frames into
 * `POST /v1/publish` and answers them, and answers `ping` itself.
 */
import type { Frame } from './codec';

export const TransportKind = { WebSocket: 'websocket', Sse: 'sse', Auto: 'auto' } as const;
export type TransportKind = (typeof TransportKind)[keyof typeof TransportKind];

export interface PipeHandlers {
  opened(): void;
  message(frame: Frame): void;
  closed(code: number, reason: string): void;
}

export interface Pipe {
  send(frame: Frame): void;
  /** Ends the pipe with a close frame; idempotent; no handler runs after it. */
  close(code: number, reason: string): void;
  /** Ends a pipe found dead at once, without waiting on the peer; idempotent. */
  abort(): void;
}

export interface Transport {
  /** The path the client appends to the base URL (`/v1/ws`). */
  readonly path: string;
  /** `ws:`/`wss:` or `http:`/`https:`: the scheme the endpoint URL takes. */
  readonly secureScheme: string;
  readonly plainScheme: string;
  open(url: string, subprotocol: string, handlers: PipeHandlers): Pipe;
}
