/**
 * The wire messages as the client sends and reads them (PROTOCOL.md §2, §6-§8). The shapes are
 * the server's own (`protocol/messages.ts`, imported as types only, so nothing of the server
 * reaches the browser bundle), v1.1 fields included.
 *
 * Inbound messages are not trusted to have these shapes: `inbound.ts` checks every field the
 * client uses before a message is read as one of these.
 */
import type {
  AckMessage,
  ByeMessage,
  CountMessage,
  ErrMessage,
  EvMessage,
  HelloMessage,
  PingMessage,
  PongMessage,
  PresenceMessage,
  PubMessage,
  RefreshMessage,
  Since,
  SubMessage,
  UnsubMessage,
} from '../protocol/messages';

export type { Since };

export type ClientMsg = SubMessage | UnsubMessage | PubMessage | PingMessage | RefreshMessage;

/** `ack` of a `sub` carries `count` (with `count: true`) and, on a presence topic, `online`/`lastSeen`. */
export type AckMsg = AckMessage;
export type PresenceMsg = PresenceMessage;

export type ServerMsg =
  | HelloMessage
  | AckMsg
  | ErrMessage
  | EvMessage
  | CountMessage
  | PresenceMsg
  | PongMessage
  | ByeMessage;
