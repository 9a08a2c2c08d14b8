import { Directive, oneForOne } from './supervision';
import { deferred, flush, testSystem } from '../testing/actor-system';
import type { ActorContext, ActorRef, Behavior, SpawnOptions } from './types';
import { eventually } from '../testing/eventually';

class Recoverable extends Error {}
class Fatal extends Error {}

/** A counter actor that throws on 'boom', rejects on 'async-boom', and reports its state. */
function counter(events: string[]): () => Behavior<string> {
  return () => {
    let count = 0;
    return {
      preStart: () => void events.push('preStart'),
      postStop: () => void events.push('postStop'),
      preRestart: (_ctx, err, msg) =>
        void events.push(`preRestart ${(err as Error).message} ${msg}`),
      postRestart: (_ctx, err) => void events.push(`postRestart ${(err as Error).message}`),
      receive: async (msg) => {
        if (msg === 'boom') throw new Recoverable('boom');
        if (msg === 'fatal') throw new Fatal('fatal');
        if (msg === 'async-boom') {
          await Promise.resolve();
          throw new Recoverable('async');
        }
        events.push(`${msg} ${++count}`);
      },
    };
  };
}

/** Spawns a supervisor with `strategy` whose single child is `child`. */
async function supervised(
  strategy: SpawnOptions['supervisor'],
  child: () => Behavior<string>,
): Promise<{ child: ActorRef<string>; parent: ActorRef<unknown> } & ReturnType<typeof testSystem>> {
  const t = testSystem();
  let ref: ActorRef<string> | undefined;
  const parent = t.system.spawn(
    'parent',
    () => ({ preStart: (ctx) => void (ref = ctx.spawn('child', child)), receive: () => undefined }),
    { supervisor: strategy },
  );
  await eventually(() => ref !== undefined);
  return { ...t, parent, child: ref as ActorRef<string> };
}

