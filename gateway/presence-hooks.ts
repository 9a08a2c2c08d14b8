/**
 * What a connection does about presence (PROTOCOL.md §7), apart from the connection actor so
 * the actor only calls in: who its member is, who may read a presence topic, what a presence
 * topic's `ack` adds.
 *
 * A connection makes its member online when it has one (the token's `sub`, or `?member=` where
 * no JWT is configured), its token does not say `presence: false`, and the member id makes a
 * valid presence topic. Presence topics are readable by anyone who may connect, unless
 * `--presence-private` makes them need a `topics` claim like any other topic.
 */
import type { Identity } from '../auth';
import type { DispatcherClient } from '../dispatcher/client';
import { isPresenceTopic, memberOfTopic, presenceTopicOf } from '../protocol';
import { withTimeout } from './request-timeout';

/** The member whose presence this connection keeps up, if any. */
export function presenceMemberOf(identity: Identity | undefined): string | undefined {
  if (identity === undefined || !identity.presence) return undefined;
  return presenceTopicOf(identity.member) === undefined ? undefined : identity.member;
}

/** Whether the connection may `sub` to `topic`. */
export function maySubscribe(
  identity: Identity | undefined,
  topic: string,
  presencePrivate: boolean,
): boolean {
  if (identity === undefined || identity.canSub(topic)) return true;
  return !presencePrivate && isPresenceTopic(topic);
}

/**
 * The member a client named itself with `?member=` (no JWT configured): it may subscribe to any
 * topic and publish where the connection may anyway; it proves nothing, so it is only a name.
 */
class NamedMember implements Identity {
  readonly expMs = Number.POSITIVE_INFINITY;
  readonly presence = true;
  constructor(readonly member: string) {}
  canSub(): boolean {
    return true;
  }
  canPub(): boolean {
    return false;
  }
}

/** `?member=` as an identity, or an error text when it is not a usable member id. */
export function namedMember(raw: string): Identity | string {
  if (presenceTopicOf(raw) === undefined) {
    return 'member must be 1 to 191 characters of A-Z a-z 0-9 _ - . : / @';
  }
  return new NamedMember(raw);
}

/** What the `ack` of a `sub` to a presence topic carries besides the position. */
export type PresenceAckFields =
  { online: boolean; lastSeen: number | null } | { online: false; lastSeen: null; unknown: true };

const UNKNOWN: PresenceAckFields = { online: false, lastSeen: null, unknown: true };

/**
 * The member's presence for the `ack`; `unknown: true` (with `online: false`) when the store or
 * the owner cannot answer in time: the subscription stands, and the next change arrives as
 * usual once presence is known again.
 */
export async function presenceAckFields(
  dispatcher: DispatcherClient,
  topic: string,
  timeoutMs: number,
): Promise<PresenceAckFields | undefined> {
  const member = memberOfTopic(topic);
  if (member === undefined) return undefined;
  try {
    const [state] = await withTimeout(dispatcher.presence([member]), timeoutMs, 'presence');
    return state === undefined ? UNKNOWN : { online: state.online, lastSeen: state.lastSeen };
  } catch {
    return UNKNOWN;
  }
}
