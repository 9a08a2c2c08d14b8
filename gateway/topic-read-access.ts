/**
 * Who may read facts about a topic over HTTP (its viewer count: `GET /v1/topics/<topic>`).
 *
 * With no client auth configured (the loopback development default) anyone may, as anyone may
 * subscribe. With client auth on, a topic's size is not for anonymous callers (an audience
 * figure a production service does not leak): the caller presents what a client would, in
 * `Authorization: Bearer` or `?token=`:
 *
 *   --auth-token T   token == T (constant time) ──► allowed  |  else 401
 *   JWT flags        verified and its `topics` claim covers the topic ──► allowed
 *                    verified, topic not covered ──► 403  |  refused ──► 401  |  throttled ──► 429
 *
 * Failures count against the address in the same throttle as the upgrade's.
 */
import { THROTTLED, type AuthThrottle, type StaticToken } from '../auth';
import { ErrorCode } from '../protocol';
import { checkToken, type ClientAuth } from './token-check';

export type ReadAccess =
  { readonly ok: true } | { readonly ok: false; readonly status: number; readonly msg: string };

export type TopicReadAccess = (
  token: string | undefined,
  address: string,
  topic: string,
) => Promise<ReadAccess>;

const ALLOWED: ReadAccess = { ok: true };

export function topicReadAccess(
  clientToken: StaticToken | undefined,
  auth: ClientAuth | undefined,
  throttle: AuthThrottle,
): TopicReadAccess {
  if (auth !== undefined) {
    return async (token, address, topic) => {
      const check = await checkToken(auth, token, address);
      if (!check.ok) return { ok: false, status: check.code, msg: check.msg };
      return check.identity.canSub(topic)
        ? ALLOWED
        : { ok: false, status: ErrorCode.Forbidden, msg: `not allowed to read ${topic}` };
    };
  }
  if (clientToken !== undefined) {
    return (token, address) => {
      if (!throttle.allow(address, Date.now())) {
        return Promise.resolve({ ok: false, status: ErrorCode.RateLimited, msg: THROTTLED });
      }
      if (clientToken.matches(token)) return Promise.resolve(ALLOWED);
      throttle.fail(address, Date.now());
      return Promise.resolve({ ok: false, status: ErrorCode.Unauthorized, msg: 'token required' });
    };
  }
  return () => Promise.resolve(ALLOWED);
}
