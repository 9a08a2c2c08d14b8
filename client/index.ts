/**
 * troupe's client for browsers and Node.js (PROTOCOL.md §10): the public surface.
 *
 *   const client = connect('ws://127.0.0.1:7070', { protocol: 'json' });
 *   client.subscribe('live:video-42', { onEvent: (ev) => console.log(ev.seq, ev.data) });
 *   await client.publish('live:video-42', { like: 1 });
 */
import { TroupeClient } from './client';
import { TroupeUsageError } from './errors';
import { endpointUrl } from './endpoint';
import { resolveOptions, type ConnectOptions } from './options';

/**
 * Connects to a node: `url` is its base URL (`ws://`, `wss://`, `http://`, `https://`; the
 * client adds `/v1/ws`), or several, tried in turn on each reconnect (gateways of a cluster).
 */
export function connect(
  url: string | readonly string[],
  options: ConnectOptions = {},
): TroupeClient {
  const urls = typeof url === 'string' ? [url] : [...url];
  if (urls.length === 0) throw new TroupeUsageError('connect needs at least one URL');
  const resolved = resolveOptions(options);
  // Checked here, so a bad URL throws from connect() rather than failing each reconnect.
  for (const u of urls) endpointUrl(u, resolved.transport);
  return new TroupeClient(urls, resolved);
}

export { TroupeClient, type ClientEvents } from './client';
export { ClientState } from './state';
export { Protocol } from './codec';
export { TransportKind, type Transport, type Pipe, type PipeHandlers } from './transport';
export { ClientLimits } from './limits';
export type { ConnectOptions } from './options';
export type { Clock } from './clock';
export type { WebSocketCtor, WebSocketLike } from './websocket-transport';
export type { Since } from './messages';
export type {
  GapInfo,
  PresenceChange,
  SubscribeAck,
  SubscribeOptions,
  Subscription,
  TroupeEvent,
} from './subscription-entry';
export {
  TroupeError,
  TroupeRequestError,
  TroupeTimeoutError,
  TroupeClosedError,
  TroupeDisconnectedError,
  TroupeLimitError,
  TroupeUsageError,
} from './errors';
