/** How the connection actor names closes and requests in its counters and errors. */
import { Disconnect, type ClientMessage } from '../protocol';

export function requestId(m: ClientMessage): number | undefined {
  return m.id;
}

/** Names a close the client or transport started, for the disconnect counters. */
export function closeReason(code: number): string {
  switch (code) {
    case 1000:
      return 'client_normal';
    case 1001:
      return 'client_going_away';
    case 1006:
      return 'abnormal';
    case Disconnect.TooLarge.code:
      return 'frame_too_large';
    case Disconnect.InvalidPayload.code:
      return 'invalid_utf8';
    default:
      return `client_${code}`;
  }
}
