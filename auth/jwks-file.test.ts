import { utimesSync } from 'node:fs';
import { AuthConfigError } from './errors';
import { JwksFile, parseJwks } from './jwks-file';
import { JwtVerifier } from './jwt-verifier';
import {
  ecPair,
  edPair,
  jwkOf,
  rsaPair,
  seconds,
  sign,
  TempDir,
  type TestKeyPair,
} from '../testing/auth-keys';

const T0 = 1_800_000_000_000;

let dir: TempDir;
let a: TestKeyPair;
let b: TestKeyPair;
let clock: number;
let version = 0;
let warnings: object[];

beforeAll(() => {
  dir = new TempDir();
  [a, b] = [ecPair(), edPair()];
});
afterAll(() => dir.remove());
beforeEach(() => {
  clock = T0;
  warnings = [];
});

/** Writes the file with a new mtime each time, so a change is seen whatever the fs resolution. */
function writeJwks(name: string, content: unknown): string {
  const file = dir.write(name, typeof content === 'string' ? content : JSON.stringify(content));
  version++;
  utimesSync(file, 1_000_000 + version, 1_000_000 + version);
  return file;
}

const log = { warn: (obj: object) => void warnings.push(obj) };
const jwks = (...keys: object[]) => ({ keys });
const token = (pair: TestKeyPair, kid?: string) =>
  sign({ sub: 'alice', exp: seconds(T0) + 3600 }, pair.privateKey, pair.alg, kid ? { kid } : {});

function verifierFor(file: string): JwtVerifier {
  return new JwtVerifier({ jwksFile: file, now: () => clock, log });
}

async function codeOf(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => 'accepted',
    (e: { code?: unknown }) => e.code,
  );
}

describe('JwksFile', () => {
  describe('constructor', () => {
    it('refuses a missing file', () => {
      expect(() => new JwksFile(`${dir.path}/none.json`, log, 0)).toThrow(AuthConfigError);
    });

    it('refuses a file that is not a JWKS document', () => {
      const file = writeJwks('bad.json', '{"nokeys": 1}');
      expect(() => new JwksFile(file, log, 0)).toThrow('has no "keys" array');
    });
  });

  describe('#refresh', () => {
    it('does not look at the file again within the poll interval', async () => {
      const file = writeJwks('poll.json', jwks(jwkOf(a.publicKey, { kid: 'a' })));
      const f = new JwksFile(file, log, T0);
      writeJwks('poll.json', jwks(jwkOf(b.publicKey, { kid: 'b' })));
      expect(f.due(T0 + 999)).toBe(false);
      expect(await f.refresh(T0 + 999)).toBe(false);
      expect(await f.refresh(T0 + 1000)).toBe(true);
      expect(f.current.map((k) => k.kid)).toEqual(['b']);
    });
  });
});

describe('parseJwks', () => {
  it('skips encryption and symmetric keys and keeps signature keys', () => {
    const rsa = rsaPair();
    const keys = parseJwks(
      JSON.stringify(
        jwks(
          jwkOf(rsa.publicKey, { kid: 'enc', use: 'enc' }),
          { kty: 'oct', k: 'c2VjcmV0', kid: 'sym' },
          jwkOf(rsa.publicKey, { kid: 'oaep', alg: 'RSA-OAEP' }),
          jwkOf(rsa.publicKey, { kid: 'sig', use: 'sig', alg: 'RS256' }),
        ),
      ),
      'f',
    );
    expect(keys.map((k) => [k.kid, [...k.algs]])).toEqual([['sig', ['RS256']]]);
  });

  it('refuses a document holding a private key', () => {
    const priv = a.privateKey.export({ format: 'jwk' });
    expect(() => parseJwks(JSON.stringify(jwks(priv)), 'f')).toThrow('is a private key');
  });

  it('refuses text that is not JSON', () => {
    expect(() => parseJwks('{', 'f')).toThrow('f is not JSON');
  });
});

