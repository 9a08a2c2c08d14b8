/**
 * Publisher access (PROTOCOL.md §6): what a publisher's token (TCP `auth`, HTTP
 * `Authorization: Bearer`) lets it publish to.
 *
 *   no auth configured                      ──► any topic, token or not
 *   address throttled                       ──► refused (throttled), nothing compared or verified
 *   --publisher-token or --auth-token match ──► any topic (constant-time comparisons)
 *   a JWT the node's verifier accepts       ──► the topics its `pub` claim covers, until its `exp`
 *   anything else                           ──► a failure counted for the address; refused
 *
 * Auth is configured where any of --publisher-token, --auth-token or a JWT flag is set. The
 * static tokens are compared before the JWT is verified (cheap first); a token equal to neither
 * goes to the verifier when there is one.
 */
import { AuthError } from './errors';
import { THROTTLED, type AuthThrottle } from './auth-throttle';
import type { JwtVerifier } from './jwt-verifier';
import { staticToken, type StaticToken } from './static-token';

/** What an authenticated publisher may do. */
export interface PublisherAccess {
  canPub(topic: string): boolean;
  /** When the access ends (ms since the epoch); Infinity for a static token or no auth. */
  readonly expMs: number;
}

/** Any topic, forever: a static token, or no auth configured. */
export const PUBLISH_ANYWHERE: PublisherAccess = { canPub: () => true, expMs: Infinity };

export type PublisherCheck =
  | { readonly ok: true; readonly access: PublisherAccess }
  | { readonly ok: false; readonly throttled: boolean; readonly msg: string };

export interface PublisherAuthOptions {
  readonly publisherToken?: string;
  /** Kept for compatibility: `--auth-token` still lets publishers publish anywhere. */
  readonly authToken?: string;
  readonly jwt?: JwtVerifier;
  readonly throttle: AuthThrottle;
  readonly now?: () => number;
}

export class PublisherAuth {
  /** Whether a publisher must authenticate before it publishes. */
  readonly required: boolean;
  private readonly tokens: StaticToken[];
  private readonly now: () => number;

  constructor(private readonly o: PublisherAuthOptions) {
    this.tokens = [o.publisherToken, o.authToken].flatMap((t) =>
      t === undefined ? [] : [staticToken(t)],
    );
    this.required = this.tokens.length > 0 || o.jwt !== undefined;
    this.now = o.now ?? Date.now;
  }

  /** The access `token` grants a publisher at `address`. Never throws an AuthError. */
  async check(token: string | undefined, address: string): Promise<PublisherCheck> {
    if (!this.required) return { ok: true, access: PUBLISH_ANYWHERE };
    if (!this.o.throttle.allow(address, this.now())) {
      return { ok: false, throttled: true, msg: THROTTLED };
    }
    // Every static token is compared, so the time taken does not tell which one matched.
    let matched = false;
    for (const t of this.tokens) matched = t.matches(token) || matched;
    if (matched) return { ok: true, access: PUBLISH_ANYWHERE };
    let msg = token === undefined ? 'no token' : 'wrong token';
    if (this.o.jwt !== undefined && token !== undefined) {
      try {
        const identity = await this.o.jwt.verify(token);
        return { ok: true, access: identity };
      } catch (err) {
        if (!(err instanceof AuthError)) throw err;
        msg = err.message;
      }
    }
    this.o.throttle.fail(address, this.now());
    return { ok: false, throttled: false, msg };
  }
}
