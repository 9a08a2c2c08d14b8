/**
 * The client transport of a gateway: the seam's types (`types.ts`) and the factory that picks
 * an implementation (`uws.ts`, `ws.ts`). Everything outside this folder imports from here.
 */
import { TransportKind, type Transport, type TransportOptions } from './types';
import { UwsTransport } from './uws';
import { WsTransport } from './ws';

export * from './types';
export { createNodeServer, type NodeServer } from './node-server';
export { HANDSHAKE_TIMEOUT_MS } from './ws';
export { TransportListenError, TransportStateError, TransportTlsError } from './errors';

export function createTransport(kind: TransportKind, opts: TransportOptions): Transport {
  switch (kind) {
    case TransportKind.Uws:
      return new UwsTransport(opts);
    case TransportKind.Ws:
      return new WsTransport(opts);
    default:
      throw new TypeError(`unknown transport kind: ${String(kind)}`);
  }
}
