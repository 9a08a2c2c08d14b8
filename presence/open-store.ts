/**
 * The presence store the `--store` flag names: `memory` (the default) or a Redis URL. The spec
 * was validated by `server/config.ts` (`parseStore`); anything else here is a caller's bug.
 *
 * A Redis store is returned at once, connecting in the background: the node starts even when
 * Redis is down (presence reads as unknown until it is up), and `onStateChange` reports the
 * first connection and every outage.
 */
import { MemoryStore, type MemoryStoreOptions } from './memory-store';
import type { RedisStoreOptions } from './redis-store';
import type { PresenceStore } from './store';

export interface OpenStoreOptions {
  /** How long an offline member's lastSeen is remembered (both stores; default 24 h). */
  retentionMs?: number;
  /** Memory store only: bounds, sweep period and clock. */
  memory?: Omit<MemoryStoreOptions, 'retentionMs'>;
  /** Redis store only: key prefix, timeouts, bounds and the state callback. */
  redis?: Omit<RedisStoreOptions, 'url' | 'retentionMs'>;
}

export function openStore(spec: string, opts: OpenStoreOptions = {}): PresenceStore {
  if (spec === 'memory') return new MemoryStore({ ...opts.memory, retentionMs: opts.retentionMs });
  if (spec.startsWith('redis://') || spec.startsWith('rediss://')) {
    // Loaded here, not at the top: ioredis's module graph costs a node that runs the memory
    // store ~8 MB of RSS and enough surviving startup allocations to grow V8's young
    // generation to its maximum early (load-tests/profiles/RESULTS.md, fourth session).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { RedisStore } = require('./redis-store') as typeof import('./redis-store');
    return new RedisStore({ ...opts.redis, url: spec, retentionMs: opts.retentionMs });
  }
  throw new TypeError(`unknown presence store ${JSON.stringify(spec)}: memory or redis://...`);
}
