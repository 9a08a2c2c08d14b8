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

  const GW = { node: 'gw-1', role: 'gateway', dc: 'dc1' } as const;
  const DISP = { node: 'd-1', role: 'dispatcher', dc: 'dc1' } as const;

  describe('clientMac', () => {
    it('is HMAC-SHA256 over the client label, both nonces and the node, role and dc', () => {
      const expected = createHmac('sha256', 'k')
        .update(`troupe-link-v1|client|${S_NONCE}|${C_NONCE}|["gw-1","gateway","dc1"]`)
        .digest('hex');
      expect(clientMac('k', S_NONCE, C_NONCE, GW)).toBe(expected);
    });

    it('changes with the role or the dc, so a captured auth cannot be relabelled', () => {
      const mac = clientMac('k', S_NONCE, C_NONCE, GW);
      expect(clientMac('k', S_NONCE, C_NONCE, { ...GW, role: 'dispatcher' })).not.toBe(mac);
      expect(clientMac('k', S_NONCE, C_NONCE, { ...GW, dc: 'dc2' })).not.toBe(mac);
      // A separator inside a name cannot move a field's boundary.
      expect(clientMac('k', S_NONCE, C_NONCE, { node: 'a', role: 'gateway', dc: 'b|c' })).not.toBe(
        clientMac('k', S_NONCE, C_NONCE, { node: 'a|gateway', role: 'gateway', dc: 'c' }),
      );
    });

    it('is empty without a secret', () => {
      expect(clientMac(undefined, S_NONCE, C_NONCE, GW)).toBe('');
    });
  });

  describe('serverMac', () => {
    it('is HMAC-SHA256 over the server label, both nonces and its identity, never the client mac', () => {
      const expected = createHmac('sha256', 'k')
        .update(`troupe-link-v1|server|${C_NONCE}|${S_NONCE}|["d-1","dispatcher","dc1"]`)
        .digest('hex');
      expect(serverMac('k', C_NONCE, S_NONCE, DISP)).toBe(expected);
      expect(serverMac('k', S_NONCE, C_NONCE, DISP)).not.toBe(
        clientMac('k', S_NONCE, C_NONCE, DISP),
      );
    });

    it('changes with the node, role or dc the server announced in its hello', () => {
      const mac = serverMac('k', C_NONCE, S_NONCE, DISP);
      expect(serverMac('k', C_NONCE, S_NONCE, { ...DISP, node: 'd-2' })).not.toBe(mac);
      expect(serverMac('k', C_NONCE, S_NONCE, { ...DISP, role: 'gateway' })).not.toBe(mac);
      expect(serverMac('k', C_NONCE, S_NONCE, { ...DISP, dc: 'dc2' })).not.toBe(mac);
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

    it('binds the mac to the node, role and dc the client claims', () => {
      const auth = authFrame(SELF, 'k', S_NONCE, C_NONCE);
      expect(verifyAuth('k', S_NONCE, { ...auth, node: 'someone-else' })).toBe(false);
      const role = SELF.role === 'gateway' ? 'dispatcher' : 'gateway';
      expect(verifyAuth('k', S_NONCE, { ...auth, role })).toBe(false);
      expect(verifyAuth('k', S_NONCE, { ...auth, dc: 'elsewhere' })).toBe(false);
    });

    it('accepts anything without a secret (loopback is checked on accept)', () => {
      expect(verifyAuth(undefined, S_NONCE, authFrame(SELF, undefined, S_NONCE, C_NONCE))).toBe(
        true,
      );
    });
  });

  describe('verifyWelcome', () => {
    it('accepts only the server mac of the same secret', () => {
      const mac = serverMac('k', C_NONCE, S_NONCE, DISP);
      expect(verifyWelcome('k', C_NONCE, S_NONCE, DISP, { op: 'welcome', mac })).toBe(true);
      expect(verifyWelcome('other', C_NONCE, S_NONCE, DISP, { op: 'welcome', mac })).toBe(false);
      expect(verifyWelcome('k', C_NONCE, S_NONCE, DISP, { op: 'welcome', mac: '' })).toBe(false);
    });

    it('refuses a welcome made for another identity than the hello announced', () => {
      const mac = serverMac('k', C_NONCE, S_NONCE, DISP);
      const relabelled = { ...DISP, node: 'd-9' };
      expect(verifyWelcome('k', C_NONCE, S_NONCE, relabelled, { op: 'welcome', mac })).toBe(false);
    });

    it('without a secret accepts only a server that has none either', () => {
      expect(verifyWelcome(undefined, C_NONCE, S_NONCE, DISP, { op: 'welcome', mac: '' })).toBe(
        true,
      );
      expect(
        verifyWelcome(undefined, C_NONCE, S_NONCE, DISP, {
          op: 'welcome',
          mac: serverMac('k', C_NONCE, S_NONCE, DISP),
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
        mac: clientMac('the-secret', S_NONCE, C_NONCE, SELF),
      });
      expect(JSON.stringify(auth)).not.toContain('the-secret');
    });
  });
});
