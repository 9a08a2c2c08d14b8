import { AuthConfigError, AuthError, type AuthErrorCode } from './errors';
import { JwtVerifier, MAX_TOKEN_CHARS, type JwtVerifierOptions } from './jwt-verifier';
import {
  ecPair,
  edPair,
  pemOf,
  rsaPair,
  seconds,
  sign,
  TempDir,
  unsigned,
  type TestKeyPair,
} from '../testing/auth-keys';

const SECRET = 'a-shared-secret-of-at-least-32-bytes!';
const T0 = 1_800_000_000_000;

let dir: TempDir;
let rsa: TestKeyPair;
let ec: TestKeyPair;
let ed: TestKeyPair;
let pemFile: string;
let clock: number;

beforeAll(() => {
  dir = new TempDir();
  [rsa, ec, ed] = [rsaPair(), ecPair(), edPair()];
  pemFile = dir.write('keys.pem', [rsa, ec, ed].map((p) => pemOf(p.publicKey)).join('\n'));
});
afterAll(() => dir.remove());
beforeEach(() => (clock = T0));

function verifier(options: Partial<JwtVerifierOptions> = {}): JwtVerifier {
  return new JwtVerifier({ secret: SECRET, publicKeyFile: pemFile, now: () => clock, ...options });
}

const claims = (extra: object = {}) => ({ sub: 'alice', exp: seconds(T0) + 3600, ...extra });
const hs = (extra: object = {}, alg = 'HS256') => sign(claims(extra), Buffer.from(SECRET), alg);

async function refusal(v: JwtVerifier, token: string | undefined): Promise<AuthError> {
  const err = await v.verify(token).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AuthError);
  const authError = err as AuthError;
  if (token) {
    for (const part of token.split('.').filter((p) => p.length > 8)) {
      expect(authError.message).not.toContain(part);
    }
  }
  return authError;
}

async function expectRefused(v: JwtVerifier, token: string | undefined, code: AuthErrorCode) {
  expect((await refusal(v, token)).code).toBe(code);
}

