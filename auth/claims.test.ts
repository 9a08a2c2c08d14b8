import { identityFromClaims, MAX_SUB_CHARS } from './claims';
import { AuthError } from './errors';

const EXP = 1_900_000_000;

describe('identityFromClaims', () => {
  describe('identity', () => {
    it('takes the member from sub and the expiry from exp, in ms', () => {
      const id = identityFromClaims({ sub: 'alice', exp: EXP });
      expect(id.member).toBe('alice');
      expect(id.expMs).toBe(EXP * 1000);
    });

    it('makes the member online by default', () => {
      expect(identityFromClaims({ sub: 'a', exp: EXP }).presence).toBe(true);
    });

    it('keeps the member offline when presence is false', () => {
      expect(identityFromClaims({ sub: 'a', exp: EXP, presence: false }).presence).toBe(false);
    });
  });

  describe('#canSub', () => {
    it('allows no topic when topics is absent', () => {
      const id = identityFromClaims({ sub: 'alice', exp: EXP });
      expect(id.canSub('news')).toBe(false);
      expect(id.canSub('inbox:alice')).toBe(false);
    });

    it('allows the topics its patterns cover, with {sub} as the member', () => {
      const id = identityFromClaims({ sub: 'alice', exp: EXP, topics: ['live:*', 'inbox:{sub}'] });
      expect(id.canSub('live:1')).toBe(true);
      expect(id.canSub('inbox:alice')).toBe(true);
      expect(id.canSub('inbox:bob')).toBe(false);
    });
  });

  describe('#canPub', () => {
    it('allows no topic when pub is absent, whatever topics allows', () => {
      const id = identityFromClaims({ sub: 'a', exp: EXP, topics: ['*'] });
      expect(id.canPub('news')).toBe(false);
    });

    it('allows the topics its own patterns cover', () => {
      const id = identityFromClaims({ sub: 'a', exp: EXP, topics: ['*'], pub: ['chat:{sub}'] });
      expect(id.canPub('chat:a')).toBe(true);
      expect(id.canPub('chat:b')).toBe(false);
    });
  });

  describe('validation', () => {
    it.each([
      ['a payload that is not an object', 'x', 'the payload is not an object'],
      ['an array payload', [], 'the payload is not an object'],
      ['a missing sub', { exp: EXP }, "'sub' must be a non-empty string"],
      ['an empty sub', { sub: '', exp: EXP }, "'sub' must be a non-empty string"],
      ['a numeric sub', { sub: 7, exp: EXP }, "'sub' must be a non-empty string"],
      ['a missing exp', { sub: 'a' }, "'exp' must be a number"],
      ['a string exp', { sub: 'a', exp: String(EXP) }, "'exp' must be a number"],
      ['an infinite exp', { sub: 'a', exp: Infinity }, "'exp' must be a number"],
      ['a non-boolean presence', { sub: 'a', exp: EXP, presence: 'no' }, "'presence' must be"],
      ['topics that is not a list', { sub: 'a', exp: EXP, topics: 'news' }, "'topics': patterns"],
      ['a malformed pub pattern', { sub: 'a', exp: EXP, pub: ['a*b'] }, "'pub': pattern #0"],
    ])('refuses %s with bad-claims', (_what, payload, message) => {
      const call = () => identityFromClaims(payload);
      expect(call).toThrow(AuthError);
      expect(call).toThrow(expect.objectContaining({ code: 'bad-claims' }));
      expect(call).toThrow(message);
    });

    it('accepts a sub of exactly the bound and refuses one character more', () => {
      const sub = 'm'.repeat(MAX_SUB_CHARS);
      expect(identityFromClaims({ sub, exp: EXP }).member).toBe(sub);
      expect(() => identityFromClaims({ sub: `${sub}m`, exp: EXP })).toThrow(
        `'sub' must be at most ${MAX_SUB_CHARS} characters`,
      );
    });
  });
});
