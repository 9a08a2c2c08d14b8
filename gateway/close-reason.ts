/** How the connection actor names closes and requests in its counters and errors. */
import {
  CloseCode,
  Disconnect,
  type ByeMessage,
  type ClientMessage,
  type DisconnectReason,
} from '../protocol';
import { TransportCloseCode } from './transport/close';

/** The `bye` that goes before a close the server starts, with the close's code and reason. */
export function byeOf(why: DisconnectReason, retryMs: number): ByeMessage {
  return { op: 'bye', code: why.code, reason: why.reason, retryMs };
}

export function requestId(m: ClientMessage): number | undefined {
  return m.id;
}

/**
 * Labels of closes the client or its transport started; the server's own closes count under
 * their `Disconnect` label. Fixed strings, since dashboards select on them.
 */
const peerCloseLabels: Readonly<Record<number, string>> = {
  [CloseCode.Normal]: 'client_normal',
  [CloseCode.GoingAway]: 'client_going_away',
  [TransportCloseCode.Abnormal]: 'abnormal',
  [CloseCode.TooLarge]: Disconnect.TooLarge.label,
  [CloseCode.InvalidPayload]: Disconnect.InvalidPayload.label,
  // The uws transport's sweep of sockets fed by native fan-out (live-sweep.ts).
  [CloseCode.SlowConsumer]: Disconnect.SlowConsumer.label,
};

/** Names a close the client or transport started, for the disconnect counters. */
export function peerCloseLabel(code: number): string {
  return peerCloseLabels[code] ?? `client_${code}`;
}
