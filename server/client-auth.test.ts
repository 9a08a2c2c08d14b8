import { AuthConfigError, JwtVerifier } from '../auth';
import { ecPair, pemOf, TempDir } from '../testing/auth-keys';
import { allowedOriginsOf, authConfigured, clientMayPublish, jwtVerifierOf } from './client-auth';

const SECRET = 'x'.repeat(32);

describe('jwtVerifierOf', () => {
  let dir: TempDir;
  beforeEach(() => (dir = new TempDir()));
  afterEach(() => dir.remove());

  it('returns undefined when no JWT flag is set', () => {
    expect(jwtVerifierOf({})).toBeUndefined();
    expect(jwtVerifierOf({ authToken: 't' })).toBeUndefined();
  });

  it('builds a verifier from a secret or a public key file', () => {
    expect(jwtVerifierOf({ jwtSecret: SECRET })).toBeInstanceOf(JwtVerifier);
    const file = dir.write('k.pem', pemOf(ecPair().publicKey));
    expect(jwtVerifierOf({ jwtPublicKey: file, jwtAudience: 'a' })).toBeInstanceOf(JwtVerifier);
  });

  it('throws AuthConfigError for an unusable key file or a short secret', () => {
    expect(() => jwtVerifierOf({ jwtPublicKey: dir.write('k.pem', 'nope') })).toThrow(
      AuthConfigError,
    );
    expect(() => jwtVerifierOf({ jwtPublicKey: '/nonexistent/k.pem' })).toThrow(
      /cannot read the public key file/,
    );
    expect(() => jwtVerifierOf({ jwtSecret: 'short' })).toThrow(AuthConfigError);
  });
});

describe('clientMayPublish', () => {
  it('lets clients publish with no client auth at all', () => {
    expect(clientMayPublish({ clientPublish: false })).toBe(true);
  });

  it('refuses clients without a pub claim where --auth-token or a JWT flag is set', () => {
    expect(clientMayPublish({ clientPublish: false, authToken: 't' })).toBe(false);
    expect(clientMayPublish({ clientPublish: false, jwtSecret: SECRET })).toBe(false);
  });

  it('refuses clients without a pub claim where --publisher-token is set (decided)', () => {
    expect(clientMayPublish({ clientPublish: false, publisherToken: 'p' })).toBe(false);
  });

  it('lets them publish with --client-publish', () => {
    expect(clientMayPublish({ clientPublish: true, authToken: 't' })).toBe(true);
    expect(clientMayPublish({ clientPublish: true, jwtSecret: SECRET })).toBe(true);
  });
});

describe('authConfigured', () => {
  it('is true for any token flag and false for none', () => {
    expect(authConfigured({})).toBe(false);
    expect(authConfigured({ authToken: 't' })).toBe(true);
    expect(authConfigured({ publisherToken: 'p' })).toBe(true);
    expect(authConfigured({ jwtSecret: SECRET })).toBe(true);
  });
});

describe('allowedOriginsOf', () => {
  it('allows any origin by default where no auth is configured', () => {
    expect(allowedOriginsOf({})).toEqual(['*']);
  });

  it('allows no browser origin by default where auth is configured', () => {
    expect(allowedOriginsOf({ jwtSecret: SECRET })).toEqual([]);
    expect(allowedOriginsOf({ publisherToken: 'p' })).toEqual([]);
  });

  it('takes --allowed-origins as given', () => {
    expect(allowedOriginsOf({ jwtSecret: SECRET, allowedOrigins: ['https://a.example'] })).toEqual([
      'https://a.example',
    ]);
    expect(allowedOriginsOf({ allowedOrigins: [] })).toEqual([]);
  });
});
