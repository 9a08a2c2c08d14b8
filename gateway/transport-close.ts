/**
 * Close codes the transports themselves produce (RFC 6455 §7.4.1), and how each library's
 * own failure reports map onto them, so the gateway sees the same code from either.
 */

export const TransportCloseCode = {
  Normal: 1000,
  ProtocolError: 1002,
  NoStatus: 1005,
  Abnormal: 1006,
  InvalidPayload: 1007,
  MessageTooBig: 1009,
} as const;
export type TransportCloseCode = (typeof TransportCloseCode)[keyof typeof TransportCloseCode];

export const TooBigReason = 'message too big';

/**
 * uWS force-closes the socket (no close frame) on protocol violations and reports 1006 with
 * one of these messages to the close handler.
 */
const uwsForceCloseCodes: Record<string, TransportCloseCode> = {
  'Received too big message': TransportCloseCode.MessageTooBig,
  'Received invalid UTF-8': TransportCloseCode.InvalidPayload,
};

export function uwsCloseCode(code: number, message: string): number {
  if (code !== TransportCloseCode.Abnormal) return code;
  return uwsForceCloseCodes[message] ?? code;
}

/** `ws` emits 'error' with one of these `code`s before it closes a connection itself. */
const wsErrorCloseCodes: Record<string, TransportCloseCode> = {
  WS_ERR_UNSUPPORTED_MESSAGE_LENGTH: TransportCloseCode.MessageTooBig,
  WS_ERR_UNSUPPORTED_DATA_PAYLOAD_LENGTH: TransportCloseCode.MessageTooBig,
  WS_ERR_INVALID_UTF8: TransportCloseCode.InvalidPayload,
};

export function wsErrorCloseCode(errorCode: string | undefined): number {
  return (errorCode && wsErrorCloseCodes[errorCode]) || TransportCloseCode.ProtocolError;
}

export function wsErrorReason(errorCode: string | undefined, message: string): string {
  return errorCode === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH' ? TooBigReason : message;
}

/**
 * A close frame's reason is at most 123 bytes of UTF-8 (RFC 6455 §5.5). `ws` throws on a
 * longer one and uWS cuts it mid-character, so trim whole characters here.
 */
export function clampReason(reason: string): string {
  if (reason.length <= 41 || Buffer.byteLength(reason) <= 123) return reason;
  let out = '';
  let bytes = 0;
  for (const ch of reason) {
    const n = Buffer.byteLength(ch);
    if (bytes + n > 123) break;
    out += ch;
    bytes += n;
  }
  return out;
}
