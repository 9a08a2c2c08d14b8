/**
 * JWT verification (PROTOCOL.md §6) with `jose`: HS256/384/512 with `--jwt-secret`, RS/PS, ES
 * and EdDSA with `--jwt-public-key` (a PEM file of one or more keys) and `--jwks-file` (keys by
 * `kid`, re-read when the file changes), optional `iss`/`aud` checks, `exp` and `sub` required.
 *
 *   token --missing/too long--> AuthError
 *         --cache hit (before exp)--> Identity
 *         --header: alg picks the key kind (HS: the secret; others: public keys by kid)
 *         --jose jwtVerify per candidate key--> claims --> Identity --> cache
 *
 * The algorithm list passed to jose always comes from the key, so `alg: none` and an HS token
 * presented against public keys (algorithm confusion) are refused before any signature check.
 * Clock tolerance: CLOCK_TOLERANCE_SEC (5 s) for `exp` and `nbf`, enough for the skew of
 * NTP-synced hosts, too little to matter for a token's lifetime. Every failure is an AuthError;
 * none echoes the token.
 */
import { createSecretKey, type KeyObject } from 'node:crypto';
import { decodeProtectedHeader, jwtVerify } from 'jose';
import { identityFromClaims, type Identity } from './claims';
import { AuthConfigError, AuthError, AuthErrorCode } from './errors';
import { fromJoseError, notAccepted } from './jose-errors';
import { JwksFile, type AuthLogger } from './jwks-file';
import { loadPemKeys } from './pem-keys';
import { VerifiedCache, DEFAULT_CACHE_ENTRIES } from './verified-cache';
import { ASYMMETRIC_ALGS, HMAC_ALGS, pickKeys, UNKNOWN_KID, type VerifyKey } from './verify-keys';

export const CLOCK_TOLERANCE_SEC = 5;
/** Longer tokens are refused unread; 16 KiB is far above any real token and URL limits. */
export const MAX_TOKEN_CHARS = 16 * 1024;
/** RFC 7518 §3.2: an HMAC key at least as long as the hash; shorter ones are brute-forceable. */
export const MIN_SECRET_BYTES = 32;

export interface JwtVerifierOptions {
  /** `--jwt-secret`: accept HS256/HS384/HS512 tokens. */
  secret?: string;
  /** `--jwt-public-key`: a PEM file of one or more public keys. */
  publicKeyFile?: string;
  /** `--jwks-file`: a JWKS document, re-read when it changes. */
  jwksFile?: string;
  /** `--jwt-issuer`: when set, `iss` must equal it. */
  issuer?: string;
  /** `--jwt-audience`: when set, `aud` must hold it. */
  audience?: string;
  /** Verified tokens kept (0 disables the cache); default DEFAULT_CACHE_ENTRIES. */
  cacheEntries?: number;
  /** Milliseconds since the epoch; tests pass a fake clock. */
  now?: () => number;
  log?: AuthLogger;
}

export interface JwtVerifierStats {
  /** Tokens verified by signature. */
  verified: number;
  /** Tokens answered from the cache. */
  cacheHits: number;
  /** Tokens refused. */
  failed: number;
  /** Signature checks attempted (a PEM file of several keys may take more than one per token). */
  signatureChecks: number;
}

const SILENT: AuthLogger = { warn: () => {} };

export class JwtVerifier {
  private readonly secret: KeyObject | undefined;
  private readonly pemKeys: readonly VerifyKey[];
  private readonly jwks: JwksFile | undefined;
  private readonly cache: VerifiedCache<Identity>;
  private readonly inFlight = new Map<string, Promise<Identity>>();
  private readonly now: () => number;
  /** Bumped when the JWKS keys change, so a check begun with the old keys is not cached. */
  private keysVersion = 0;
  private readonly counts: JwtVerifierStats = {
    verified: 0,
    cacheHits: 0,
    failed: 0,
    signatureChecks: 0,
  };