describe('fault handling', () => {
  describe('Resume', () => {
    it('keeps the state and continues with the next message', async () => {
      const events: string[] = [];
      const { child } = await supervised(
        oneForOne(() => Directive.Resume),
        counter(events),
      );
      for (const m of ['a', 'boom', 'b']) child.tell(m);
      await eventually(() => events.includes('b 2'));
      expect(events).toEqual(['preStart', 'a 1', 'b 2']);
    });

    it('handles a rejected async receive like a throw', async () => {
      const events: string[] = [];
      const { child } = await supervised(
        oneForOne(() => Directive.Resume),
        counter(events),
      );
      for (const m of ['a', 'async-boom', 'b']) child.tell(m);
      await eventually(() => events.includes('b 2'));
    });
  });

  describe('Restart', () => {
    it('runs preRestart with the failing message, builds a fresh behavior and calls postRestart', async () => {
      const events: string[] = [];
      const { child, system } = await supervised(undefined, counter(events));
      for (const m of ['a', 'a', 'boom', 'b']) child.tell(m);
      await eventually(() => events.includes('b 1'));
      expect(events).toEqual([
        'preStart',
        'a 1',
        'a 2',
        'preRestart boom boom',
        'postRestart boom',
        'b 1',
      ]);
      expect(system.snapshot('/user/parent/child')?.restarts).toBe(1);
      expect(system.stats().restarts).toBe(1);
    });

    it('calls preStart again by default and stops the children by default', async () => {
      const events: string[] = [];
      const t = testSystem();
      let incarnation = 0;
      const ref = t.system.spawn<string>('a', () => {
        const mine = ++incarnation;
        return {
          preStart: (ctx) => {
            events.push(`preStart ${mine}`);
            ctx.spawn(`kid-${mine}`, () => ({
              receive: () => undefined,
              postStop: () => void events.push(`kid-${mine} stopped`),
            }));
          },
          receive: () => {
            throw new Error('x');
          },
        };
      });
      await flush();
      ref.tell('boom');
      await eventually(() => events.includes('preStart 2'));
      expect(events).toEqual(['preStart 1', 'kid-1 stopped', 'preStart 2']);
      expect(t.system.snapshot('/user/a')?.children?.map((c) => c.name)).toEqual(['kid-2']);
    });

    it('stops the child once it restarted more than maxRestarts within the window', async () => {
      const events: string[] = [];
      const { child } = await supervised(
        oneForOne(() => Directive.Restart, 2, 60_000),
        counter(events),
      );
      for (let i = 0; i < 3; i++) child.tell('boom');
      await eventually(() => !child.isAlive());
      expect(events.filter((e) => e.startsWith('postRestart'))).toHaveLength(2);
      expect(events.at(-1)).toBe('postStop');
    });

    it('stops an actor spawned restartable: false instead, its factory called once', async () => {
      const events: string[] = [];
      const { system } = testSystem();
      let made = 0;
      const make = counter(events);
      const child = system.spawn<string>('a', () => (made++, make()), { restartable: false });
      for (const m of ['a', 'boom', 'b']) child.tell(m);
      await eventually(() => !child.isAlive());
      expect(events).toEqual(['preStart', 'a 1', 'postStop']);
      expect(made).toBe(1);
    });

    it('stops an actor spawned restartable: false whose factory threw at start', async () => {
      const { system } = testSystem();
      let made = 0;
      const child = system.spawn<string>(
        'a',
        () => {
          made++;
          throw new Recoverable('no');
        },
        { restartable: false },
      );
      await eventually(() => !child.isAlive());
      expect(made).toBe(1);
    });

    it('applies the default strategy to top-level actors under /user', async () => {
      const { system } = testSystem();
      const events: string[] = [];
      const ref = system.spawn('top', counter(events));
      ref.tell('boom');
      ref.tell('a');
      await eventually(() => events.includes('a 1'));
      expect(system.stats().restarts).toBe(1);
    });
  });

  describe('onFailure', () => {
    it("overrides the parent's strategy for that actor only", async () => {
      const { system } = testSystem();
      const kept: string[] = [];
      const other: string[] = [];
      const resume = { onFailure: oneForOne(() => Directive.Resume) };
      const ref = system.spawn('kept', counter(kept), resume);
      const plain = system.spawn('plain', counter(other));
      for (let i = 0; i < 20; i++) ref.tell('boom');
      ref.tell('a');
      plain.tell('boom');
      await eventually(() => kept.includes('a 1') && system.stats().restarts === 1);
      expect(kept).toEqual(['preStart', 'a 1']);
      expect(ref.isAlive()).toBe(true);
    });
  });

  describe('Stop', () => {
    it('stops the failing child and keeps the parent running', async () => {
      const events: string[] = [];
      const { child, parent } = await supervised(
        oneForOne(() => Directive.Stop),
        counter(events),
      );
      child.tell('boom');
      child.tell('a');
      await eventually(() => !child.isAlive());
      expect(events).toEqual(['preStart', 'postStop']);
      expect(parent.isAlive()).toBe(true);
    });
  });

  describe('Escalate', () => {
    it('fails the parent to its own parent, whose strategy decides', async () => {
      const { system } = testSystem();
      const events: string[] = [];
      let child: ActorRef<string> | undefined;
      const middle = (): Behavior<string> => ({
        preStart: (ctx: ActorContext<string>) => {
          events.push('middle preStart');
          child = ctx.spawn('child', counter(events));
        },
        receive: () => undefined,
      });
      system.spawn(
        'top',
        () => ({
          preStart: (ctx) =>
            void ctx.spawn('middle', middle, { supervisor: oneForOne(() => 'escalate') }),
          receive: () => undefined,
        }),
        {
          supervisor: oneForOne((err) =>
            err instanceof Fatal ? Directive.Restart : Directive.Stop,
          ),
        },
      );
      await eventually(() => child !== undefined);
      const first = child as ActorRef<string>;
      first.tell('fatal');
      await eventually(() => events.filter((e) => e === 'middle preStart').length === 2);
      expect(first.isAlive()).toBe(false); // stopped as part of the middle's restart
      expect(system.lookup('/user/top/middle/child')?.isAlive()).toBe(true);
    });

    it('resumes the escalating child when the grandparent resumes the parent', async () => {
      const { system } = testSystem();
      const events: string[] = [];
      let child: ActorRef<string> | undefined;
      system.spawn(
        'top',
        () => ({
          preStart: (ctx) =>
            void ctx.spawn(
              'middle',
              () => ({
                preStart: (c) => void (child = c.spawn('child', counter(events))),
                receive: () => undefined,
              }),
              { supervisor: oneForOne(() => Directive.Escalate) },
            ),
          receive: () => undefined,
        }),
        { supervisor: oneForOne(() => Directive.Resume) },
      );
      await eventually(() => child !== undefined);
      child?.tell('a');
      child?.tell('boom');
      child?.tell('b');
      await eventually(() => events.includes('b 2'));
    });
  });

  describe('failure in preStart', () => {
    it('is supervised like a failing receive', async () => {
      const { system } = testSystem();
      let attempts = 0;
      const started = deferred();
      system.spawn('a', () => ({
        preStart: () => {
          if (++attempts === 1) throw new Error('init');
          started.resolve();
        },
        receive: () => undefined,
      }));
      await started.promise;
      expect(attempts).toBe(2);
    });
  });

  it('never lets a throwing handler crash the process and logs each failure', async () => {
    const { system, logs } = testSystem();
    const ref = system.spawn<string>('a', () => ({
      receive: () => {
        throw new Error('nope');
      },
    }));
    for (let i = 0; i < 20; i++) ref.tell('x');
    await eventually(() => !ref.isAlive());
    expect(logs.filter((l) => l.msg === 'actor failed')).toHaveLength(11);
  });
});
