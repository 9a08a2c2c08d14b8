/**
 * Who may read facts about a topic over HTTP (its viewer count: `GET /v1/topics/<topic>`; its
 * latest events: `GET /v1/history`).
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
 * Failures count against the address in the same throttle as the upgrade's. With
 * `presencePrivate: false` (what `GET /v1/history` passes from --presence-private), a verified
 * JWT may read presence topics without a `topics` claim, exactly as it may `sub` to them.
 */
import { THROTTLED, type AuthThrottle, type StaticToken } from '../auth';
import { ErrorCode } from '../protocol';
import { bearer } from './bearer';
import { maySubscribe } from './presence-hooks';
import { checkToken, type ClientAuth } from './token-check';
import type { HttpRequest } from './transport';

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
  /** Whether presence topics need a `topics` claim (default true: like any other topic). */
  presencePrivate = true,
): TopicReadAccess {
  if (auth !== undefined) {
    return async (token, address, topic) => {
      const check = await checkToken(auth, token, address);
      if (!check.ok) return { ok: false, status: check.code, msg: check.msg };
      return maySubscribe(check.identity, topic, presencePrivate)
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

/** `access` for what `req` presents, as a client would: `?token=` or `Authorization: Bearer`. */
export function checkRead(
  access: TopicReadAccess,
  req: HttpRequest,
  topic: string,
): Promise<ReadAccess> {
  const token = req.query.get('token') ?? bearer(req.headers['authorization']);
  return access(token, req.remoteAddress ?? '', topic);
}
