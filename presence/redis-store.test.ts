/**
 * What the Redis store adds to the contract (store.contract.test.ts): the key layout of the
 * seed's design, one pipeline per call, and outages of a real redis-server (killed, restarted on
 * the same port, paused) that reject calls fast, bound what waits, and recover by themselves.
 */
import Redis from 'ioredis';
import { eventually } from '../testing/eventually';
import { freePort } from '../testing/free-port';
import { startRedisServer, type RedisServer } from '../testing/redis-server';
import { RedisStore, type RedisStoreOptions } from './redis-store';
import { StoreUnavailableError } from './store';

/** The outage tests' command timeout, short so they run fast; the others keep the default. */
const TIMEOUT = 300;

const servers: RedisServer[] = [];
const stores: RedisStore[] = [];
const raw: Redis[] = [];
let transitions: [boolean, string][];
let unhandled: unknown[];
const onUnhandled = (err: unknown): void => void unhandled.push(err);

async function server(): Promise<RedisServer> {
  const s = await startRedisServer();
  servers.push(s);
  return s;
}

function open(url: string, opts: Partial<RedisStoreOptions> = {}): RedisStore {
  const s = new RedisStore({
    url,
    retryMaxMs: 200,
    onStateChange: (up, why) => void transitions.push([up, why]),
    ...opts,
  });
  stores.push(s);
  return s;
}

async function ready(url: string, opts: Partial<RedisStoreOptions> = {}): Promise<RedisStore> {
  const s = open(url, opts);
  await eventually(() => s.available, 5000, 'store available');
  return s;
}

function client(srv: RedisServer): Redis {
  const r = new Redis(srv.url);
  raw.push(r);
  return r;
}

/** The ioredis client inside the store: what it holds is what an outage could pile up. */
function inner(store: RedisStore): Redis {
  return (store as unknown as { redis: Redis }).redis;
}

/** Whether `p` has already settled once pending callbacks ran (no timer involved). */
async function settledAtOnce(p: Promise<unknown>): Promise<unknown> {
  const pending = Symbol('pending');
  return Promise.race([p.catch((e: unknown) => e), new Promise((r) => setImmediate(r, pending))]);
}

beforeEach(() => {
  transitions = [];
  unhandled = [];
  process.on('unhandledRejection', onUnhandled);
  process.on('uncaughtException', onUnhandled);
});

afterEach(async () => {
  for (const s of servers) s.resume();
  await Promise.all(stores.splice(0).map((s) => s.close()));
  await Promise.all(raw.splice(0).map((r) => r.quit()));
  await Promise.all(servers.splice(0).map((s) => s.stop()));
  process.off('unhandledRejection', onUnhandled);
  process.off('uncaughtException', onUnhandled);
  expect(unhandled).toEqual([]);
});

