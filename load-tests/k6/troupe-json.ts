/**
 * Shared bits of the k6 scripts: troupe's client protocol with the `troupe.v1.json` subprotocol
 * (PROTOCOL.md §2; k6 has no msgpack) and the `{t, pad}` event data the Node generator sends,
 * so latency is computed the same way (receiver clock minus `data.t`, same machine).
 */

export const WS_URL = __ENV.TROUPE_WS ?? 'ws://127.0.0.1:7070/v1/ws';
export const HTTP_URL = __ENV.TROUPE_HTTP ?? 'http://127.0.0.1:7070';
export const SUBPROTOCOL = 'troupe.v1.json';

export interface EvMessage {
  op: 'ev';
  topic: string;
  seq: number;
  epoch: string;
  data: { t?: number; pad?: string } | null;
}

export interface AckMessage {
  op: 'ack';
  id: number;
  seq?: number;
  epoch?: string;
}

export type ServerMessage =
  | EvMessage
  | AckMessage
  | { op: 'hello'; v: number; conn: string; node: string; hb: number }
  | { op: 'err'; id?: number; code: number; msg: string }
  | { op: 'pong' | 'count' | 'presence' | 'bye' };

/** A frame holds one message or an array of them (servers may batch). */
export function messagesOf(frame: string): ServerMessage[] {
  const v = JSON.parse(frame) as ServerMessage | ServerMessage[];
  return Array.isArray(v) ? v : [v];
}

export function subFrame(id: number, topic: string): string {
  return JSON.stringify({ op: 'sub', id, topic });
}

/** Padding that brings the JSON of `data` near the generator's 64 bytes. */
export const PAD = 'x'.repeat(40);
