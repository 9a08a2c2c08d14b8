/**
 * Verified tokens, so a reconnect storm with the same tokens pays one signature check per token
 * instead of one per connection. Keyed by the token string itself (a digest would cost a hash
 * per lookup to save memory the byte bound below already caps).
 *
 * Bounded twice, by entries and by the characters of the tokens held, and evicts the least
 * recently used. An entry is never served at or after its `exp`, and only verified tokens are
 * ever put here: a token that failed is not remembered at all, good or bad.
 */

export const DEFAULT_CACHE_ENTRIES = 10_000;
/** 10,000 typical tokens (under 1 KiB each) fit; a few huge ones cannot crowd out memory. */
export const DEFAULT_CACHE_CHARS = 16 * 1024 * 1024;

export class VerifiedCache<V extends { readonly expMs: number }> {
  private readonly entries = new Map<string, V>();
  private chars = 0;

  constructor(
    readonly maxEntries = DEFAULT_CACHE_ENTRIES,
    readonly maxChars = DEFAULT_CACHE_CHARS,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  get(token: string, now: number): V | undefined {
    const value = this.entries.get(token);
    if (value === undefined) return undefined;
    this.entries.delete(token);
    if (now >= value.expMs) {
      this.chars -= token.length;
      return undefined;
    }
    this.entries.set(token, value); // most recently used goes last
    return value;
  }

  set(token: string, value: V, now: number): void {
    if (now >= value.expMs || token.length > this.maxChars || this.maxEntries <= 0) return;
    if (this.entries.delete(token)) this.chars -= token.length;
    this.entries.set(token, value);
    this.chars += token.length;
    while (this.entries.size > this.maxEntries || this.chars > this.maxChars) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
      this.chars -= oldest.length;
    }
  }

  clear(): void {
    this.entries.clear();
    this.chars = 0;
  }
}