describe('JwtVerifier', () => {
  describe('constructor', () => {
    it('needs a secret, a public key file or a JWKS file', () => {
      expect(() => new JwtVerifier({})).toThrow(AuthConfigError);
    });

    it('refuses a secret shorter than 32 bytes', () => {
      expect(() => new JwtVerifier({ secret: 's3cret' })).toThrow('at least 32 bytes');
    });

    it('refuses a public key file that cannot be read', () => {
      expect(() => new JwtVerifier({ publicKeyFile: `${dir.path}/nope.pem` })).toThrow(
        AuthConfigError,
      );
    });
  });

  describe('#verify', () => {
    it.each(['HS256', 'HS384', 'HS512'])(
      'accepts an %s token signed with the secret',
      async (alg) => {
        const id = await verifier().verify(await hs({ topics: ['live:*'] }, alg));
        expect(id.member).toBe('alice');
        expect(id.expMs).toBe((seconds(T0) + 3600) * 1000);
        expect(id.canSub('live:1')).toBe(true);
      },
    );

    it.each([
      ['RS256', () => rsa],
      ['ES256', () => ec],
      ['EdDSA', () => ed],
    ])('accepts an %s token signed by a key of the PEM file', async (_alg, pair) => {
      const { privateKey, alg } = pair();
      const id = await verifier().verify(await sign(claims(), privateKey, alg));
      expect(id.member).toBe('alice');
    });

    it('accepts a PEM key picked by a kid it does not declare', async () => {
      const token = await sign(claims(), ec.privateKey, 'ES256', { kid: 'whatever' });
      expect((await verifier().verify(token)).member).toBe('alice');
    });

    it('refuses a missing token with missing', async () => {
      await expectRefused(verifier(), undefined, 'missing');
      await expectRefused(verifier(), '', 'missing');
    });

    it.each([
      ['garbage', 'not-a-jwt'],
      ['two parts', 'eyJhbGciOiJIUzI1NiJ9.e30'],
      ['a header that is not JSON', 'bm90IGpzb24.e30.c2ln'],
    ])('refuses %s with malformed', async (_what, token) => {
      await expectRefused(verifier(), token, 'malformed');
    });

    it('refuses a token over the length bound unread', async () => {
      const v = verifier();
      await expectRefused(v, 'a'.repeat(MAX_TOKEN_CHARS + 1), 'malformed');
      expect(v.stats.signatureChecks).toBe(0);
    });

    it('refuses a token signed with another secret with bad-signature', async () => {
      const token = await sign(claims(), Buffer.from('x'.repeat(40)), 'HS256');
      await expectRefused(verifier(), token, 'bad-signature');
    });

    it('refuses a token signed by a key not in the PEM file with bad-signature', async () => {
      const token = await sign(claims(), rsaPair().privateKey, 'RS256');
      await expectRefused(verifier(), token, 'bad-signature');
    });

    it('refuses a token whose payload was changed after signing', async () => {
      const [head, , sig] = (await hs()).split('.');
      const forged = Buffer.from(JSON.stringify(claims({ sub: 'admin' }))).toString('base64url');
      await expectRefused(verifier(), `${head}.${forged}.${sig}`, 'bad-signature');
    });

    it('refuses alg none', async () => {
      const err = await refusal(verifier(), unsigned(claims()));
      expect(err.code).toBe('bad-signature');
      expect(err.message).toBe('algorithm none is not accepted');
    });

    it('refuses an HS token signed with the public key as secret (algorithm confusion)', async () => {
      const token = await sign(claims(), Buffer.from(pemOf(rsa.publicKey)), 'HS256');
      const v = verifier({ secret: undefined });
      const err = await refusal(v, token);
      expect(err.code).toBe('bad-signature');
      expect(err.message).toBe('algorithm HS256 is not accepted');
      expect(v.stats.signatureChecks).toBe(0);
    });

    it('refuses an asymmetric token when only a secret is configured', async () => {
      const token = await sign(claims(), ec.privateKey, 'ES256');
      await expectRefused(verifier({ publicKeyFile: undefined }), token, 'bad-signature');
    });

    it('refuses an ES256 token when the PEM file holds no EC key', async () => {
      const rsaOnly = dir.write('rsa.pem', pemOf(rsa.publicKey));
      const token = await sign(claims(), ec.privateKey, 'ES256');
      await expectRefused(verifier({ publicKeyFile: rsaOnly }), token, 'bad-signature');
    });

    it('refuses an expired token with expired', async () => {
      await expectRefused(verifier(), await hs({ exp: seconds(T0) - 10 }), 'expired');
    });

    it('accepts a token expired by less than the clock tolerance', async () => {
      await expect(verifier().verify(await hs({ exp: seconds(T0) - 3 }))).resolves.toBeDefined();
    });

    it('refuses a token whose nbf is ahead with not-yet-valid', async () => {
      await expectRefused(verifier(), await hs({ nbf: seconds(T0) + 60 }), 'not-yet-valid');
    });

    it.each([
      ['a wrong iss', { iss: 'mallory', aud: 'troupe' }, 'wrong-issuer'],
      ['no iss', { aud: 'troupe' }, 'wrong-issuer'],
      ['a wrong aud', { iss: 'idp', aud: 'other' }, 'wrong-audience'],
      ['no aud', { iss: 'idp' }, 'wrong-audience'],
    ] as const)('refuses %s when iss and aud are configured', async (_what, extra, code) => {
      const v = verifier({ issuer: 'idp', audience: 'troupe' });
      await expectRefused(v, await hs(extra), code);
    });

    it('accepts the configured iss and one of several aud', async () => {
      const v = verifier({ issuer: 'idp', audience: 'troupe' });
      await expect(v.verify(await hs({ iss: 'idp', aud: ['x', 'troupe'] }))).resolves.toBeDefined();
    });

    it.each([
      ['no sub', { sub: undefined }],
      ['no exp', { exp: undefined }],
      ['an empty sub', { sub: '' }],
      ['a malformed topics pattern', { topics: ['a*b'] }],
    ])('refuses %s with bad-claims', async (_what, extra) => {
      await expectRefused(verifier(), await hs(extra), 'bad-claims');
    });
  });

  describe('cache', () => {
    it('does not check the signature again for a token it verified', async () => {
      const v = verifier();
      const token = await hs();
      const first = await v.verify(token);
      expect(await v.verify(token)).toBe(first);
      expect(v.stats).toEqual({ verified: 1, cacheHits: 1, failed: 0, signatureChecks: 1 });
    });

    it('checks the same token arriving many times at once only once', async () => {
      const v = verifier();
      const token = await hs();
      await Promise.all(Array.from({ length: 50 }, () => v.verify(token)));
      expect(v.stats.signatureChecks).toBe(1);
    });

    it('never answers a cached token at or after its exp', async () => {
      const v = verifier();
      const token = await hs({ exp: seconds(T0) + 10 });
      await v.verify(token);
      clock = T0 + 10_000; // at exp: verified again, accepted within the clock tolerance
      await v.verify(token);
      expect(v.stats.signatureChecks).toBe(2);
      clock = T0 + 16_000;
      await expectRefused(v, token, 'expired');
      expect(v.stats.cacheHits).toBe(0);
    });

    it('never caches a token that failed', async () => {
      const v = verifier();
      const token = await sign(claims(), Buffer.from('y'.repeat(40)), 'HS256');
      await expectRefused(v, token, 'bad-signature');
      await expectRefused(v, token, 'bad-signature');
      expect(v.stats).toEqual({ verified: 0, cacheHits: 0, failed: 2, signatureChecks: 2 });
    });

    it('never caches a well-signed token with bad claims', async () => {
      const v = verifier();
      const token = await hs({ pub: '*' });
      await expectRefused(v, token, 'bad-claims');
      await expectRefused(v, token, 'bad-claims');
      expect(v.stats.signatureChecks).toBe(2);
    });

    it('checks every token when the cache is disabled', async () => {
      const v = verifier({ cacheEntries: 0 });
      const token = await hs();
      await v.verify(token);
      await v.verify(token);
      expect(v.stats.signatureChecks).toBe(2);
    });
  });
});
