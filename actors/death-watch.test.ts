import { deferred, flush, testSystem } from '../testing/actor-system';
import type { ActorContext, ActorRef, Behavior } from './types';
import { eventually } from '../testing/eventually';

type Cmd = { watch: ActorRef<unknown> } | { unwatch: ActorRef<unknown> };

/** An actor that watches/unwatches on command and records every onTerminated. */
function watcher(seen: string[]): () => Behavior<Cmd> {
  return () => ({
    receive: (cmd, ctx: ActorContext<Cmd>) => {
      if ('watch' in cmd) ctx.watch(cmd.watch);
      else ctx.unwatch(cmd.unwatch);
    },
    onTerminated: (ref) => void seen.push(ref.path),
  });
}

const idle = (): Behavior<unknown> => ({ receive: () => undefined });

describe('DeathWatch', () => {
  describe('#watch', () => {
    it('fires onTerminated once when the watched actor stops', async () => {
      const { system } = testSystem();
      const seen: string[] = [];
      const target = system.spawn('target', idle);
      const w = system.spawn('w', watcher(seen));
      w.tell({ watch: target });
      w.tell({ watch: target }); // watching twice is one watch
      await flush();
      system.stop(target);
      system.stop(target);
      await eventually(() => seen.length > 0);
      await flush();
      expect(seen).toEqual(['/user/target']);
    });

    it('fires at once when the ref is already dead', async () => {
      const { system } = testSystem();
      const seen: string[] = [];
      const target = system.spawn('target', idle);
      system.stop(target);
      await eventually(() => !target.isAlive());
      system.spawn('w', watcher(seen)).tell({ watch: target });
      await eventually(() => seen.length === 1);
    });

    it('notifies every watcher', async () => {
      const { system } = testSystem();
      const seen: string[] = [];
      const target = system.spawn('target', idle);
      system.spawn('w1', watcher(seen)).tell({ watch: target });
      system.spawn('w2', watcher(seen)).tell({ watch: target });
      await flush();
      system.stop(target);
      await eventually(() => seen.length === 2);
    });

    it('lets a parent watch its child and hear about it after the name is free', async () => {
      const { system } = testSystem();
      const seen: string[] = [];
      let childStillListed: boolean | undefined;
      system.spawn('parent', () => ({
        preStart: (ctx) => {
          const kid = ctx.spawn('kid', idle);
          ctx.watch(kid);
          ctx.stop(kid);
        },
        receive: () => undefined,
        onTerminated: (ref, ctx) => {
          seen.push(ref.name);
          childStillListed = ctx.child('kid') !== undefined;
        },
      }));
      await eventually(() => seen.length === 1);
      expect(childStillListed).toBe(false);
    });
  });

  describe('#unwatch', () => {
    it('suppresses the notice, even one already queued', async () => {
      const { system } = testSystem();
      const seen: string[] = [];
      const gate = deferred();
      const target = system.spawn('target', idle);
      const w = system.spawn<string>('w', () => ({
        preStart: (ctx) => ctx.watch(target),
        receive: async (_msg, ctx) => {
          ctx.stop(target);
          await gate.promise; // busy: the notice queues up in the system lane meanwhile
          ctx.unwatch(target);
        },
        onTerminated: (ref) => void seen.push(ref.path),
      }));
      w.tell('go');
      await eventually(() => !target.isAlive());
      gate.resolve();
      await flush();
      expect(seen).toEqual([]);
    });

    it('is harmless for a ref that is not watched', async () => {
      const { system } = testSystem();
      const target = system.spawn('target', idle);
      system.spawn('w', watcher([])).tell({ unwatch: target });
      await flush();
      expect(target.isAlive()).toBe(true);
    });
  });

  describe('children removal', () => {
    it('removes a stopped child from its parent without any watch', async () => {
      const { system } = testSystem();
      let ctxOf: ActorContext<unknown> | undefined;
      system.spawn('parent', () => ({
        preStart: (ctx) => {
          ctxOf = ctx;
          ctx.spawn('kid', idle);
        },
        receive: () => undefined,
      }));
      await flush();
      expect(ctxOf?.children()).toHaveLength(1);
      ctxOf?.stop(ctxOf.child('kid'));
      await eventually(() => ctxOf?.children().length === 0);
      expect(system.snapshot('/user/parent')?.childCount).toBeUndefined();
    });
  });

  describe('watcher stops first', () => {
    it('drops the watcher from the target so nothing is delivered to a dead actor', async () => {
      const { system } = testSystem();
      const seen: string[] = [];
      const target = system.spawn('target', idle);
      const w = system.spawn('w', watcher(seen));
      w.tell({ watch: target });
      await flush();
      system.stop(w);
      await eventually(() => !w.isAlive());
      system.stop(target);
      await flush();
      expect(seen).toEqual([]);
    });
  });
});