describe('RedisStore', () => {
  describe('keys', () => {
    it('writes troupe:presence:<member> with the ttl and troupe:lastseen:<member> with the retention', async () => {
      const srv = await server();
      const store = await ready(srv.url, { retentionMs: 60_000 });
      await store.touch(['ann@x'], 5_000, 1_700_000_000_123);
      const r = client(srv);
      expect(await r.get('troupe:presence:ann@x')).toBe('1700000000123');
      expect(await r.get('troupe:lastseen:ann@x')).toBe('1700000000123');
      const ttl = await r.pttl('troupe:presence:ann@x');
      expect(ttl).toBeGreaterThan(4_000);
      expect(ttl).toBeLessThanOrEqual(5_000);
      expect(await r.pttl('troupe:lastseen:ann@x')).toBeGreaterThan(59_000);
      expect(String(await r.client('LIST'))).toContain('name=troupe-presence');
    });

    it('keeps stores with different key prefixes apart on one Redis', async () => {
      const srv = await server();
      const a = await ready(srv.url, { keyPrefix: 'a:' });
      const b = await ready(srv.url, { keyPrefix: 'b:' });
      expect(await a.touch(['ann'], 5_000, 1)).toEqual([false]);
      expect(await b.touch(['ann'], 5_000, 2)).toEqual([false]);
      expect(await client(srv).keys('*')).toEqual(
        expect.arrayContaining(['a:presence:ann', 'b:presence:ann']),
      );
    });
  });

  describe('#liveEntries', () => {
    it('lists live entries of its own prefix only, up to the limit, with their lastSeen', async () => {
      const srv = await server();
      const store = await ready(srv.url, { keyPrefix: 'p[1]*:', chunkMembers: 7 });
      const other = await ready(srv.url, { keyPrefix: 'p1x:' });
      const members = Array.from({ length: 30 }, (_, i) => `m${i}`);
      await store.touch(members, 5_000, 1_700_000_000_000);
      await other.touch(['stranger'], 5_000, 5);
      await store.touch(['gone'], 50, 1_700_000_000_000);
      await new Promise((r) => setTimeout(r, 120));
      const all = await store.liveEntries(1000);
      expect(all.map((e) => e.member).sort()).toEqual([...members].sort());
      expect(new Set(all.map((e) => e.lastSeen))).toEqual(new Set([1_700_000_000_000]));
      expect(await store.liveEntries(10)).toHaveLength(10);
    });
  });

  describe('pipelining', () => {
    it('sends one pipeline per call, and one per chunkMembers for a larger one', async () => {
      const srv = await server();
      const store = await ready(srv.url, { chunkMembers: 400 });
      const pipeline = jest.spyOn(inner(store), 'pipeline');
      const members = Array.from({ length: 1000 }, (_, i) => `m${i}`);
      await store.touch(members.slice(0, 400), 5_000, 1);
      expect(pipeline).toHaveBeenCalledTimes(1);
      const existed = await store.touch(members, 5_000, 2);
      expect(pipeline).toHaveBeenCalledTimes(4);
      expect(existed.filter(Boolean)).toHaveLength(400);
      expect(existed.slice(0, 400).every(Boolean)).toBe(true);
      await store.read(members, 3);
      expect(pipeline).toHaveBeenCalledTimes(7);
    });
  });

  describe('outage', () => {
    it('rejects at once while Redis is down, reports it once, and reconnects when it is back', async () => {
      const srv = await server();
      const store = await ready(srv.url);
      await srv.kill();
      await eventually(() => !store.available, 5000, 'store unavailable');
      await new Promise((r) => setTimeout(r, 600)); // several reconnect attempts, all refused
      const call = store.touch(['ann'], 5_000, 1);
      expect(await settledAtOnce(call)).toBeInstanceOf(StoreUnavailableError);
      expect(await settledAtOnce(store.read(['ann'], 1))).toBeInstanceOf(StoreUnavailableError);
      expect(transitions.map(([up]) => up)).toEqual([true, false]);

      await srv.restart();
      await eventually(() => store.available, 5000, 'store reconnected');
      expect(transitions.map(([up]) => up)).toEqual([true, false, true]);
      expect(await store.touch(['ann'], 5_000, 2)).toEqual([false]); // persistence is off
      expect(await store.touch(['ann'], 5_000, 3)).toEqual([true]);
    });

    it('rejects a call Redis does not answer within commandTimeoutMs, then recovers', async () => {
      const srv = await server();
      const store = await ready(srv.url, { commandTimeoutMs: TIMEOUT });
      srv.pause();
      const started = Date.now();
      await expect(store.touch(['ann'], 5_000, 1)).rejects.toBeInstanceOf(StoreUnavailableError);
      const waited = Date.now() - started;
      expect(waited).toBeGreaterThanOrEqual(TIMEOUT - 20);
      expect(waited).toBeLessThan(TIMEOUT + 2_000);
      await eventually(() => !store.available, 5000, 'store unavailable');
      expect(transitions.map(([up]) => up)).toEqual([true, false]);

      srv.resume();
      await eventually(() => store.available, 5000, 'store reconnected');
      expect(await store.touch(['bob'], 5_000, 2)).toEqual([false]);
      expect(transitions.map(([up]) => up)).toEqual([true, false, true]);
    });

    it('bounds what waits on a paused Redis: calls past maxPending are refused at once', async () => {
      const srv = await server();
      const store = await ready(srv.url, { maxPending: 1_000, commandTimeoutMs: TIMEOUT });
      srv.pause();
      const members = Array.from({ length: 10 }, (_, i) => `m${i}`);
      const calls = Array.from({ length: 500 }, (_, i) => store.touch(members, 5_000, i));
      const queued = inner(store).commandQueue.length;
      expect(store.pending).toBe(1_000); // 50 calls of 20 key operations each
      expect(queued).toBeLessThanOrEqual(1_000);
      const outcomes = await Promise.all(calls.map((c) => settledAtOnce(c)));
      const refusedAtOnce = outcomes.filter((o) => o instanceof StoreUnavailableError);
      expect(refusedAtOnce).toHaveLength(450);
      const all = await Promise.allSettled(calls);
      expect(all.every((o) => o.status === 'rejected')).toBe(true);
      expect(store.pending).toBe(0);
      srv.resume();
      await eventually(() => store.available, 5000, 'store reconnected');
      expect(inner(store).commandQueue.length).toBe(0);
    });

    it('refuses at once a flood of calls while Redis is down, holding nothing', async () => {
      const srv = await server();
      const store = await ready(srv.url);
      await srv.kill();
      await eventually(() => !store.available, 5000, 'store unavailable');
      const calls = Array.from({ length: 10_000 }, (_, i) => store.touch([`m${i}`], 5_000, i));
      expect(store.pending).toBe(0);
      expect(inner(store).commandQueue.length + inner(store).offlineQueue.length).toBe(0);
      const all = await Promise.allSettled(calls);
      expect(all.every((o) => o.status === 'rejected')).toBe(true);
    });

    it('reports a first connection that fails once, and connects when Redis comes up', async () => {
      const port = await freePort();
      const store = open(`redis://127.0.0.1:${port}`);
      await eventually(() => transitions.length > 0, 5000, 'first state change');
      await new Promise((r) => setTimeout(r, 500)); // several refused attempts
      expect(transitions).toEqual([[false, expect.stringContaining('ECONNREFUSED')]]);
      await expect(store.read(['ann'], 1)).rejects.toThrow(/redis unavailable: .*ECONNREFUSED/);
      servers.push(await startRedisServer({ port }));
      await eventually(() => store.available, 5000, 'store connected');
      expect(transitions.map(([up]) => up)).toEqual([false, true]);
      expect(await store.touch(['ann'], 5_000, 1)).toEqual([false]);
    });

    it('closes without waiting for a Redis that is down', async () => {
      const srv = await server();
      const store = await ready(srv.url);
      await srv.kill();
      await eventually(() => !store.available, 5000, 'store unavailable');
      await store.close();
      await expect(store.touch(['ann'], 5_000, 1)).rejects.toThrow(/closed/);
    });
  });
});
