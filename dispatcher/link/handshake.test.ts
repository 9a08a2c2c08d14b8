import { createHmac } from 'node:crypto';
import {
  authFrame,
  clientMac,
  helloFrame,
  isLoopback,
  macEquals,
  newNonce,
  parseAuth,
  parseHello,
  parseWelcome,
  serverMac,
  verifyAuth,
  verifyWelcome,
} from './handshake';

const SELF = { node: 'gw-1', role: 'gateway', dc: 'eu' } as const;
const S_NONCE = 'a'.repeat(32);
const C_NONCE = 'b'.repeat(32);

describe('handshake', () => {
  describe('newNonce', () => {
    it('returns 16 fresh random bytes as hex', () => {
      const a = newNonce();
      expect(a).toMatch(/^[0-9a-f]{32}$/);
      expect(newNonce()).not.toBe(a);
    });
  });

  describe('clientMac', () => {
    it('is HMAC-SHA256 over the client label, both nonces and the node', () => {
      const expected = createHmac('sha256', 'k')
        .update(`troupe-link-v1|client|${S_NONCE}|${C_NONCE}|gw-1`)
        .digest('hex');
      expect(clientMac('k', S_NONCE, C_NONCE, 'gw-1')).toBe(expected);
    });

    it('is empty without a secret', () => {
      expect(clientMac(undefined, S_NONCE, C_NONCE, 'gw-1')).toBe('');
    });
  });

  describe('serverMac', () => {
    it('is HMAC-SHA256 over the server label and both nonces, never equal to the client mac', () => {
      const expected = createHmac('sha256', 'k')
        .update(`troupe-link-v1|server|${C_NONCE}|${S_NONCE}`)
        .digest('hex');
      expect(serverMac('k', C_NONCE, S_NONCE)).toBe(expected);
      expect(serverMac('k', S_NONCE, C_NONCE)).not.toBe(clientMac('k', S_NONCE, C_NONCE, ''));
    });
  });

  describe('macEquals', () => {
    it('compares equal and unequal strings of any length', () => {
      expect(macEquals('abc', 'abc')).toBe(true);
      expect(macEquals('abc', 'abd')).toBe(false);
      expect(macEquals('abc', 'abcd')).toBe(false);
      expect(macEquals('abc', '')).toBe(false);
    });
  });

  describe('verifyAuth', () => {
    it('accepts the mac of the same secret over this server nonce only', () => {
      const auth = authFrame(SELF, 'k', S_NONCE, C_NONCE);
      expect(verifyAuth('k', S_NONCE, auth)).toBe(true);
      expect(verifyAuth('other', S_NONCE, auth)).toBe(false);
      expect(verifyAuth('k', 'c'.repeat(32), auth)).toBe(false);
    });

    it('binds the mac to the node the client claims', () => {
      const auth = { ...authFrame(SELF, 'k', S_NONCE, C_NONCE), node: 'someone-else' };
      expect(verifyAuth('k', S_NONCE, auth)).toBe(false);
    });

    it('accepts anything without a secret (loopback is checked on accept)', () => {
      expect(verifyAuth(undefined, S_NONCE, authFrame(SELF, undefined, S_NONCE, C_NONCE))).toBe(
        true,
      );
    });
  });

  describe('verifyWelcome', () => {
    it('accepts only the server mac of the same secret', () => {
      const mac = serverMac('k', C_NONCE, S_NONCE);
      expect(verifyWelcome('k', C_NONCE, S_NONCE, { op: 'welcome', mac })).toBe(true);
      expect(verifyWelcome('other', C_NONCE, S_NONCE, { op: 'welcome', mac })).toBe(false);
      expect(verifyWelcome('k', C_NONCE, S_NONCE, { op: 'welcome', mac: '' })).toBe(false);
    });

    it('without a secret accepts only a server that has none either', () => {
      expect(verifyWelcome(undefined, C_NONCE, S_NONCE, { op: 'welcome', mac: '' })).toBe(true);
      expect(
        verifyWelcome(undefined, C_NONCE, S_NONCE, {
          op: 'welcome',
          mac: serverMac('k', C_NONCE, S_NONCE),
        }),
      ).toBe(false);
    });
  });

  describe('isLoopback', () => {
    it.each(['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1'])('accepts %s', (a) => {
      expect(isLoopback(a)).toBe(true);
    });
    it.each([
      '10.0.0.1',
      '::ffff:10.0.0.1',
      '128.0.0.1',
      'fe80::1',
      '::',
      '',
      undefined,
      '127.0.0.1.evil',
    ])('refuses %s', (a) => {
      expect(isLoopback(a)).toBe(false);
    });
  });

  describe('parseHello', () => {
    it('reads a hello of version 1', () => {
      expect(parseHello(helloFrame(SELF, S_NONCE))).toEqual({
        op: 'hello',
        v: 1,
        ...SELF,
        nonce: S_NONCE,
      });
    });
    it.each([
      ['another version', { ...helloFrame(SELF, S_NONCE), v: 2 }],
      ['a short nonce', { ...helloFrame(SELF, S_NONCE), nonce: 'abc' }],
      ['an unknown role', { ...helloFrame(SELF, S_NONCE), role: 'admin' }],
      ['an empty node', { ...helloFrame(SELF, S_NONCE), node: '' }],
      ['another op', { ...helloFrame(SELF, S_NONCE), op: 'auth' }],
      ['an array', [helloFrame(SELF, S_NONCE)]],
      ['null', null],
    ])('refuses %s', (_what, v) => {
      expect(parseHello(v)).toBeUndefined();
    });
  });

  describe('parseAuth', () => {
    it('reads an auth and drops unknown fields', () => {
      const auth = authFrame(SELF, 'k', S_NONCE, C_NONCE);
      expect(parseAuth({ ...auth, extra: 1 })).toEqual(auth);
    });
    it('refuses an auth without a mac', () => {
      expect(
        parseAuth({ ...authFrame(SELF, 'k', S_NONCE, C_NONCE), mac: undefined }),
      ).toBeUndefined();
    });
  });

  describe('parseWelcome', () => {
    it('reads a welcome and refuses one without a string mac', () => {
      expect(parseWelcome({ op: 'welcome', mac: 'ab' })).toEqual({ op: 'welcome', mac: 'ab' });
      expect(parseWelcome({ op: 'welcome', mac: 1 })).toBeUndefined();
    });
  });

  describe('authFrame', () => {
    it('carries the identity, the client nonce and the mac, never the secret', () => {
      const auth = authFrame(SELF, 'the-secret', S_NONCE, C_NONCE);
      expect(auth).toEqual({
        op: 'auth',
        ...SELF,
        nonce: C_NONCE,
        mac: clientMac('the-secret', S_NONCE, C_NONCE, 'gw-1'),
      });
      expect(JSON.stringify(auth)).not.toContain('the-secret');
    });
  });
});
