import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { ecPair, edPair } from '../testing/auth-keys';
import { pickKeys, thumbprint, toVerifyKey, UNKNOWN_KID } from './verify-keys';

const ec1 = toVerifyKey(ecPair().publicKey, 'ec1', { kid: 'k1' });
const ec2 = toVerifyKey(ecPair().publicKey, 'ec2', { kid: 'k2' });
const pem = toVerifyKey(ecPair().publicKey, 'pem');
const ed = toVerifyKey(edPair().publicKey, 'ed', { kid: 'e' });

describe('toVerifyKey', () => {
  it('uses the declared kid, or else the RFC 7638 thumbprint', () => {
    expect(ec1.kid).toBe('k1');
    expect(ec1.declaredKid).toBe(true);
    expect(pem.kid).toBe(thumbprint(pem.key));
    expect(pem.declaredKid).toBe(false);
  });

  it('computes the RFC 7638 thumbprint of the RFC example key', () => {
    const n =
      '0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw';
    const key = createPublicKey({ key: { kty: 'RSA', n, e: 'AQAB' }, format: 'jwk' });
    expect(thumbprint(key)).toBe('NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs');
  });

  it('narrows the algorithms to a declared alg', () => {
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    expect([...toVerifyKey(publicKey, 'r', { alg: 'PS256' }).algs]).toEqual(['PS256']);
    expect(() => toVerifyKey(publicKey, 'r', { alg: 'ES256' })).toThrow('does not suit');
  });

  it('refuses a private key', () => {
    expect(() => toVerifyKey(ecPair().privateKey, 'p')).toThrow('p is not a public key');
  });
});

describe('pickKeys', () => {
  it('answers the key that declares the kid', () => {
    expect(pickKeys([ec1, ec2, pem], 'ES256', 'k2')).toEqual([ec2]);
  });

  it('answers the PEM key whose thumbprint is the kid', () => {
    expect(pickKeys([ec1, pem], 'ES256', pem.kid)).toEqual([pem]);
  });

  it('falls back to the keys without a declared kid for an unknown kid', () => {
    expect(pickKeys([ec1, pem], 'ES256', 'nope')).toEqual([pem]);
  });

  it('answers UNKNOWN_KID for an unknown kid and no undeclared key', () => {
    expect(pickKeys([ec1, ec2], 'ES256', 'nope')).toBe(UNKNOWN_KID);
  });

  it('never answers a key whose algorithms do not include the alg', () => {
    expect(pickKeys([ec1, ed], 'EdDSA', 'k1')).toBe(UNKNOWN_KID);
    expect(pickKeys([ec1, pem], 'RS256', undefined)).toEqual([]);
  });

  it('answers the single declared key that suits a token without kid', () => {
    expect(pickKeys([ec1, ed], 'ES256', undefined)).toEqual([ec1]);
  });

  it('answers UNKNOWN_KID for a token without kid that several declared keys suit', () => {
    expect(pickKeys([ec1, ec2], 'ES256', undefined)).toBe(UNKNOWN_KID);
    expect(pickKeys([ec1, ec2, pem], 'ES256', undefined)).toEqual([pem]);
  });
});
