/**
 * What a transport lends its one-way streams (Server-Sent Events, `sse-uws.ts`, `sse-ws.ts`):
 * its handlers and the one count of open connections, so a stream is admitted, counted,
 * drained and closed exactly as a WebSocket is.
 */
import type { StreamDecision, TransportConnection, TransportHandlers } from './types';

export interface StreamHost {
  readonly handlers: TransportHandlers;
  /** Bytes a stream may hold unsent before `send` reports 'dropped'. */
  readonly maxBackpressure: number;
  /** False at `maxConnections` (open plus deciding); the host has counted the refusal. */
  admit(): boolean;
  /** A decision started (+1) or ended (-1): pending ones count against `maxConnections`. */
  deciding(delta: 1 | -1): void;
  opened(conn: TransportConnection): void;
  closed(conn: TransportConnection): void;
}

/**
 * The close a stream reports when its peer went away: an SSE client has no close frame, and
 * leaving (EventSource.close(), a closed tab) is its normal way to go.
 */
export const PEER_LEFT = { code: 1001, reason: 'client went away' } as const;

/** The headers every accepted stream answers with, before the decision's own. */
export const STREAM_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/event-stream; charset=utf-8',
  // Proxies and caches must pass every byte through at once and keep none of it.
  'cache-control': 'no-store',
  'x-accel-buffering': 'no',
};

export type AcceptedStream = Extract<StreamDecision, { accept: true }>;

/** The parts of a transport its streams share (its fields, `@internal` there). */
export interface StreamHostSource {
  readonly handlers: TransportHandlers;
  readonly maxBackpressure: number;
  readonly maxConnections: number;
  /** Everything open: WebSockets and streams. */
  readonly connections: number;
  /** Where the transport keeps its open streams (and, on `ws`, its WebSockets too). */
  readonly open: Set<TransportConnection>;
  deciding: number;
}

export function streamHostOf(t: StreamHostSource): StreamHost {
  return {
    handlers: t.handlers,
    maxBackpressure: t.maxBackpressure,
    admit: () => {
      if (t.connections + t.deciding < t.maxConnections) return true;
      t.handlers.refused?.();
      return false;
    },
    deciding: (delta) => void (t.deciding += delta),
    opened: (conn) => void t.open.add(conn),
    closed: (conn) => void t.open.delete(conn),
  };
}
