/**
 * Node's http server for the `ws` transport and the --http-port endpoints, or its https server
 * when TLS is on: the same request, upgrade and error events either way, so the code above it
 * does not care which it got.
 *
 * A TLS handshake gets the deadline request headers get (`handshakeTimeoutMs`; Node's own
 * default is 120 s): a peer that connects and never finishes its handshake must not hold a
 * socket any longer than one that never finishes its headers.
 */
import http from 'node:http';
import https from 'node:https';
import type { TransportTls } from './types';

export type NodeServer = http.Server | https.Server;

export function createNodeServer(
  options: http.ServerOptions,
  tls: TransportTls | undefined,
  handshakeTimeoutMs: number,
  listener: http.RequestListener,
): NodeServer {
  if (tls === undefined) return http.createServer(options, listener);
  return https.createServer(
    { ...options, cert: tls.cert, key: tls.key, handshakeTimeout: handshakeTimeoutMs },
    listener,
  );
}
