import { ActorSystem } from './actor-system';
import { deferred, flush, recordsStop, testSystem } from '../testing/actor-system';
import type { ActorContext, Behavior } from './types';
import { eventually } from '../testing/eventually';

const idle = (): Behavior<unknown> => ({ receive: () => undefined });

/** /user/gateway/router-{0,1}/conn-{0,1,2} */
async function tree(): Promise<ReturnType<typeof testSystem>> {
  const t = testSystem();
  t.system.spawn(
    'gateway',
    () => ({
      preStart: (ctx: ActorContext<unknown>) => {
        for (let r = 0; r < 2; r++) {
          ctx.spawn(
            `router-${r}`,
            () => ({
              preStart: (c: ActorContext<unknown>) => {
                for (let i = 0; i < 3; i++) c.spawn(`conn-${i}`, idle, { kind: 'connection' });
              },
              receive: () => undefined,
            }),
            { kind: 'topic-router' },
          );
        }
      },
      receive: () => undefined,
    }),
    { kind: 'gateway' },
  );
  await flush();
  return t;
}

describe('ActorSystem', () => {
  describe('.create', () => {
    it('keeps the given name and starts empty', () => {
      const system = ActorSystem.create('node-1');
      expect(system.name).toBe('node-1');
      expect(system.stats()).toEqual({
        actors: 0,
        deadLetters: 0,
        processed: 0,
        restarts: 0,
        mailboxTotal: 0,
      });
    });
  });

  describe('#lookup', () => {
    it('finds an actor by its full path', async () => {
      const { system } = await tree();
      expect(system.lookup('/user/gateway/router-1/conn-2')?.path).toBe(
        '/user/gateway/router-1/conn-2',
      );
      expect(system.lookup('/user')?.name).toBe('user');
    });

    it('returns undefined for unknown or malformed paths', async () => {
      const { system } = await tree();
      expect(system.lookup('/user/gateway/router-9')).toBeUndefined();
      expect(system.lookup('/system/x')).toBeUndefined();
      expect(system.lookup('user/gateway')).toBeUndefined();
    });
  });

  describe('#snapshot', () => {
    it('walks the whole /user tree by default', async () => {
      const { system } = await tree();
      const root = system.snapshot();
      expect(root?.path).toBe('/user');
      expect(root?.children?.[0].children?.[1].children?.map((c) => c.path)).toEqual([
        '/user/gateway/router-1/conn-0',
        '/user/gateway/router-1/conn-1',
        '/user/gateway/router-1/conn-2',
      ]);
    });

    it('gives childCount instead of children once the depth is exhausted', async () => {
      const { system } = await tree();
      const gw = system.snapshot('/user/gateway', 1);
      expect(gw).toMatchObject({ kind: 'gateway', status: 'running' });
      expect(gw).not.toHaveProperty('childCount');
      expect(gw?.children?.map((c) => [c.kind, c.childCount, c.children])).toEqual([
        ['topic-router', 3, undefined],
        ['topic-router', 3, undefined],
      ]);
    });

    it('omits both children and childCount on a leaf', async () => {
      const { system } = await tree();
      const leaf = system.snapshot('/user/gateway/router-0/conn-0', 0);
      expect(leaf).toEqual({
        path: '/user/gateway/router-0/conn-0',
        name: 'conn-0',
        kind: 'connection',
        status: 'running',
        mailbox: 0,
        processed: 0,
        restarts: 0,
      });
    });

    it('shows queued messages in mailbox', async () => {
      const { system } = testSystem();
      const gate = deferred();
      const ref = system.spawn('busy', () => ({ receive: () => gate.promise }));
      ['a', 'b', 'c'].forEach((m) => ref.tell(m));
      await flush();
      expect(system.snapshot('/user/busy')).toMatchObject({ mailbox: 2, processed: 1 });
      expect(system.stats().mailboxTotal).toBe(2);
      gate.resolve();
    });
  });

  describe('#inspect', () => {
    it('returns the depth-0 node plus behavior.inspect()', async () => {
      const { system } = testSystem();
      system.spawn('conn', () => ({
        receive: () => undefined,
        inspect: () => ({ user: 'ada', topics: 2 }),
      }));
      await flush();
      expect(system.inspect('/user/conn')).toMatchObject({
        path: '/user/conn',
        state: { user: 'ada', topics: 2 },
      });
      expect(system.inspect('/user/none')).toBeUndefined();
    });

    it('reports an inspect hook that throws instead of throwing', async () => {
      const { system } = testSystem();
      system.spawn('conn', () => ({
        receive: () => undefined,
        inspect: () => {
          throw new Error('nope');
        },
      }));
      await flush();
      expect(system.inspect('/user/conn')?.state).toEqual({ inspectError: 'nope' });
    });
  });

  describe('#stats', () => {
    it('counts live actors, processed messages, restarts and dead letters', async () => {
      const { system } = await tree();
      expect(system.stats().actors).toBe(9);
      system.stop(system.lookup('/user/gateway/router-0') as never);
      await eventually(() => system.stats().actors === 5);
    });
  });

  describe('#terminate', () => {
    it('stops every actor, children before parents, running postStop hooks', async () => {
      const { system } = testSystem();
      const events: string[] = [];
      const leaf = (name: string) => recordsStop(events, name);
      system.spawn('a', () => ({
        preStart: (ctx) => void ctx.spawn('a1', leaf('a1')),
        receive: () => undefined,
        postStop: () => void events.push('a'),
      }));
      system.spawn('b', leaf('b'));
      await flush();
      await system.terminate();
      expect(events.indexOf('a1')).toBeLessThan(events.indexOf('a'));
      expect(events.sort()).toEqual(['a', 'a1', 'b']);
      expect(system.stats().actors).toBe(0);
      expect(system.snapshot()?.status).toBe('stopped');
    });

    it('is idempotent and leaves later spawns dead', async () => {
      const { system } = testSystem();
      await system.terminate();
      await system.terminate();
      expect(system.spawn('late', idle).isAlive()).toBe(false);
    });
  });
});
