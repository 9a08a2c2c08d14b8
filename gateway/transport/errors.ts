/** One error class per transport failure, each with a stable `code`. */

export class TransportListenError extends Error {
  readonly code = 'ERR_TRANSPORT_LISTEN';

  constructor(
    readonly host: string,
    readonly port: number,
    cause?: unknown,
  ) {
    super(`cannot listen on ${host}:${port}`, cause === undefined ? undefined : { cause });
    this.name = 'TransportListenError';
  }
}

export class TransportStateError extends Error {
  readonly code = 'ERR_TRANSPORT_STATE';

  constructor(message: string) {
    super(message);
    this.name = 'TransportStateError';
  }
}

export class TransportTlsError extends Error {
  readonly code = 'ERR_TRANSPORT_TLS';

  constructor(
    readonly certFile: string,
    readonly keyFile: string,
    cause?: unknown,
  ) {
    super(
      `cannot serve TLS with certificate ${certFile} and key ${keyFile}`,
      cause === undefined ? undefined : { cause },
    );
    this.name = 'TransportTlsError';
  }
}
