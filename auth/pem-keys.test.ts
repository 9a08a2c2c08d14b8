import { generateKeyPairSync } from 'node:crypto';
import { parsePemKeys, MAX_PEM_KEYS } from './pem-keys';
import { ecPair, pemOf, rsaPair } from '../testing/auth-keys';

describe('parsePemKeys', () => {
  it('reads every public key block of a file, with the algorithms of its kind', () => {
    const keys = parsePemKeys(`${pemOf(rsaPair().publicKey)}\n${pemOf(ecPair().publicKey)}`, 'f');
    expect(keys.map((k) => [...k.algs])).toEqual([
      ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'],
      ['ES256'],
    ]);
    expect(keys.every((k) => !k.declaredKid && k.kid.length === 43)).toBe(true);
  });

  it('refuses a private key', () => {
    const pem = ecPair().privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    expect(() => parsePemKeys(pem, 'f')).toThrow(
      'f block 1 is a PRIVATE KEY; give public keys only',
    );
  });

  it('refuses an RSA key under 2048 bits', () => {
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    expect(() => parsePemKeys(pemOf(publicKey), 'f')).toThrow('at least 2048 bits');
  });

  it('refuses a key that cannot sign', () => {
    const { publicKey } = generateKeyPairSync('x25519');
    expect(() => parsePemKeys(pemOf(publicKey), 'f')).toThrow('not a signature key');
  });

  it('refuses a file without any key', () => {
    expect(() => parsePemKeys('hello', 'f')).toThrow('f holds no PEM public key');
  });

  it('refuses a broken block', () => {
    const broken = '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----';
    expect(() => parsePemKeys(broken, 'f')).toThrow('f block 1 is not a valid PEM public key');
  });

  it(`refuses more than ${MAX_PEM_KEYS} keys`, () => {
    const pem = pemOf(ecPair().publicKey);
    expect(() => parsePemKeys(pem.repeat(MAX_PEM_KEYS), 'f')).not.toThrow();
    expect(() => parsePemKeys(pem.repeat(MAX_PEM_KEYS + 1), 'f')).toThrow('more than');
  });
});
