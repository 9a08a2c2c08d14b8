import { flush, testSystem } from '../testing/actor-system';
import type { ActorRef, ActorSystem } from '../actors';
import {
  newPresenceStats,
  PRESENCE_SPAWN,
  presenceBehavior,
  type PresenceChange,
  type PresenceMsg,
  type PresenceStats,
} from './presence-supervisor';
import { StoreUnavailableError, type PresenceState, type PresenceStore } from './store';

const D = 1000;
const E = 300;

/** Entries with an expiry on the (fake) clock; `down` makes every call reject. */
class FakeStore implements PresenceStore {
  readonly kind = 'memory' as const;
  readonly entries = new Map<string, { lastSeen: number; expiresAt: number }>();
  down = false;
  touches = 0;
  get available(): boolean {
    return !this.down;
  }
  async touch(members: readonly string[], ttlMs: number, now: number): Promise<boolean[]> {
    if (this.down) throw new StoreUnavailableError('down');
    this.touches++;
    return members.map((m) => {
      const e = this.entries.get(m);
      this.entries.set(m, { lastSeen: now, expiresAt: now + ttlMs });
      return e !== undefined && e.expiresAt > now;
    });
  }
  async read(members: readonly string[], now: number): Promise<PresenceState[]> {
    if (this.down) throw new StoreUnavailableError('down');
    return members.map((m) => {
      const e = this.entries.get(m);
      return { online: e !== undefined && e.expiresAt > now, lastSeen: e?.lastSeen ?? null };
    });
  }
  async close(): Promise<void> {}
}

interface Rig {
  system: ActorSystem;
  ref: ActorRef<PresenceMsg>;
  store: FakeStore;
  stats: PresenceStats;
  published: PresenceChange[];
}

function rig(maxMembers?: number): Rig {
  const { system } = testSystem('presence');
  const store = new FakeStore();
  const stats = newPresenceStats();
  const published: PresenceChange[] = [];
  const ref = system.spawn<PresenceMsg>(
    'presence',
    () =>
      presenceBehavior({
        store,
        intervalMs: D,
        graceMs: E,
        publish: (topic, change) => {
          expect(topic).toBe(`presence:${change.user}`);
          published.push(change);
        },
        stats,
        maxMembers,
      }),
    PRESENCE_SPAWN,
  );
  return { system, ref, store, stats, published };
}

/** Moves the fake clock and lets the actors run what the timers queued. */
async function advance(ms: number): Promise<void> {
  const step = 50;
  for (let t = 0; t < ms; t += step) {
    jest.advanceTimersByTime(Math.min(step, ms - t));
    await flush(5);
  }
}

const beat = async (r: Rig, ...members: string[]): Promise<void> => {
  r.ref.tell({ type: 'heartbeat', members });
  await flush(5);
};

