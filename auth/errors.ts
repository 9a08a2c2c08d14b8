/**
 * The failures of identity and access, one class each, with a stable `code` so callers branch
 * on the code (or `instanceof`) and never on message text.
 *
 * Messages name what was wrong (a claim, an algorithm, a key id) but never echo the token or a
 * secret: they end up in logs and, for some codes, in `bye` reasons sent to the client.
 */

/** Why a presented token was refused. Every one of them closes a client with 4001. */
export const AuthErrorCode = {
  Missing: 'missing',
  Malformed: 'malformed',
  BadSignature: 'bad-signature',
  Expired: 'expired',
  NotYetValid: 'not-yet-valid',
  WrongIssuer: 'wrong-issuer',
  WrongAudience: 'wrong-audience',
  BadClaims: 'bad-claims',
  UnknownKid: 'unknown-kid',
} as const;
export type AuthErrorCode = (typeof AuthErrorCode)[keyof typeof AuthErrorCode];

/** A presented token (or its claims) was refused. */
export class AuthError extends Error {
  override readonly name = 'AuthError';
  constructor(
    readonly code: AuthErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** A key, secret or JWKS file given in the configuration is unusable (thrown at start). */
export class AuthConfigError extends Error {
  readonly code = 'bad-auth-config';
  override readonly name = 'AuthConfigError';
}

/** A topic permission pattern is malformed (PROTOCOL.md §6). */
export class PatternError extends Error {
  readonly code = 'bad-pattern';
  override readonly name = 'PatternError';
}
