/**
 * One error class per way a client call can fail, so an app can tell them apart with
 * `instanceof` (and `code` where the server gave one). Every class sets `name` itself: a
 * minified bundle renames constructors.
 */

export class TroupeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TroupeError';
  }
}

/** The server answered `err`: `code` is its code (400, 401, 403, 413, 429, 503, ...). */
export class TroupeRequestError extends TroupeError {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = 'TroupeRequestError';
  }
}

/** No answer within the request timeout (the request may still take effect later). */
export class TroupeTimeoutError extends TroupeError {
  constructor(
    readonly op: string,
    readonly timeoutMs: number,
  ) {
    super(`${op}: no answer within ${timeoutMs} ms`);
    this.name = 'TroupeTimeoutError';
  }
}

/** The client was closed (`close()`, or a failure it does not retry) before the call finished. */
export class TroupeClosedError extends TroupeError {
  constructor(message = 'client closed') {
    super(message);
    this.name = 'TroupeClosedError';
  }
}

/**
 * The connection dropped after the request was sent and before its answer: it may or may not
 * have taken effect (a publish is not resent, which could publish it twice).
 */
export class TroupeDisconnectedError extends TroupeError {
  constructor(readonly op: string) {
    super(`${op}: connection lost before the answer; it may or may not have taken effect`);
    this.name = 'TroupeDisconnectedError';
  }
}

/** A bound of the client was reached (`limit` names it, see `ClientLimits`). */
export class TroupeLimitError extends TroupeError {
  constructor(
    readonly limit: string,
    readonly bound: number,
  ) {
    super(`${limit} (${bound}) reached`);
    this.name = 'TroupeLimitError';
  }
}

/** The call itself was wrong: a bad topic, a second subscription to a topic, bad options, data that cannot be encoded. */
export class TroupeUsageError extends TroupeError {
  constructor(message: string) {
    super(message);
    this.name = 'TroupeUsageError';
  }
}
