import { ActorSystem } from './actor-system';
import { Runtime } from './runtime';

describe('Runtime', () => {
  describe('#deadLetter', () => {
    it('counts every dead letter and forwards it to onDeadLetter', () => {
      const seen: unknown[] = [];
      const runtime = new Runtime(ActorSystem.create('t'), {
        onDeadLetter: (path, msg) => seen.push([path, msg]),
      });
      runtime.deadLetter('/user/a', 1);
      expect(runtime.deadLetters).toBe(1);
      expect(seen).toEqual([['/user/a', 1]]);
    });

    it('logs an onDeadLetter that throws instead of propagating', () => {
      const logs: string[] = [];
      const runtime = new Runtime(ActorSystem.create('t'), {
        onDeadLetter: () => {
          throw new Error('sink down');
        },
        log: (_level, msg) => logs.push(msg),
      });
      expect(() => runtime.deadLetter('/user/a', 1)).not.toThrow();
      expect(logs).toEqual(['onDeadLetter threw']);
    });
  });
});
