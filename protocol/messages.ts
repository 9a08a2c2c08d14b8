/**
 * The messages of the client protocol (PROTOCOL.md §2), as discriminated unions on `op`.
 *
 * These are the shapes *after* validation (`validate.ts`): a `ClientMessage` holds only the
 * fields below, whatever else the client sent.
 */
import type { ErrorCode } from './codes';

export const PROTOCOL_VERSION = 1;

export const ClientOp = {
  Sub: 'sub',
  Unsub: 'unsub',
  Pub: 'pub',
  Ping: 'ping',
  Auth: 'auth',
  Refresh: 'refresh',
} as const;
export type ClientOp = (typeof ClientOp)[keyof typeof ClientOp];

export const ServerOp = {
  Hello: 'hello',
  Ack: 'ack',
  Err: 'err',
  Ev: 'ev',
  Count: 'count',
  Presence: 'presence',
  Pong: 'pong',
  Bye: 'bye',
} as const;
export type ServerOp = (typeof ServerOp)[keyof typeof ServerOp];

/** Where a resuming subscriber left off: the last `epoch`/`seq` it saw on the topic. */
export type Since = { epoch: string; seq: number };

/**
 * `count`: also deliver the topic's viewer count (PROTOCOL.md §8); absent leaves it as it was.
 * `last`: replay the latest N held events after the ack (§12); `since` wins where both are given.
 */
export type SubMessage = {
  op: 'sub';
  id: number;
  topic: string;
  since?: Since;
  count?: boolean;
  last?: number;
};
export type UnsubMessage = { op: 'unsub'; id: number; topic: string };
export type PubMessage = {
  op: 'pub';
  id: number;
  topic: string;
  data: unknown;
  /** Set by the server's validator, never sent: the size its walk of `data` found (payload.ts). */
  bytes?: number;
};
export type PingMessage = { op: 'ping'; id?: number };
/** The first message of a client that brought no token to the upgrade (PROTOCOL.md §6). */
export type AuthMessage = { op: 'auth'; id: number; token: string };
/** Replaces the connection's token before it expires (PROTOCOL.md §6). */
export type RefreshMessage = { op: 'refresh'; id: number; token: string };
export type ClientMessage =
  SubMessage | UnsubMessage | PubMessage | PingMessage | AuthMessage | RefreshMessage;

export type HelloMessage = { op: 'hello'; v: 1; conn: string; node: string; hb: number };
export type AckMessage = {
  op: 'ack';
  id: number;
  epoch?: string;
  seq?: number;
  recovered?: boolean;
  /** The new token's `exp` (seconds since the epoch, as in the JWT) on `auth` and `refresh`. */
  exp?: number;
  /** `sub` to a presence topic (§7): whether the member is online, and since when it was seen. */
  online?: boolean;
  lastSeen?: number | null;
  /** The presence store could not answer: `online` is not known (troupe's addition). */
  unknown?: boolean;
  /** Subscribers of the topic across the cluster, on a `sub` with `count: true`. */
  count?: number;
};
export type ErrMessage = { op: 'err'; id?: number; code: ErrorCode; msg: string };
export type EvMessage = { op: 'ev'; topic: string; seq: number; epoch: string; data: unknown };
export type CountMessage = { op: 'count'; topic: string; n: number };
/**
 * A change on a presence topic (§7). It is an event of the topic like any other, so it also
 * carries the `seq` and `epoch` a client resumes from (troupe's addition; v1 clients ignore them).
 */
export type PresenceMessage = {
  op: 'presence';
  topic: string;
  user: string;
  online: boolean;
  lastSeen: number | null;
  seq: number;
  epoch: string;
};
export type PongMessage = { op: 'pong'; id?: number };
export type ByeMessage = { op: 'bye'; code: number; reason: string; retryMs: number };
export type ServerMessage =
  | HelloMessage
  | AckMessage
  | ErrMessage
  | EvMessage
  | CountMessage
  | PresenceMessage
  | PongMessage
  | ByeMessage;