  /** Reads the key files now; throws AuthConfigError for anything unusable. */
  constructor(private readonly options: JwtVerifierOptions) {
    const { secret, publicKeyFile, jwksFile } = options;
    if (secret === undefined && publicKeyFile === undefined && jwksFile === undefined) {
      throw new AuthConfigError(
        'JWT verification needs a secret, a public key file or a JWKS file',
      );
    }
    if (secret !== undefined && Buffer.byteLength(secret) < MIN_SECRET_BYTES) {
      throw new AuthConfigError(`the JWT secret must be at least ${MIN_SECRET_BYTES} bytes`);
    }
    this.now = options.now ?? Date.now;
    this.secret = secret === undefined ? undefined : createSecretKey(Buffer.from(secret));
    this.pemKeys = publicKeyFile === undefined ? [] : loadPemKeys(publicKeyFile);
    this.jwks =
      jwksFile === undefined
        ? undefined
        : new JwksFile(jwksFile, options.log ?? SILENT, this.now());
    this.cache = new VerifiedCache(options.cacheEntries ?? DEFAULT_CACHE_ENTRIES);
  }

  get stats(): Readonly<JwtVerifierStats> {
    return { ...this.counts };
  }

  /** The identity a token grants, or an AuthError saying why it grants none. */
  async verify(token: string | null | undefined): Promise<Identity> {
    if (typeof token !== 'string' || token === '') {
      this.counts.failed++;
      throw new AuthError(AuthErrorCode.Missing, 'no token');
    }
    const now = this.now();
    // Polled before the cache, so a key removed from the JWKS stops cached tokens too.
    if (this.jwks?.due(now) && (await this.jwks.refresh(now))) {
      this.keysVersion++;
      this.cache.clear();
    }
    const hit = this.cache.get(token, now);
    if (hit !== undefined) {
      this.counts.cacheHits++;
      return hit;
    }
    // The same token arriving many times at once (a reconnect storm) is verified once.
    let pending = this.inFlight.get(token);
    if (pending === undefined) {
      pending = this.verifyUncached(token, now).finally(() => this.inFlight.delete(token));
      this.inFlight.set(token, pending);
    }
    return pending;
  }

  private async verifyUncached(token: string, now: number): Promise<Identity> {
    const keysVersion = this.keysVersion;
    try {
      const identity = await this.verifySignature(token, now);
      this.counts.verified++;
      if (keysVersion === this.keysVersion) this.cache.set(token, identity, now);
      return identity;
    } catch (err) {
      this.counts.failed++;
      throw err;
    }
  }

  private async verifySignature(token: string, now: number): Promise<Identity> {
    if (token.length > MAX_TOKEN_CHARS) {
      throw new AuthError(
        AuthErrorCode.Malformed,
        `token longer than ${MAX_TOKEN_CHARS} characters`,
      );
    }
    let alg: unknown;
    let kid: unknown;
    try {
      ({ alg, kid } = decodeProtectedHeader(token));
    } catch {
      throw new AuthError(AuthErrorCode.Malformed, 'malformed token');
    }
    if (typeof alg !== 'string' || (kid !== undefined && typeof kid !== 'string')) {
      throw new AuthError(AuthErrorCode.Malformed, 'malformed token header');
    }
    const options = {
      algorithms: [alg],
      issuer: this.options.issuer,
      audience: this.options.audience,
      clockTolerance: CLOCK_TOLERANCE_SEC,
      currentDate: new Date(now),
      requiredClaims: ['exp', 'sub'],
    };
    for (const key of this.keysFor(alg, kid)) {
      this.counts.signatureChecks++;
      try {
        const { payload } = await jwtVerify(token, key, options);
        return identityFromClaims(payload);
      } catch (err) {
        // Another key of a PEM file may still match; any other failure is final.
        if ((err as { code?: unknown }).code === 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED') continue;
        throw err instanceof AuthError ? err : fromJoseError(err, alg);
      }
    }
    throw new AuthError(AuthErrorCode.BadSignature, 'signature verification failed');
  }

  private keysFor(alg: string, kid: string | undefined): KeyObject[] {
    if (HMAC_ALGS.includes(alg)) {
      if (this.secret === undefined) throw notAccepted(alg);
      return [this.secret];
    }
    if (!ASYMMETRIC_ALGS.includes(alg)) throw notAccepted(alg);
    const pool = this.jwks ? [...this.pemKeys, ...this.jwks.current] : this.pemKeys;
    const picked = pickKeys(pool, alg, kid);
    if (picked === UNKNOWN_KID) {
      throw new AuthError(AuthErrorCode.UnknownKid, 'no key matches the token (kid)');
    }
    if (picked.length === 0) throw notAccepted(alg);
    return picked.map((k) => k.key);
  }
}
