/**
 * A map whose values are sets, where a set of one is held as its member: most topics have one
 * gateway with interest (and, in a gateway's router, often one subscriber), and an empty `Set`
 * costs about 100 bytes of heap before it holds anything. The set is made for a second member
 * and kept until the key goes, so a key that swings between one and two members does not
 * allocate on every swing.
 *
 * Members must not themselves be `Set`s.
 */
export type OneOrMany<T> = T | Set<T>;

export class SetMap<K, T> {
  private readonly map = new Map<K, OneOrMany<T>>();

  get size(): number {
    return this.map.size;
  }

  has(key: K): boolean {
    return this.map.has(key);
  }

  get(key: K): OneOrMany<T> | undefined {
    return this.map.get(key);
  }

  /** Adds `member` under `key`; true when the key is new. */
  add(key: K, member: T): boolean {
    const v = this.map.get(key);
    if (v === undefined) {
      this.map.set(key, member);
      return true;
    }
    if (v instanceof Set) v.add(member);
    else if (v !== member) this.map.set(key, new Set([v, member]));
    return false;
  }

  /** Removes `member` from `key`; true when that left the key with no member (it is gone). */
  remove(key: K, member: T): boolean {
    const v = this.map.get(key);
    if (v === undefined) return false;
    if (v instanceof Set) {
      if (!v.delete(member) || v.size > 0) return false;
    } else if (v !== member) {
      return false;
    }
    this.map.delete(key);
    return true;
  }

  keys(): IterableIterator<K> {
    return this.map.keys();
  }

  entries(): IterableIterator<[K, OneOrMany<T>]> {
    return this.map.entries();
  }
}

/** Members of a value of a SetMap. */
export function membersOf<T>(v: OneOrMany<T>): T[] {
  return v instanceof Set ? [...v] : [v];
}

/** How many members a value of a SetMap holds. */
export function countOf<T>(v: OneOrMany<T>): number {
  return v instanceof Set ? v.size : 1;
}
