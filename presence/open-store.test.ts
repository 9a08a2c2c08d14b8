import Redis from 'ioredis';
import { parseStore } from '../server/config';
import { eventually } from '../testing/eventually';
import { startRedisServer, type RedisServer } from '../testing/redis-server';
import { openStore } from './open-store';
import type { PresenceStore } from './store';

describe('openStore', () => {
  let server: RedisServer;
  const opened: PresenceStore[] = [];
  const open = (spec: string, opts?: Parameters<typeof openStore>[1]): PresenceStore => {
    const s = openStore(parseStore(spec), opts);
    opened.push(s);
    return s;
  };

  beforeAll(async () => {
    server = await startRedisServer();
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((s) => s.close()));
  });
  afterAll(async () => {
    await server.stop();
  });

  it('opens the memory store for `memory`, with the retention given', async () => {
    const s = open('memory', { retentionMs: 1_000 });
    expect(s.kind).toBe('memory');
    await s.touch(['ann'], 100, 0);
    expect(await s.read(['ann'], 999)).toEqual([{ online: false, lastSeen: 0 }]);
    expect(await s.read(['ann'], 1_000)).toEqual([{ online: false, lastSeen: null }]);
  });

  it('opens a Redis store on the database of the URL, with the options given', async () => {
    const changes: boolean[] = [];
    const s = open(`${server.url}/3`, {
      retentionMs: 60_000,
      redis: { keyPrefix: 'it:', onStateChange: (up) => void changes.push(up) },
    });
    expect(s.kind).toBe('redis');
    await eventually(() => s.available, 5000, 'store available');
    expect(changes).toEqual([true]);
    await s.touch(['ann'], 5_000, 42);
    const raw = new Redis(`${server.url}/3`);
    try {
      expect(await raw.get('it:lastseen:ann')).toBe('42');
      expect(await raw.pttl('it:lastseen:ann')).toBeGreaterThan(59_000);
    } finally {
      await raw.quit();
    }
  });

  it('does not load ioredis when it opens the memory store', () => {
    // A node on the memory store never pays for ioredis's module graph (idle memory, RSS).
    jest.isolateModules(() => {
      jest.doMock('ioredis', () => {
        throw new Error('ioredis loaded');
      });
      const isolated = jest.requireActual<typeof import('./open-store')>('./open-store');
      const s = isolated.openStore('memory');
      opened.push(s);
      expect(s.kind).toBe('memory');
      expect(() => isolated.openStore('redis://127.0.0.1:1')).toThrow('ioredis loaded');
    });
  });

  it('throws a TypeError on a spec parseStore would not pass', () => {
    expect(() => openStore('etcd://x:1')).toThrow(TypeError);
  });
});
