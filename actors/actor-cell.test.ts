import { ActorNameTakenError, InvalidActorNameError } from './errors';
import { Overflow } from './mailbox';
import { deferred, flush, testSystem } from '../testing/actor-system';
import type { ActorCell } from './actor-cell';
import type { ActorRef, Behavior } from './types';
import { eventually } from '../testing/eventually';

function recorder<M>(log: M[]): () => Behavior<M> {
  return () => ({ receive: (msg) => void log.push(msg) });
}

describe('ActorCell', () => {
  describe('#tell', () => {
    it('delivers messages one at a time in send order', async () => {
      const { system } = testSystem();
      const got: number[] = [];
      const ref = system.spawn('a', recorder(got));
      for (let i = 0; i < 200; i++) expect(ref.tell(i)).toBe(true);
      await eventually(() => got.length === 200);
      expect(got).toEqual(Array.from({ length: 200 }, (_, i) => i));
    });

    it('does not start the next message until an async receive settles', async () => {
      const { system } = testSystem();
      const events: string[] = [];
      const gate = deferred();
      const ref = system.spawn<string>('a', () => ({
        receive: async (msg) => {
          events.push(`start ${msg}`);
          if (msg === 'first') await gate.promise;
          events.push(`end ${msg}`);
        },
      }));
      ref.tell('first');
      ref.tell('second');
      await flush();
      expect(events).toEqual(['start first']);
      gate.resolve();
      await eventually(() => events.length === 4);
      expect(events).toEqual(['start first', 'end first', 'start second', 'end second']);
    });

    it('returns false and records a dead letter when the actor is stopped', async () => {
      const { system, deadLetters } = testSystem();
      const ref = system.spawn('a', recorder<string>([]));
      system.stop(ref);
      await eventually(() => !ref.isAlive());
      expect(ref.tell('late')).toBe(false);
      expect(deadLetters).toEqual([{ path: '/user/a', msg: 'late' }]);
      expect(system.stats().deadLetters).toBe(1);
    });

    it('never throws when the handler throws', async () => {
      const { system } = testSystem();
      const ref = system.spawn<string>('a', () => ({
        receive: () => {
          throw new Error('boom');
        },
      }));
      expect(() => ref.tell('x')).not.toThrow();
      await flush();
      expect(ref.isAlive()).toBe(true);
    });
  });

  describe('throughput', () => {
    it('yields after N messages so another actor makes progress in between', async () => {
      const { system } = testSystem();
      const order: string[] = [];
      const make = (tag: string) => (): Behavior<number> => ({
        receive: (n) => void order.push(`${tag}${n}`),
      });
      const a = system.spawn('a', make('a'), { throughput: 2 });
      const b = system.spawn('b', make('b'), { throughput: 2 });
      await flush();
      for (let i = 1; i <= 5; i++) a.tell(i);
      for (let i = 1; i <= 5; i++) b.tell(i);
      await eventually(() => order.length === 10);
      expect(order).toEqual(['a1', 'a2', 'b1', 'b2', 'a3', 'a4', 'b3', 'b4', 'a5', 'b5']);
    });
  });

  describe('priority', () => {
    it("runs a 'high' actor's messages ahead of normal actors already queued", async () => {
      const { system } = testSystem();
      const order: string[] = [];
      const make = (tag: string) => (): Behavior<number> => ({
        receive: (n) => void order.push(`${tag}${n}`),
      });
      const leaves = [1, 2, 3].map((i) => system.spawn(`leaf-${i}`, make(`leaf${i}-`)));
      const router = system.spawn('router', make('router-'), { priority: 'high' });
      await flush();
      for (const leaf of leaves) leaf.tell(1);
      router.tell(1);
      await eventually(() => order.length === 4);
      expect(order).toEqual(['router-1', 'leaf1-1', 'leaf2-1', 'leaf3-1']);
    });
  });

  describe('#queued', () => {
    it('counts the user messages waiting behind the one being handled', async () => {
      const { system } = testSystem();
      const seen: [number, number][] = [];
      const ref = system.spawn<number>('a', () => ({
        receive: (n, ctx) => void seen.push([n, ctx.queued]),
      }));
      await flush();
      for (let i = 1; i <= 3; i++) ref.tell(i);
      await eventually(() => seen.length === 3);
      ref.tell(4);
      await eventually(() => seen.length === 4);
      expect(seen).toEqual([
        [1, 2],
        [2, 1],
        [3, 0],
        [4, 0],
      ]);
    });
  });

  describe('mailbox', () => {
    const mailboxOf = (ref: ActorRef<unknown>): unknown =>
      (ref as unknown as ActorCell<unknown>).mailbox;

    it('is given back once a burst is handled, and a later burst keeps its order', async () => {
      const { system } = testSystem();
      const got: number[] = [];
      const ref = system.spawn<number>('a', recorder(got));
      await flush();
      for (let i = 1; i <= 3; i++) ref.tell(i);
      expect(mailboxOf(ref)).not.toBeNull();
      await eventually(() => got.length === 3);
      expect(mailboxOf(ref)).toBeNull();
      for (let i = 4; i <= 6; i++) ref.tell(i);
      await eventually(() => got.length === 6);
      expect(got).toEqual([1, 2, 3, 4, 5, 6]);
    });

    it('is kept while an async handler holds the actor', async () => {
      const { system } = testSystem();
      const gate = deferred();
      const got: number[] = [];
      const ref = system.spawn<number>('a', () => ({
        receive: async (n) => {
          got.push(n);
          if (n === 1) await gate.promise;
        },
      }));
      await flush();
      ref.tell(1);
      ref.tell(2);
      await flush();
      expect(mailboxOf(ref)).not.toBeNull();
      gate.resolve();
      await eventually(() => got.length === 2);
      await flush();
      expect(mailboxOf(ref)).toBeNull();
    });

    it("is kept by a 'high' priority actor, busy every turn", async () => {
      const { system } = testSystem();
      const got: number[] = [];
      const ref = system.spawn<number>('router', recorder(got), { priority: 'high' });
      await flush();
      for (let i = 1; i <= 3; i++) ref.tell(i);
      await eventually(() => got.length === 3);
      expect(mailboxOf(ref)).not.toBeNull();
    });
  });

  describe('factory', () => {
    const extrasOf = (ref: ActorRef<unknown>): unknown =>
      (ref as unknown as { extras: unknown }).extras;

    it('is let go of once started when not restartable, with the extras it needed', async () => {
      const { system } = testSystem();
      const got: number[] = [];
      const ref = system.spawn<number>('a', recorder(got), { restartable: false });
      expect((ref as unknown as ActorCell<number>).factory).not.toBeNull();
      await flush();
      expect((ref as unknown as ActorCell<number>).factory).toBeNull();
      expect(extrasOf(ref)).toBeNull();
      ref.tell(1);
      await eventually(() => got.length === 1);
    });

    it('is kept by a restartable actor', async () => {
      const { system } = testSystem();
      const ref = system.spawn<number>('a', recorder([]));
      await flush();
      expect((ref as unknown as ActorCell<number>).factory).not.toBeNull();
    });
  });

  describe('bounded mailbox', () => {
    /** An actor parked on a gate so that its mailbox fills up. */
    function parked(overflow: Overflow, extra: Partial<Behavior<number>> = {}) {
      const t = testSystem();
      const gate = deferred();
      const got: number[] = [];
      const ref = t.system.spawn<number>(
        'p',
        () => ({
          receive: async (n) => {
            got.push(n);
            if (n === 0) await gate.promise;
          },
          ...extra,
        }),
        { mailbox: { capacity: 2, overflow } },
      );
      return { ...t, gate, got, ref };
    }

    it('drop-newest: tell returns false and the message is a dead letter', async () => {
      const { ref, gate, got, deadLetters } = parked(Overflow.DropNewest);
      ref.tell(0);
      await flush();
      expect([ref.tell(1), ref.tell(2), ref.tell(3)]).toEqual([true, true, false]);
      gate.resolve();
      await eventually(() => got.length === 3);
      await flush();
      expect(got).toEqual([0, 1, 2]);
      expect(deadLetters.map((d) => d.msg)).toEqual([3]);
    });

    it('drop-oldest: the oldest queued message is discarded and tell returns true', async () => {
      const { ref, gate, got, deadLetters } = parked(Overflow.DropOldest);
      ref.tell(0);
      await flush();
      expect([ref.tell(1), ref.tell(2), ref.tell(3)]).toEqual([true, true, true]);
      gate.resolve();
      await eventually(() => got.length === 3);
      expect(got).toEqual([0, 2, 3]);
      expect(deadLetters.map((d) => d.msg)).toEqual([1]);
    });

    it('fail: tell returns false and onOverflow runs once per episode via the system lane', async () => {
      const overflows: number[] = [];
      const { ref, gate, got, deadLetters } = parked(Overflow.Fail, {
        onOverflow: (_ctx, dropped) => void overflows.push(dropped),
      });
      ref.tell(0);
      await flush();
      expect([ref.tell(1), ref.tell(2), ref.tell(3), ref.tell(4)]).toEqual([
        true,
        true,
        false,
        false,
      ]);
      expect(overflows).toEqual([]); // never re-entrantly from tell
      gate.resolve();
      await eventually(() => got.length === 3);
      expect(overflows).toEqual([2]);
      expect(got).toEqual([0, 1, 2]); // the overflow notice ran ahead of the queued 1 and 2
      expect(deadLetters.map((d) => d.msg)).toEqual([3, 4]);
    });

    it('fail without onOverflow: the actor fails with MailboxOverflowError and is restarted', async () => {
      const { system, ref, gate, logs } = parked(Overflow.Fail);
      ref.tell(0);
      await flush();
      ref.tell(1);
      ref.tell(2);
      ref.tell(3);
      gate.resolve();
      await eventually(() => system.stats().restarts === 1);
      expect(logs[0].meta?.error).toMatchObject({ code: 'ERR_MAILBOX_OVERFLOW', dropped: 1 });
    });
  });

  describe('#spawn', () => {
    it('throws ActorNameTakenError when a live sibling has the name', () => {
      const { system } = testSystem();
      system.spawn('a', recorder([]));
      expect(() => system.spawn('a', recorder([]))).toThrow(ActorNameTakenError);
    });

    it('throws InvalidActorNameError for a name containing a slash', () => {
      const { system } = testSystem();
      expect(() => system.spawn('a/b', recorder([]))).toThrow(InvalidActorNameError);
    });

    it('frees the name once the child has stopped', async () => {
      const { system } = testSystem();
      const first = system.spawn('a', recorder([]));
      system.stop(first);
      await eventually(() => system.lookup('/user/a') === undefined);
      expect(() => system.spawn('a', recorder([]))).not.toThrow();
    });

    it('gives children paths under their parent and exposes them to the parent', async () => {
      const { system } = testSystem();
      let kids: ActorRef<unknown>[] = [];
      const parent = system.spawn('parent', () => ({
        preStart: (ctx) => {
          ctx.spawn('k1', recorder([]));
          ctx.spawn('k2', recorder([]));
          kids = ctx.children();
        },
        receive: () => undefined,
      }));
      await flush();
      expect(kids.map((k) => k.path)).toEqual(['/user/parent/k1', '/user/parent/k2']);
      expect(system.lookup('/user/parent/k2')?.name).toBe('k2');
      expect(parent.path).toBe('/user/parent');
    });

    it('hands back a dead ref when the parent is already stopping', async () => {
      const { system } = testSystem();
      let late: ActorRef<unknown> | undefined;
      system.spawn('p', () => ({
        receive: () => undefined,
        postStop: (ctx) => void (late = ctx.spawn('late', recorder([]))),
        preStart: (ctx) => ctx.stop(),
      }));
      await eventually(() => late !== undefined);
      expect(late?.isAlive()).toBe(false);
    });
  });

  describe('lifecycle', () => {
    it('lets go of the factory once started when spawned restartable: false', async () => {
      const { system } = testSystem();
      const log: string[] = [];
      const once = system.spawn<string>('once', recorder(log), { restartable: false });
      const again = system.spawn<string>('again', recorder(log));
      once.tell('m');
      await eventually(() => log.length === 1);
      // The ref is the cell (actor-ref.ts): what a cell holds is what an actor costs.
      expect((once as unknown as ActorCell<string>).factory).toBeNull();
      expect((again as unknown as ActorCell<string>).factory).toBeInstanceOf(Function);
    });

    it('runs preStart before the first message, and waits for an async preStart', async () => {
      const { system } = testSystem();
      const events: string[] = [];
      const gate = deferred();
      const ref = system.spawn<string>('a', () => ({
        preStart: async () => {
          events.push('preStart');
          await gate.promise;
          events.push('started');
        },
        receive: (msg) => void events.push(msg),
      }));
      ref.tell('m');
      await flush();
      expect(events).toEqual(['preStart']);
      gate.resolve();
      await eventually(() => events.length === 3);
      expect(events).toEqual(['preStart', 'started', 'm']);
    });

    it('counts processed messages per actor and per system', async () => {
      const { system } = testSystem();
      const ref = system.spawn('a', recorder<number>([]));
      ref.tell(1);
      ref.tell(2);
      await flush();
      expect(system.snapshot('/user/a')?.processed).toBe(2);
      expect(system.stats().processed).toBe(2);
    });
  });
});