describe('presenceBehavior', () => {
  beforeEach(() => {
    jest.useFakeTimers({
      doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask', 'performance'],
    });
    jest.setSystemTime(1_700_000_000_000);
  });
  afterEach(() => jest.useRealTimers());

  describe('heartbeat', () => {
    it('publishes online on the first heartbeat and spawns one presence actor', async () => {
      const r = rig();
      await beat(r, 'alice');
      expect(r.published).toEqual([{ user: 'alice', online: true, lastSeen: Date.now() }]);
      expect(r.system.lookup('/user/presence/alice')).toBeDefined();
      expect(r.stats.online).toBe(1);
    });

    it('publishes nothing for a member already online', async () => {
      const r = rig();
      await beat(r, 'alice');
      await advance(D);
      await beat(r, 'alice');
      expect(r.published).toHaveLength(1);
    });

    it('names the actor of a member with a slash by escaping it', async () => {
      const r = rig();
      await beat(r, 'org/alice');
      expect(r.system.lookup('/user/presence/org%2Falice')).toBeDefined();
    });

    it('ignores a member whose presence topic would be invalid', async () => {
      const r = rig();
      await beat(r, 'has space', '');
      expect(r.published).toEqual([]);
      expect(r.store.touches).toBe(0);
    });

    it('refuses new members past the bound without writing them', async () => {
      const r = rig(2);
      await beat(r, 'a', 'b', 'c');
      expect(r.published.map((p) => p.user)).toEqual(['a', 'b']);
      expect(r.stats.refused).toBe(1);
      expect(r.store.entries.has('c')).toBe(false);
      await beat(r, 'a');
      expect(r.stats.refused).toBe(1);
    });
  });

  describe('offline trigger', () => {
    it('publishes offline exactly once after d + 2e without heartbeats', async () => {
      const r = rig();
      await beat(r, 'alice');
      const seen = Date.now();
      await advance(D + 2 * E - 100);
      expect(r.published).toHaveLength(1);
      await advance(200);
      expect(r.published).toEqual([
        { user: 'alice', online: true, lastSeen: seen },
        { user: 'alice', online: false, lastSeen: seen },
      ]);
      await advance(5 * D);
      expect(r.published).toHaveLength(2);
      expect(r.stats.online).toBe(0);
      expect(r.system.lookup('/user/presence/alice')).toBeUndefined();
    });

    it('never goes offline while heartbeats come every d', async () => {
      const r = rig();
      for (let i = 0; i < 10; i++) {
        await beat(r, 'alice');
        await advance(D);
      }
      expect(r.published.map((p) => p.online)).toEqual([true]);
    });

    it('does not flap for a reconnect after a gap longer than d + e but shorter than d + 2e', async () => {
      const r = rig();
      await beat(r, 'alice');
      await advance(D + E + 100); // the entry has expired; the check is not due yet
      await beat(r, 'alice');
      await advance(3 * D);
      expect(r.published.map((p) => p.online)).toEqual([true, false]);
      expect(r.published[1]!.lastSeen).toBe(1_700_000_000_000 + D + E + 100);
    });

    it('goes online again after an offline, on the next heartbeat', async () => {
      const r = rig();
      await beat(r, 'alice');
      await advance(D + 2 * E + 100);
      await beat(r, 'alice');
      expect(r.published.map((p) => p.online)).toEqual([true, false, true]);
    });

    it('checks members whose triggers fire together in one store read', async () => {
      const r = rig();
      const read = jest.spyOn(r.store, 'read');
      await beat(r, 'a', 'b', 'c');
      await advance(D + 2 * E + 100);
      expect(r.published.filter((p) => !p.online)).toHaveLength(3);
      expect(read).toHaveBeenCalledTimes(1);
    });

    it('re-arms instead of publishing while another dispatcher keeps the entry alive', async () => {
      const r = rig();
      await beat(r, 'alice');
      // A shared store refreshed by someone else: the entry lives on without a heartbeat here.
      const keepAlive = setInterval(
        () => r.store.entries.set('alice', { lastSeen: Date.now(), expiresAt: Date.now() + D + E }),
        D,
      );
      await advance(4 * D);
      clearInterval(keepAlive);
      expect(r.published.map((p) => p.online)).toEqual([true]);
      await advance(3 * D);
      expect(r.published.map((p) => p.online)).toEqual([true, false]);
    });

    it('is cancelled when the presence actor stops', async () => {
      const r = rig();
      await beat(r, 'alice');
      r.system.stop(r.system.lookup('/user/presence/alice')!);
      await flush(5);
      await advance(3 * D);
      expect(r.published.map((p) => p.online)).toEqual([true]);
    });
  });

  describe('store outage', () => {
    it('publishes nothing and keeps members while the store is down, then resumes', async () => {
      const r = rig();
      await beat(r, 'alice');
      r.store.down = true;
      for (let i = 0; i < 3; i++) {
        await beat(r, 'alice');
        await advance(D);
      }
      await advance(3 * D); // alice is gone too, but nobody can know
      expect(r.published.map((p) => p.online)).toEqual([true]);
      expect(r.stats.storeUp).toBe(0);
      expect(r.stats.storeErrors).toBeGreaterThan(0);
      r.store.down = false;
      await advance(3 * D);
      expect(r.published.map((p) => p.online)).toEqual([true, false]);
      expect(r.stats.storeUp).toBe(1);
    });

    it('answers a query with StoreUnavailableError during an outage', async () => {
      const r = rig();
      r.store.down = true;
      const answer = await new Promise<unknown>((reply) =>
        r.ref.tell({ type: 'query', members: ['a'], reply }),
      );
      expect(answer).toBeInstanceOf(StoreUnavailableError);
    });
  });

  describe('retain', () => {
    it('lets go of members owned elsewhere without publishing offline', async () => {
      const r = rig();
      await beat(r, 'a', 'b');
      r.ref.tell({ type: 'retain', owns: (t) => t === 'presence:a' });
      await advance(3 * D);
      expect(r.published.filter((p) => !p.online).map((p) => p.user)).toEqual(['a']);
      expect(r.stats.online).toBe(0);
    });
  });

  describe('retain with a shared store', () => {
    it('adopts the live entries it now owns and announces their offline when they lapse', async () => {
      const r = rig();
      const t = Date.now();
      // Written by a dispatcher that died: nobody here ever got their heartbeats.
      r.store.entries.set('gone', { lastSeen: t - 500, expiresAt: t - 500 + D + E });
      r.store.entries.set('other', { lastSeen: t - 500, expiresAt: t - 500 + D + E });
      const store = r.store as FakeStore & { liveEntries?: PresenceStore['liveEntries'] };
      store.liveEntries = async () =>
        [...r.store.entries].map(([member, e]) => ({ member, lastSeen: e.lastSeen }));
      r.ref.tell({ type: 'retain', owns: (topic) => topic === 'presence:gone' });
      await flush(5);
      expect(r.stats.online).toBe(1);
      expect(r.published).toEqual([]);
      await advance(D + 2 * E - 500 + 100);
      expect(r.published).toEqual([{ user: 'gone', online: false, lastSeen: t - 500 }]);
    });
  });

  describe('query', () => {
    it('answers online and lastSeen per member', async () => {
      const r = rig();
      await beat(r, 'a');
      const answer = await new Promise<unknown>((reply) =>
        r.ref.tell({ type: 'query', members: ['a', 'z'], reply }),
      );
      expect(answer).toEqual([
        { online: true, lastSeen: Date.now() },
        { online: false, lastSeen: null },
      ]);
    });
  });
});
