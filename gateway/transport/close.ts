/**
 * How each library's own failure reports map onto close codes (RFC 6455 §7.4.1), so the gateway
 * sees the same code from either.
 *
 * Codes the server also sends (1007, 1009) come from `CloseCode` in `protocol/codes.ts`; this
 * table holds only those the libraries report and the server never sends.
 */
import { CloseCode } from '../../protocol';

export const TransportCloseCode = {
  ProtocolError: 1002,
  NoStatus: 1005,
  Abnormal: 1006,
} as const;
export type TransportCloseCode = (typeof TransportCloseCode)[keyof typeof TransportCloseCode];

/** What a library's failure report maps to: a transport-only code or one the server sends too. */
type ReportedCloseCode = TransportCloseCode | CloseCode;

export const TooBigReason = 'message too big';

/**
 * uWS force-closes the socket (no close frame) on protocol violations and reports 1006 with
 * one of these messages to the close handler.
 */
const uwsForceCloseCodes: Record<string, ReportedCloseCode> = {
  'Received too big message': CloseCode.TooLarge,
  'Received invalid UTF-8': CloseCode.InvalidPayload,
};

export function uwsCloseCode(code: number, message: string): number {
  if (code !== TransportCloseCode.Abnormal) return code;
  return uwsForceCloseCodes[message] ?? code;
}

/** `ws` emits 'error' with one of these `code`s before it closes a connection itself. */
const wsErrorCloseCodes: Record<string, ReportedCloseCode> = {
  WS_ERR_UNSUPPORTED_MESSAGE_LENGTH: CloseCode.TooLarge,
  WS_ERR_UNSUPPORTED_DATA_PAYLOAD_LENGTH: CloseCode.TooLarge,
  WS_ERR_INVALID_UTF8: CloseCode.InvalidPayload,
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
