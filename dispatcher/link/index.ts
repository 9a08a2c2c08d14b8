/**
 * Authenticated inter-node links over TCP: the public surface. Everything else in this folder
 * is internal.
 *
 * - LinkServer: the accepting side, on --link-port: an actor (`/user/links`) with one child
 *   actor per accepted connection.
 * - linkClientBehavior: the dialing side, an actor that reconnects forever with backoff.
 * - Both hand the node a LinkEndpoint per link that is up, and carry LinkMsg frames.
 */
export { LINK_SERVER_NAME, LinkServer } from './link-server';
export {
  linkActorName,
  linkClientBehavior,
  LinkClientState,
  type LinkClientMsg,
  type LinkClientOptions,
  type LinkTarget,
} from './link-client';
export { DEFAULT_BACKOFF, type Backoff } from './backoff';
export { newLinkStats, type LinkStats } from './link-stats';
export {
  LINK_DEFAULTS,
  LinkDrop,
  type LinkEndpoint,
  type LinkHandlers,
  type LinkLog,
  type LinkLogLevel,
  type LinkOptions,
  type LinkSide,
} from './types';
