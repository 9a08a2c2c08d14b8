/**
 * The presence store contract (store.ts): every PresenceStore passes this whole suite
 * unchanged. The memory store runs on a fake time (the `now` each call passes); the Redis store
 * runs against a real redis-server, whose own clock expires keys, so its TTLs here are a few
 * hundred ms and expiry is awaited with `eventually`.
 */
import { randomUUID } from 'node:crypto';
import { eventually } from '../testing/eventually';
import { startRedisServer, type RedisServer } from '../testing/redis-server';
import { MemoryStore } from './memory-store';
import { RedisStore } from './redis-store';
import { OFFLINE_UNKNOWN, StoreUnavailableError, type PresenceStore } from './store';

/** What a test needs of a store under test, whichever clock expires its entries. */
interface Subject {
  store: PresenceStore;
  /** Another store over the same entries (another dispatcher; the same one for memory). */
  peer(): PresenceStore;
  /** The `now` to pass. */
  now(): number;
  /** Lets `ms` of the store's time pass. */
  elapse(ms: number): Promise<void>;
  /** Lets time pass until `cond` holds (fails after a few seconds of it). */
  until(cond: () => Promise<boolean>, what: string): Promise<void>;
  close(): Promise<void>;
}

const TTL = 300;
const FAKE_STEP_MS = 5;
const FAKE_LIMIT_MS = 60_000;

function memorySubject(): Subject {
  let t = 1_700_000_000_000;
  const store = new MemoryStore({ sweepMs: 0 });
  return {
    store,
    peer: () => store,
    now: () => t,
    elapse: (ms) => {
      t += ms;
      return Promise.resolve();
    },
    async until(cond, what) {
      for (let waited = 0; !(await cond()); waited += FAKE_STEP_MS) {
        if (waited > FAKE_LIMIT_MS) throw new Error(`${what} not met within ${waited} fake ms`);
        t += FAKE_STEP_MS;
      }
    },
    close: () => store.close(),
  };
}

function redisSubject(server: RedisServer): Subject {
  const keyPrefix = `test:${randomUUID()}:`;
  const stores: RedisStore[] = [];
  const open = (): RedisStore => {
    const s = new RedisStore({ url: server.url, keyPrefix });
    stores.push(s);
    return s;
  };
  const store = open();
  return {
    store,
    peer: open,
    now: () => Date.now(),
    elapse: (ms) => new Promise((r) => setTimeout(r, ms)),
    until: (cond, what) => eventually(cond, 5000, what),
    close: async () => {
      await Promise.all(stores.map((s) => s.close()));
    },
  };
}

const ODD_MEMBERS = [
  ':',
  'a:b',
  'presence:a',
  'lastseen:a',
  'x/y/z',
  'user@example.com',
  'ünïcödé-名前-🎉',
  'sp ace\ttab',
  '*?[glob]',
  '{hash-tag}',
  '__proto__',
  'constructor',
  'm'.repeat(200),
];

