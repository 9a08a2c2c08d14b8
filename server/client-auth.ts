/**
 * Client access as the configuration sets it (PROTOCOL.md §6): the one JWT verifier of a node
 * process, and whether clients may `pub` without a `pub` claim.
 *
 *   no client auth               anyone may connect and publish (the loopback development default)
 *   --auth-token T               T to connect; `pub` only with --client-publish
 *   any --jwt-* / --jwks-file    a valid JWT to connect; `pub` needs its `pub` claim or --client-publish
 *   --publisher-token T          (publishers only) clients connect freely but `pub` only with
 *                                --client-publish (_decided_: a publisher token means publishing
 *                                is restricted, so clients must not be a way around it)
 */
import { JwtVerifier, type AuthLogger } from '../auth';
import { ANY_ORIGIN } from '../gateway/origins';
import { jwtConfigured, type TroupeConfig } from './config';

type AuthConfig = Pick<
  TroupeConfig,
  | 'jwtSecret'
  | 'jwtPublicKey'
  | 'jwksFile'
  | 'jwtIssuer'
  | 'jwtAudience'
  | 'authToken'
  | 'publisherToken'
>;

/**
 * The verifier of client JWTs, or undefined where no JWT flag is set. Reads the key files now:
 * an unusable key, file or secret throws AuthConfigError (the node does not start).
 */
export function jwtVerifierOf(c: AuthConfig, log?: AuthLogger): JwtVerifier | undefined {
  if (!jwtConfigured(c)) return undefined;
  return new JwtVerifier({
    secret: c.jwtSecret,
    publicKeyFile: c.jwtPublicKey,
    jwksFile: c.jwksFile,
    issuer: c.jwtIssuer,
    audience: c.jwtAudience,
    log,
  });
}

/** Whether a client may `pub` with no `pub` claim covering the topic. */
export function clientMayPublish(c: AuthConfig & Pick<TroupeConfig, 'clientPublish'>): boolean {
  return c.clientPublish || !authConfigured(c);
}

/** Whether any token is asked of anyone: a JWT flag, --auth-token or --publisher-token. */
export function authConfigured(c: AuthConfig): boolean {
  return c.authToken !== undefined || c.publisherToken !== undefined || jwtConfigured(c);
}

/**
 * The browser origins allowed (PROTOCOL.md §6). _decided_: without --allowed-origins, any where
 * no auth is configured, none where some is (requests without an Origin header always pass).
 */
export function allowedOriginsOf(c: AuthConfig & Pick<TroupeConfig, 'allowedOrigins'>): string[] {
  return c.allowedOrigins ?? (authConfigured(c) ? [] : [ANY_ORIGIN]);
}
