/**
 * The identity a verified JWT payload grants (PROTOCOL.md §6), with its permission patterns
 * compiled once so every later `sub`/`pub` check is a lookup.
 *
 * | claim      | required | meaning                                                          |
 * |------------|----------|------------------------------------------------------------------|
 * | `sub`      | yes      | the member id: a non-empty string of at most 200 characters      |
 * | `exp`      | yes      | expiry, seconds since the epoch (a finite number)                |
 * | `topics`   | no       | patterns the client may `sub` to; absent: none (see below)       |
 * | `pub`      | no       | patterns the client may `pub` to; absent: none                   |
 * | `presence` | no       | whether this connection makes its member online; default true    |
 *
 * An absent `topics` allows no topic: a token grants what it says and nothing more, like `pub`,
 * so an issuer that forgets the claim fails closed (the presence topics of §7, which need no
 * `topics` claim unless `--presence-private`, are the caller's exception, not this module's).
 * A claim that is present but malformed refuses the whole token rather than dropping the bad
 * part, so an issuer's bug shows at once instead of as missing permissions.
 */
import { AuthError, AuthErrorCode, PatternError } from './errors';
import { compilePatterns, DENY_ALL, type TopicMatcher } from './patterns';

/** Longest member id; the same bound as a topic name, so `presence:<member>` stays small. */
export const MAX_SUB_CHARS = 200;

export interface Identity {
  /** The token's `sub`. */
  readonly member: string;
  /** The token's `exp`, in ms since the epoch. */
  readonly expMs: number;
  /** Whether this connection makes its member online (§7). */
  readonly presence: boolean;
  canSub(topic: string): boolean;
  canPub(topic: string): boolean;
}

class TokenIdentity implements Identity {
  constructor(
    readonly member: string,
    readonly expMs: number,
    readonly presence: boolean,
    private readonly subs: TopicMatcher,
    private readonly pubs: TopicMatcher,
  ) {}

  canSub(topic: string): boolean {
    return this.subs.allows(topic);
  }

  canPub(topic: string): boolean {
    return this.pubs.allows(topic);
  }
}

/** Builds the identity of a payload whose signature was already verified. */
export function identityFromClaims(payload: unknown): Identity {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw badClaims('the payload is not an object');
  }
  const claims = payload as Record<string, unknown>;
  const { sub, exp, presence } = claims;
  if (typeof sub !== 'string' || sub === '') throw badClaims("'sub' must be a non-empty string");
  if (sub.length > MAX_SUB_CHARS) {
    throw badClaims(`'sub' must be at most ${MAX_SUB_CHARS} characters`);
  }
  if (typeof exp !== 'number' || !Number.isFinite(exp)) {
    throw badClaims("'exp' must be a number (seconds since the epoch)");
  }
  if (presence !== undefined && typeof presence !== 'boolean') {
    throw badClaims("'presence' must be a boolean");
  }
  return new TokenIdentity(
    sub,
    exp * 1000,
    presence ?? true,
    patternsOf(claims, 'topics', sub),
    patternsOf(claims, 'pub', sub),
  );
}

function patternsOf(claims: Record<string, unknown>, name: 'topics' | 'pub', sub: string) {
  const value = claims[name];
  if (value === undefined) return DENY_ALL;
  try {
    return compilePatterns(value, sub);
  } catch (err) {
    if (err instanceof PatternError) throw badClaims(`'${name}': ${err.message}`);
    throw err;
  }
}

function badClaims(why: string): AuthError {
  return new AuthError(AuthErrorCode.BadClaims, `bad claims: ${why}`);
}