describe.each(['memory', 'redis'] as const)('PresenceStore (%s)', (kind) => {
  let server: RedisServer | undefined;
  let s: Subject;

  beforeAll(async () => {
    if (kind === 'redis') server = await startRedisServer();
  });
  afterAll(async () => {
    await server?.stop();
  });
  beforeEach(async () => {
    s = kind === 'memory' ? memorySubject() : redisSubject(server!);
    await eventually(() => s.store.available, 5000, 'store available');
  });
  afterEach(async () => {
    await s.close();
  });

  const online = async (member: string): Promise<boolean> =>
    (await s.store.read([member], s.now()))[0]!.online;

  describe('#touch', () => {
    it('answers false for a member never seen, then true while its entry lives', async () => {
      expect(await s.store.touch(['ann'], TTL, s.now())).toEqual([false]);
      expect(await s.store.touch(['ann'], TTL, s.now())).toEqual([true]);
    });

    it('answers in the order of the members given', async () => {
      await s.store.touch(['b'], TTL, s.now());
      expect(await s.store.touch(['a', 'b', 'c', 'b'], TTL, s.now())).toEqual([
        false,
        true,
        false,
        true,
      ]);
    });

    it('answers false again once the entry outlived its ttl', async () => {
      await s.store.touch(['ann'], TTL, s.now());
      await s.until(async () => !(await online('ann')), 'ann offline');
      expect(await s.store.touch(['ann'], TTL, s.now())).toEqual([false]);
    });

    it('extends the entry when touched again before it expired', async () => {
      await s.store.touch(['kept', 'dropped'], 2 * TTL, s.now());
      await s.elapse(TTL);
      expect(await s.store.touch(['kept'], 2 * TTL, s.now())).toEqual([true]);
      // `dropped` expires at 2 TTL, `kept` at 3 TTL: when the first is gone the second lives.
      await s.until(async () => !(await online('dropped')), 'dropped offline');
      expect(await online('kept')).toBe(true);
      await s.until(async () => !(await online('kept')), 'kept offline');
    });

    it('answers false to exactly one of two concurrent touches of an offline member', async () => {
      const members = Array.from({ length: 50 }, (_, i) => `racer-${i}`);
      const other = s.peer();
      await eventually(() => other.available, 5000, 'peer available');
      const [mine, theirs] = await Promise.all([
        s.store.touch(members, TTL * 10, s.now()),
        other.touch(members, TTL * 10, s.now()),
      ]);
      members.forEach((_, i) => expect([mine[i], theirs[i]].filter((x) => !x)).toHaveLength(1));
    });

    it('touches 1000 members in one call', async () => {
      const members = Array.from({ length: 1000 }, (_, i) => `crowd-${i}`);
      const first = await s.store.touch(members, TTL * 10, s.now());
      expect(first).toHaveLength(1000);
      expect(first.every((x) => !x)).toBe(true);
      const again = await s.store.touch(members, TTL * 10, s.now());
      expect(again.every((x) => x)).toBe(true);
      const states = await s.store.read(members, s.now());
      expect(states.every((st) => st.online)).toBe(true);
    });

    it('keeps members with odd but legal names apart', async () => {
      const at = s.now();
      expect(await s.store.touch(ODD_MEMBERS, TTL * 10, at)).toEqual(ODD_MEMBERS.map(() => false));
      expect(await s.store.touch(ODD_MEMBERS, TTL * 10, at)).toEqual(ODD_MEMBERS.map(() => true));
      const states = await s.store.read([...ODD_MEMBERS, 'a', 'x', 'user'], at);
      expect(states).toEqual([
        ...ODD_MEMBERS.map(() => ({ online: true, lastSeen: at })),
        OFFLINE_UNKNOWN,
        OFFLINE_UNKNOWN,
        OFFLINE_UNKNOWN,
      ]);
    });

    it('answers an empty call with an empty list', async () => {
      expect(await s.store.touch([], TTL, s.now())).toEqual([]);
    });

    it.each([0, -1, 1.5, NaN, Infinity])('rejects a ttl of %p with a RangeError', async (ttl) => {
      await expect(s.store.touch(['ann'], ttl, s.now())).rejects.toBeInstanceOf(RangeError);
      expect(await s.store.read(['ann'], s.now())).toEqual([OFFLINE_UNKNOWN]);
    });
  });

  describe('#read', () => {
    it('answers OFFLINE_UNKNOWN for a member never seen', async () => {
      expect(await s.store.read(['nobody'], s.now())).toEqual([OFFLINE_UNKNOWN]);
    });

    it('answers online with the lastSeen of the latest touch', async () => {
      const first = s.now();
      await s.store.touch(['ann'], TTL * 10, first);
      await s.elapse(10);
      const second = s.now();
      await s.store.touch(['ann'], TTL * 10, second);
      expect(await s.store.read(['ann'], s.now())).toEqual([{ online: true, lastSeen: second }]);
    });

    it('keeps the lastSeen of a member who went offline', async () => {
      const at = s.now();
      await s.store.touch(['ann'], TTL, at);
      await s.until(async () => !(await online('ann')), 'ann offline');
      expect(await s.store.read(['ann'], s.now())).toEqual([{ online: false, lastSeen: at }]);
    });

    it('answers in the order of the members given', async () => {
      const at = s.now();
      await s.store.touch(['b'], TTL * 10, at);
      expect(await s.store.read(['a', 'b', 'a'], at)).toEqual([
        OFFLINE_UNKNOWN,
        { online: true, lastSeen: at },
        OFFLINE_UNKNOWN,
      ]);
    });
  });

  describe('#close', () => {
    it('makes later calls reject with StoreUnavailableError', async () => {
      await s.store.close();
      expect(s.store.available).toBe(false);
      await expect(s.store.touch(['ann'], TTL, s.now())).rejects.toBeInstanceOf(
        StoreUnavailableError,
      );
      await expect(s.store.read(['ann'], s.now())).rejects.toBeInstanceOf(StoreUnavailableError);
    });

    it('is idempotent', async () => {
      await s.store.close();
      await expect(s.store.close()).resolves.toBeUndefined();
      expect(s.store.available).toBe(false);
    });
  });
});
