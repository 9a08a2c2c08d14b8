/**
 * jose's failures, told apart by their stable `code`, as AuthErrors. jose's own messages are
 * not passed on and its error is not kept as `cause`: a claim failure carries the payload, which
 * must not reach logs or clients.
 */
import { AuthError, AuthErrorCode } from './errors';

export function fromJoseError(err: unknown, alg: string): AuthError {
  const e = err as { code?: unknown; claim?: unknown; reason?: unknown };
  switch (e?.code) {
    case 'ERR_JWT_EXPIRED':
      return new AuthError(AuthErrorCode.Expired, 'token expired');
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
      return fromClaimFailure(String(e.claim), String(e.reason));
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return new AuthError(AuthErrorCode.BadSignature, 'signature verification failed');
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
      return notAccepted(alg);
    case 'ERR_JWKS_NO_MATCHING_KEY':
    case 'ERR_JWKS_MULTIPLE_MATCHING_KEYS':
      return new AuthError(AuthErrorCode.UnknownKid, 'no single key matches the token');
    case 'ERR_JWS_INVALID':
    case 'ERR_JWT_INVALID':
    case 'ERR_JOSE_NOT_SUPPORTED':
      return new AuthError(AuthErrorCode.Malformed, 'malformed token');
    default:
      // Fail closed: whatever else went wrong, the signature was not shown to be good.
      return new AuthError(AuthErrorCode.BadSignature, 'token could not be verified');
  }
}

/** A token signed with an algorithm the configured keys do not accept (or `none`). */
export function notAccepted(alg: string): AuthError {
  const shown = /^[A-Za-z0-9]{1,16}$/.test(alg) ? alg : 'of this kind';
  return new AuthError(AuthErrorCode.BadSignature, `algorithm ${shown} is not accepted`);
}

function fromClaimFailure(claim: string, reason: string): AuthError {
  switch (claim) {
    case 'iss':
      return new AuthError(AuthErrorCode.WrongIssuer, "'iss' does not match");
    case 'aud':
      return new AuthError(AuthErrorCode.WrongAudience, "'aud' does not match");
    case 'nbf':
      if (reason === 'check_failed') {
        return new AuthError(AuthErrorCode.NotYetValid, 'token not yet valid (nbf)');
      }
      break;
  }
  const what = reason === 'missing' ? 'is missing' : 'is invalid';
  const name = /^[a-z]{1,8}$/.test(claim) ? claim : 'a claim';
  return new AuthError(AuthErrorCode.BadClaims, `bad claims: '${name}' ${what}`);
}
