import { cellOf } from './actor-ref';
import { testSystem } from '../testing/actor-system';
import type { ActorRef } from './types';

describe('ActorRef (the cell)', () => {
  describe('#toString', () => {
    it('shows the path', () => {
      const { system } = testSystem();
      expect(String(system.spawn('a', () => ({ receive: () => undefined })))).toBe(
        'ActorRef(/user/a)',
      );
    });
  });

  describe('cellOf', () => {
    it('returns undefined for a ref that is not a kernel actor', () => {
      const foreign: ActorRef<unknown> = {
        path: '/x',
        name: 'x',
        tell: () => true,
        isAlive: () => true,
      };
      expect(cellOf(foreign)).toBeUndefined();
    });
  });
});
