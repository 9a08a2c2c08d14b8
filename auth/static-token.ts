/**
 * Static tokens (`--auth-token`, `--publisher-token`) compared in constant time.
 *
 * Both sides are hashed with SHA-256 first and the digests compared with `timingSafeEqual`:
 * the digests always have the same length, so neither the token's length nor the position of
 * the first wrong character shows in the time an answer takes.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

export interface StaticToken {
  /** Whether `presented` is the configured token; anything but a string is not. */
  matches(presented: unknown): boolean;
}

/** Hashes the configured token once; each `matches` hashes only the presented one. */
export function staticToken(expected: string): StaticToken {
  const want = digest(expected);
  return {
    matches(presented: unknown): boolean {
      if (typeof presented !== 'string') return false;
      return timingSafeEqual(digest(presented), want);
    },
  };
}