describe('JwtVerifier with a JWKS file', () => {
  describe('#verify', () => {
    it('picks the key by kid', async () => {
      const file = writeJwks(
        'two.json',
        jwks(jwkOf(a.publicKey, { kid: 'a' }), jwkOf(b.publicKey, { kid: 'b' })),
      );
      const v = verifierFor(file);
      expect((await v.verify(await token(a, 'a'))).member).toBe('alice');
      expect((await v.verify(await token(b, 'b'))).member).toBe('alice');
      expect(v.stats.signatureChecks).toBe(2);
    });

    it('refuses a kid the file does not hold with unknown-kid', async () => {
      const v = verifierFor(writeJwks('one.json', jwks(jwkOf(a.publicKey, { kid: 'a' }))));
      expect(await codeOf(v.verify(await token(a, 'zzz')))).toBe('unknown-kid');
    });

    it('refuses a token signed by another key under a known kid with bad-signature', async () => {
      const v = verifierFor(writeJwks('one.json', jwks(jwkOf(a.publicKey, { kid: 'a' }))));
      expect(await codeOf(v.verify(await token(ecPair(), 'a')))).toBe('bad-signature');
    });

    it('accepts a token without kid when a single key suits its alg', async () => {
      const v = verifierFor(writeJwks('one.json', jwks(jwkOf(a.publicKey, { kid: 'a' }))));
      expect(await codeOf(v.verify(await token(a)))).toBe('accepted');
    });

    it('refuses a token without kid when several keys suit its alg', async () => {
      const other = ecPair();
      const file = writeJwks(
        'same-alg.json',
        jwks(jwkOf(a.publicKey, { kid: 'a' }), jwkOf(other.publicKey, { kid: 'o' })),
      );
      expect(await codeOf(verifierFor(file).verify(await token(a)))).toBe('unknown-kid');
    });

    it('picks up a rotated key once the file changes', async () => {
      const file = writeJwks('rotate.json', jwks(jwkOf(a.publicKey, { kid: 'a' })));
      const v = verifierFor(file);
      const tokenB = await token(b, 'b');
      expect(await codeOf(v.verify(tokenB))).toBe('unknown-kid');
      writeJwks(
        'rotate.json',
        jwks(jwkOf(a.publicKey, { kid: 'a' }), jwkOf(b.publicKey, { kid: 'b' })),
      );
      expect(await codeOf(v.verify(tokenB))).toBe('unknown-kid'); // within the poll interval
      clock += 1000;
      expect(await codeOf(v.verify(tokenB))).toBe('accepted');
    });

    it('stops accepting cached tokens of a key removed from the file', async () => {
      const file = writeJwks('revoke.json', jwks(jwkOf(a.publicKey, { kid: 'a' })));
      const v = verifierFor(file);
      const tokenA = await token(a, 'a');
      await v.verify(tokenA);
      await v.verify(tokenA);
      expect(v.stats.cacheHits).toBe(1);
      writeJwks('revoke.json', jwks(jwkOf(b.publicKey, { kid: 'b' })));
      clock += 1000;
      expect(await codeOf(v.verify(tokenA))).toBe('unknown-kid');
    });

    it('keeps the previous keys and logs once when the file breaks', async () => {
      const file = writeJwks('broken.json', jwks(jwkOf(a.publicKey, { kid: 'a' })));
      const v = verifierFor(file);
      writeJwks('broken.json', '{ not json');
      clock += 1000;
      expect(await codeOf(v.verify(await token(a, 'a')))).toBe('accepted');
      clock += 1000;
      expect(await codeOf(v.verify(await token(a, 'a')))).toBe('accepted');
      expect(warnings).toEqual([{ file, err: `${file} is not JSON` }]);
      writeJwks('broken.json', jwks(jwkOf(b.publicKey, { kid: 'b' })));
      clock += 1000;
      expect(await codeOf(v.verify(await token(b, 'b')))).toBe('accepted');
    });

    it('keeps the previous keys when the file is removed', async () => {
      const file = writeJwks('gone.json', jwks(jwkOf(a.publicKey, { kid: 'a' })));
      const v = verifierFor(file);
      dir.remove();
      clock += 1000;
      try {
        expect(await codeOf(v.verify(await token(a, 'a')))).toBe('accepted');
        expect(warnings).toHaveLength(1);
      } finally {
        dir = new TempDir();
      }
    });

    it('never accepts an HS token, whatever its kid', async () => {
      const v = verifierFor(writeJwks('hs.json', jwks(jwkOf(a.publicKey, { kid: 'a' }))));
      const hs = await sign({ sub: 'x', exp: seconds(T0) + 60 }, Buffer.alloc(32, 1), 'HS256', {
        kid: 'a',
      });
      expect(await codeOf(v.verify(hs))).toBe('bad-signature');
    });
  });
});
