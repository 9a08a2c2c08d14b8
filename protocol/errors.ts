/**
 * The protocol's failures, one class each, with a stable `code` so callers branch on the code
 * (or `instanceof`) and never on message text.
 */

/** Bytes that are not one well-formed message value (caller closes a client with 4000). */
export class DecodeError extends Error {
  readonly code = 'DECODE_FAILED';
  override readonly name = 'DecodeError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** A length header announced more than the frame limit (caller closes the TCP link). */
export class FrameTooLargeError extends Error {
  readonly code = 'FRAME_TOO_LARGE';
  override readonly name = 'FrameTooLargeError';
  constructor(
    readonly size: number,
    readonly limit: number,
  ) {
    super(`frame of ${size} bytes exceeds the limit of ${limit} bytes`);
  }
}
