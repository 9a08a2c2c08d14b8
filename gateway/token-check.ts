/**
 * Checking a client's JWT, shared by the upgrade (gateway) and the `auth`/`refresh` messages
 * (connection actor), so every path throttles and counts failures the same way.
 *
 *   address throttled ──► refused (429), nothing verified
 *   verified ──► Identity
 *   refused ──► a failure counted for the address ──► refused (401, the AuthError's message)
 *
 * The AuthError messages name what was wrong and never echo the token, so they may go to the
 * client as they are.
 */
import { AuthError, THROTTLED, type AuthThrottle, type Identity, type JwtVerifier } from '../auth';
import { ErrorCode } from '../protocol';

/** A client that brought no token to the upgrade has this long to send `auth` (PROTOCOL.md §6). */
export const AUTH_TIMEOUT_MS = 5_000;

/** What every connection of a node shares to check tokens (one per gateway). */
export interface ClientAuth {
  readonly verifier: JwtVerifier;
  readonly throttle: AuthThrottle;
  /** The deadline of first-message `auth`; AUTH_TIMEOUT_MS but in tests. */
  readonly timeoutMs: number;
}

export type TokenCheck =
  | { readonly ok: true; readonly identity: Identity }
  | {
      readonly ok: false;
      readonly code: typeof ErrorCode.Unauthorized | typeof ErrorCode.RateLimited;
      readonly msg: string;
    };

export async function checkToken(
  auth: ClientAuth,
  token: string | undefined,
  address: string,
): Promise<TokenCheck> {
  if (!auth.throttle.allow(address, Date.now())) {
    return { ok: false, code: ErrorCode.RateLimited, msg: THROTTLED };
  }
  try {
    return { ok: true, identity: await auth.verifier.verify(token) };
  } catch (err) {
    if (!(err instanceof AuthError)) throw err;
    auth.throttle.fail(address, Date.now());
    return { ok: false, code: ErrorCode.Unauthorized, msg: err.message };
  }
}
