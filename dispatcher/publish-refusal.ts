/**
 * Whether an authenticated publisher may publish to a topic now (PROTOCOL.md §6): its token
 * must not have expired (401, and the connection goes on: it may send `auth` again), presence
 * topics are the server's (403), and a JWT's `pub` claim must cover the topic (403).
 */
import type { PublisherAccess } from '../auth';
import { ErrorCode, isPresenceTopic, PRESENCE_READ_ONLY, type PublisherReply } from '../protocol';

/** Why a publisher with `access` may not publish to `topic` now, if it may not. */
export function refusal(
  access: PublisherAccess,
  topic: string,
): Extract<PublisherReply, { op: 'err' }> | undefined {
  if (Date.now() >= access.expMs) {
    return { op: 'err', code: ErrorCode.Unauthorized, msg: 'token expired; send auth again' };
  }
  if (isPresenceTopic(topic)) {
    return { op: 'err', code: ErrorCode.Forbidden, msg: PRESENCE_READ_ONLY };
  }
  if (!access.canPub(topic)) {
    return { op: 'err', code: ErrorCode.Forbidden, msg: `not allowed to publish to ${topic}` };
  }
  return undefined;
}
