import { childPath, splitPath, validateName } from './actor-path';
import { InvalidActorNameError } from './errors';

describe('actor-path', () => {
  describe('validateName', () => {
    it.each(['', 'a/b', '/'])('rejects %j', (name) => {
      expect(() => validateName(name)).toThrow(InvalidActorNameError);
    });

    it('accepts a plain segment', () => {
      expect(() => validateName('conn-8f2a')).not.toThrow();
    });
  });

  describe('childPath', () => {
    it('joins the parent path and the name with a slash', () => {
      expect(childPath('/user/gateway', 'router-3')).toBe('/user/gateway/router-3');
    });
  });

  describe('splitPath', () => {
    it('splits an absolute path into segments', () => {
      expect(splitPath('/user/a/b')).toEqual(['user', 'a', 'b']);
    });

    it('tolerates a trailing slash', () => {
      expect(splitPath('/user/a/')).toEqual(['user', 'a']);
    });

    it('returns undefined for a relative path or an empty segment', () => {
      expect(splitPath('user/a')).toBeUndefined();
      expect(splitPath('/user//a')).toBeUndefined();
    });
  });
});
