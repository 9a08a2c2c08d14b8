/**
 * Presence topics (PROTOCOL.md §7): `presence:<member>` carries a member's online/offline
 * changes. Only the server writes them: a `pub` to one from a client or a publisher is refused
 * (403), so nobody can announce someone else online.
 *
 * A member id that would not make a valid topic (a JWT `sub` may hold any character) has no
 * presence topic: its connections do not make it online, and nobody can subscribe to it.
 */
import { isValidTopic } from './topic';

export const PRESENCE_PREFIX = 'presence:';

/** The member's presence topic, or undefined when `presence:<member>` is not a valid topic. */
export function presenceTopicOf(member: string): string | undefined {
  if (member.length === 0) return undefined;
  const topic = PRESENCE_PREFIX + member;
  return isValidTopic(topic) ? topic : undefined;
}

/** The member of a presence topic, or undefined for any other topic. */
export function memberOfTopic(topic: string): string | undefined {
  return topic.startsWith(PRESENCE_PREFIX) && topic.length > PRESENCE_PREFIX.length
    ? topic.slice(PRESENCE_PREFIX.length)
    : undefined;
}

export function isPresenceTopic(topic: string): boolean {
  return topic.startsWith(PRESENCE_PREFIX);
}

/** The error text of a publish to a presence topic. */
export const PRESENCE_READ_ONLY = 'presence topics are written by the server only';
