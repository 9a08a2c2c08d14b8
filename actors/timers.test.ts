import { deferred, flush, sleep, testSystem } from '../testing/actor-system';
import type { ActorContext, Behavior } from './types';
import { eventually } from '../testing/eventually';

type Msg = 'tick' | 'start-single' | 'start-periodic' | 'cancel' | 'boom' | 'stop';

function timed(got: string[], captured: { ctx?: ActorContext<Msg> }): () => Behavior<Msg> {
  return () => ({
    preStart: (ctx) => void (captured.ctx = ctx),
    receive: (msg, ctx) => {
      switch (msg) {
        case 'start-single':
          return ctx.timers.startSingle('t', 'tick', 10);
        case 'start-periodic':
          return ctx.timers.startPeriodic('t', 'tick', 5);
        case 'cancel':
          return ctx.timers.cancel('t');
        case 'boom':
          throw new Error('boom');
        case 'stop':
          return ctx.stop();
        default:
          got.push(msg);
      }
    },
  });
}

describe('Timers', () => {
  describe('#startSingle', () => {
    it('delivers the message once through the mailbox and is then inactive', async () => {
      const { system } = testSystem();
      const got: string[] = [];
      const c: { ctx?: ActorContext<Msg> } = {};
      system.spawn('a', timed(got, c)).tell('start-single');
      await flush();
      expect(c.ctx?.timers.isActive('t')).toBe(true);
      await eventually(() => got.length === 1);
      await sleep(30);
      expect(got).toEqual(['tick']);
      expect(c.ctx?.timers.isActive('t')).toBe(false);
    });

    it('replaces a timer with the same key', async () => {
      const { system } = testSystem();
      const got: string[] = [];
      const ref = system.spawn('a', timed(got, {}));
      ref.tell('start-single');
      ref.tell('start-single');
      await sleep(40);
      expect(got).toEqual(['tick']);
    });
  });

  describe('#startPeriodic', () => {
    it('delivers repeatedly until cancelled', async () => {
      const { system } = testSystem();
      const got: string[] = [];
      const ref = system.spawn('a', timed(got, {}));
      ref.tell('start-periodic');
      await eventually(() => got.length >= 3);
      ref.tell('cancel');
      await flush();
      const count = got.length;
      await sleep(30);
      expect(got.length).toBe(count);
    });
  });

  describe('#cancel', () => {
    it('drops a tick that was already queued when the timer was cancelled', async () => {
      const { system } = testSystem();
      const got: string[] = [];
      const gate = deferred();
      const ref = system.spawn<string>('a', () => ({
        receive: async (msg, ctx) => {
          if (msg !== 'go') return void got.push(msg);
          ctx.timers.startSingle('t', 'tick', 0);
          await gate.promise; // busy: the tick fires and waits in the mailbox
          ctx.timers.cancel('t');
        },
      }));
      ref.tell('go');
      await sleep(10);
      gate.resolve();
      await flush();
      expect(got).toEqual([]);
    });
  });

  describe('lifecycle', () => {
    it('cancels all timers on stop', async () => {
      const { system, deadLetters } = testSystem();
      const got: string[] = [];
      const ref = system.spawn('a', timed(got, {}));
      ref.tell('start-periodic');
      ref.tell('stop');
      await sleep(30);
      expect(got).toEqual([]);
      expect(deadLetters).toEqual([]);
    });

    it('cancels all timers on restart', async () => {
      const { system } = testSystem();
      const got: string[] = [];
      const c: { ctx?: ActorContext<Msg> } = {};
      const ref = system.spawn('a', timed(got, c));
      ref.tell('start-periodic');
      ref.tell('boom');
      await eventually(() => system.stats().restarts === 1);
      await sleep(30);
      expect(got).toEqual([]);
      expect(c.ctx?.timers.isActive('t')).toBe(false);
    });

    it("does not keep the process alive (timers are unref'd)", async () => {
      const { system } = testSystem();
      let handle: NodeJS.Timeout | undefined;
      const spy = jest.spyOn(global, 'setInterval').mockImplementationOnce(((
        fn: () => void,
        ms: number,
      ) => {
        handle = (jest.requireActual('timers') as typeof import('timers')).setInterval(fn, ms);
        return handle;
      }) as typeof setInterval);
      system.spawn('a', timed([], {})).tell('start-periodic');
      await flush();
      spy.mockRestore();
      expect(handle?.hasRef()).toBe(false);
      await system.terminate();
    });
  });
});
