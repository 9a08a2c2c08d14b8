/**
 * Public keys for asymmetric tokens, from PEM files and JWKS documents alike, each with the
 * algorithms it may verify and a key id, and the rule that picks the keys a token is tried with.
 *
 * Algorithms follow the key, never the token: an RSA key verifies RS and PS tokens, an EC key
 * the ES algorithm of its curve, an Ed25519/Ed448 key EdDSA. HS algorithms are never listed
 * here, so a token signed with HMAC over a public key's bytes (algorithm confusion) finds no key.
 */
import { createHash, type KeyObject } from 'node:crypto';
import { AuthConfigError } from './errors';

export const HMAC_ALGS: readonly string[] = ['HS256', 'HS384', 'HS512'];
const RSA_ALGS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'];
const PSS_ALGS = ['PS256', 'PS384', 'PS512'];
const CURVE_ALGS: Readonly<Record<string, string>> = {
  prime256v1: 'ES256',
  secp384r1: 'ES384',
  secp521r1: 'ES512',
};
/** Every algorithm some public key may verify. */
export const ASYMMETRIC_ALGS: readonly string[] = [
  ...RSA_ALGS,
  ...Object.values(CURVE_ALGS),
  'EdDSA',
];
/** Shorter RSA moduli are refused at load (as jose refuses them at verification). */
export const MIN_RSA_BITS = 2048;

export interface VerifyKey {
  readonly key: KeyObject;
  /** The JWK's `kid` where one was declared, else the key's RFC 7638 thumbprint. */
  readonly kid: string;
  readonly declaredKid: boolean;
  readonly algs: ReadonlySet<string>;
}

/**
 * Describes a public key for verification. `alg` (a JWK's `alg`) narrows the algorithms to
 * one; `where` names the key in the error a bad one throws.
 */
export function toVerifyKey(
  key: KeyObject,
  where: string,
  declared?: { kid?: unknown; alg?: unknown },
): VerifyKey {
  if (key.type !== 'public') throw new AuthConfigError(`${where} is not a public key`);
  let algs = algsForKey(key, where);
  if (declared?.alg !== undefined) {
    if (typeof declared.alg !== 'string' || !algs.includes(declared.alg)) {
      throw new AuthConfigError(`${where}: its alg does not suit a ${key.asymmetricKeyType} key`);
    }
    algs = [declared.alg];
  }
  const declaredKid = typeof declared?.kid === 'string' && declared.kid !== '';
  return {
    key,
    kid: declaredKid ? (declared.kid as string) : thumbprint(key),
    declaredKid,
    algs: new Set(algs),
  };
}

function algsForKey(key: KeyObject, where: string): string[] {
  const details = key.asymmetricKeyDetails ?? {};
  switch (key.asymmetricKeyType) {
    case 'rsa':
    case 'rsa-pss':
      if ((details.modulusLength ?? 0) < MIN_RSA_BITS) {
        throw new AuthConfigError(`${where}: RSA keys must have at least ${MIN_RSA_BITS} bits`);
      }
      return key.asymmetricKeyType === 'rsa' ? RSA_ALGS : PSS_ALGS;
    case 'ec': {
      const alg = CURVE_ALGS[details.namedCurve ?? ''];
      if (alg === undefined) throw new AuthConfigError(`${where}: unsupported EC curve`);
      return [alg];
    }
    case 'ed25519':
    case 'ed448':
      return ['EdDSA'];
    default:
      throw new AuthConfigError(`${where}: not a signature key (${key.asymmetricKeyType})`);
  }
}

/** RFC 7638 JWK thumbprint (SHA-256, base64url): a stable id for a key that declares none. */
export function thumbprint(key: KeyObject): string {
  const jwk = key.export({ format: 'jwk' }) as Record<string, string>;
  const members =
    jwk.kty === 'RSA'
      ? ['e', 'kty', 'n']
      : jwk.kty === 'EC'
        ? ['crv', 'kty', 'x', 'y']
        : ['crv', 'kty', 'x'];
  const canonical = `{${members.map((m) => `${JSON.stringify(m)}:${JSON.stringify(jwk[m])}`).join(',')}}`;
  return createHash('sha256').update(canonical).digest('base64url');
}

/** What `pickKeys` answers when the token names a key that no source holds. */
export const UNKNOWN_KID = 'unknown-kid' as const;

/**
 * The keys to try for a token's `alg` and `kid`, best first:
 * - with a `kid`: the key that declares it; else the undeclared keys (PEM blocks) whose
 *   thumbprint it is; else every undeclared key (a PEM file names no kid, so tokens signed by
 *   one of its keys may carry any); else UNKNOWN_KID.
 * - without one: every undeclared key, plus the declared key if only one suits the alg (as
 *   jose's JWKS selection: several candidates and no kid is the issuer's mistake, and trying
 *   them all would let one token cost many signature checks).
 */
export function pickKeys(
  keys: readonly VerifyKey[],
  alg: string,
  kid: string | undefined,
): VerifyKey[] | typeof UNKNOWN_KID {
  const fit = keys.filter((k) => k.algs.has(alg));
  const undeclared = fit.filter((k) => !k.declaredKid);
  if (kid !== undefined) {
    const named = fit.filter((k) => k.kid === kid);
    if (named.length > 0) return named;
    return undeclared.length > 0 ? undeclared : UNKNOWN_KID;
  }
  const declared = fit.filter((k) => k.declaredKid);
  if (declared.length === 1) return [...undeclared, ...declared];
  if (undeclared.length === 0 && declared.length > 1) return UNKNOWN_KID;
  return undeclared;
}
