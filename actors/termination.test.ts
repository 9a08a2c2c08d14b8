import { flush, recordsStop, testSystem } from '../testing/actor-system';
import { eventually } from '../testing/eventually';

describe('termination', () => {
  describe('stop', () => {
    it('runs postStop of children before the parent postStop', async () => {
      const { system } = testSystem();
      const events: string[] = [];
      const leaf = (name: string) => recordsStop(events, `postStop ${name}`);
      const parent = system.spawn('parent', () => ({
        preStart: (ctx) => {
          const mid = ctx.spawn('mid', () => ({
            preStart: (c) => void c.spawn('leaf', leaf('leaf')),
            receive: () => undefined,
            postStop: () => void events.push('postStop mid'),
          }));
          void mid;
        },
        receive: () => undefined,
        postStop: () => void events.push('postStop parent'),
      }));
      await flush();
      system.stop(parent);
      await eventually(() => !parent.isAlive());
      expect(events).toEqual(['postStop leaf', 'postStop mid', 'postStop parent']);
    });

    it('is idempotent: stopping twice runs postStop once', async () => {
      const { system } = testSystem();
      let stops = 0;
      const ref = system.spawn('a', () => ({
        receive: () => undefined,
        postStop: () => void stops++,
      }));
      system.stop(ref);
      system.stop(ref);
      await flush();
      system.stop(ref);
      await flush();
      expect(stops).toBe(1);
      expect(system.stats().actors).toBe(0);
    });

    it('turns queued user messages into dead letters', async () => {
      const { system, deadLetters } = testSystem();
      const ref = system.spawn<number>('a', () => ({
        receive: (n, ctx) => {
          if (n === 0) ctx.stop();
        },
      }));
      [0, 1, 2].forEach((n) => ref.tell(n));
      await eventually(() => !ref.isAlive());
      expect(deadLetters).toEqual([
        { path: '/user/a', msg: 1 },
        { path: '/user/a', msg: 2 },
      ]);
    });

    it('logs a throwing postStop and still completes the stop', async () => {
      const { system, logs } = testSystem();
      const ref = system.spawn('a', () => ({
        receive: () => undefined,
        postStop: () => {
          throw new Error('cleanup failed');
        },
      }));
      system.stop(ref);
      await eventually(() => !ref.isAlive());
      expect(logs.map((l) => l.msg)).toEqual(['postStop threw']);
      expect(system.lookup('/user/a')).toBeUndefined();
    });

    it('runs preStart and postStop as a pair even when stopped right after spawn', async () => {
      const { system } = testSystem();
      const events: string[] = [];
      const ref = system.spawn('a', () => ({
        preStart: () => void events.push('preStart'),
        receive: () => undefined,
        postStop: () => void events.push('postStop'),
      }));
      system.stop(ref);
      await eventually(() => !ref.isAlive());
      expect(events).toEqual(['preStart', 'postStop']);
    });
  });
});
