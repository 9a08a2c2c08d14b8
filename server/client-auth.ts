/**
 * Client access as the configuration sets it (PROTOCOL.md §6): the one JWT verifier of a node
 * process, and whether clients may `pub` without a `pub` claim.
 *
 *   no client auth               anyone may connect and publish (the loopback development default)
 *   --auth-token T               T to connect; `pub` only with --client-publish
 *   any --jwt-* / --jwks-file    a valid JWT to connect; `pub` needs its `pub` claim or --client-publish
 */
import { JwtVerifier, type AuthLogger } from '../auth';
import { jwtConfigured, type TroupeConfig } from './config';

type AuthConfig = Pick<
  TroupeConfig,
  'jwtSecret' | 'jwtPublicKey' | 'jwksFile' | 'jwtIssuer' | 'jwtAudience' | 'authToken'
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
  return c.clientPublish || (c.authToken === undefined && !jwtConfigured(c));
}
