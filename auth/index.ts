/** Identity and access (PROTOCOL.md §6): the public surface. Anything not exported is internal. */
export { AuthConfigError, AuthError, AuthErrorCode, PatternError } from './errors';
export {
  ALLOW_ALL,
  compilePatterns,
  DENY_ALL,
  MAX_PATTERN_BYTES,
  MAX_PATTERNS,
  type TopicMatcher,
} from './patterns';
export { identityFromClaims, MAX_SUB_CHARS, type Identity } from './claims';
export {
  CLOCK_TOLERANCE_SEC,
  JwtVerifier,
  MAX_TOKEN_CHARS,
  MIN_SECRET_BYTES,
  type JwtVerifierOptions,
  type JwtVerifierStats,
} from './jwt-verifier';
export { JWKS_POLL_MS, type AuthLogger } from './jwks-file';
export { DEFAULT_CACHE_ENTRIES } from './verified-cache';
export { staticToken, type StaticToken } from './static-token';
export {
  addressKey,
  AuthThrottle,
  DEFAULT_AUTH_BURST,
  DEFAULT_AUTH_MAX_ADDRESSES,
  DEFAULT_AUTH_REFILL_PER_SEC,
  THROTTLED,
  type AuthThrottleOptions,
} from './auth-throttle';
export {
  PUBLISH_ANYWHERE,
  PublisherAuth,
  type PublisherAccess,
  type PublisherAuthOptions,
  type PublisherCheck,
} from './publisher-auth';
