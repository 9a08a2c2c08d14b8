/**
 * Small sets held as cheaply as their size allows, for values kept per topic: a lone member as
 * itself, up to SMALL_GROUP members in an array of exactly their number (copied on a change),
 * and a `Set` past that, kept until its key goes so a group that swings around the bound does
 * not allocate on every swing. An empty `Set` costs about 100 bytes of heap before it holds
 * anything and 216 with 6 members, where an exact array of 6 takes 96 (no pointer compression
 * in this Node build): a router keeps its subscribers of each topic so (router-index.ts), and
 * the dispatcher the gateways with interest in each (a personal topic of a 7-worker node has
 * ~6).
 *
 * Members must not themselves be arrays or `Set`s.
 */
import { appended, removedAt } from './exact-array';

export type Members<T> = T | T[] | Set<T>;

/** Members kept in an array; one more makes the group a Set. */
export const SMALL_GROUP = 16;

export function hasMember<T>(g: Members<T> | undefined, m: T): boolean {
  if (g === m) return true;
  if (g instanceof Set) return g.has(m);
  return Array.isArray(g) && g.includes(m);
}

/** The group with `m` (the same group when it holds `m` already, or is a Set). */
export function withMember<T>(g: Members<T> | undefined, m: T): Members<T> {
  if (g === undefined) return m;
  if (g instanceof Set) return g.add(m);
  if (!Array.isArray(g)) return g === m ? g : [g, m];
  if (g.includes(m)) return g;
  return g.length < SMALL_GROUP ? appended(g, m) : new Set(g).add(m);
}

/** The group without `m` (undefined: none left). */
export function withoutMember<T>(g: Members<T> | undefined, m: T): Members<T> | undefined {
  if (g instanceof Set) {
    g.delete(m);
    return g.size === 0 ? undefined : g;
  }
  if (!Array.isArray(g)) return g === m ? undefined : g;
  const i = g.indexOf(m);
  if (i < 0) return g;
  return g.length === 2 ? g[1 - i] : removedAt(g, i);
}

/** How many members a group has. */
export function sizeOf<T>(g: Members<T> | undefined): number {
  if (g === undefined) return 0;
  if (g instanceof Set) return g.size;
  return Array.isArray(g) ? g.length : 1;
}

/** The members of a group, in a new array. */
export function membersOf<T>(g: Members<T> | undefined): T[] {
  if (g === undefined) return [];
  if (g instanceof Set) return [...g];
  return Array.isArray(g) ? g.slice() : [g];
}

/** A map whose values are groups as above; a key goes with its last member. */
export class SetMap<K, T> {
  private readonly map = new Map<K, Members<T>>();

  get size(): number {
    return this.map.size;
  }

  has(key: K): boolean {
    return this.map.has(key);
  }

  get(key: K): Members<T> | undefined {
    return this.map.get(key);
  }

  /** Adds `member` under `key`; true when the key is new. */
  add(key: K, member: T): boolean {
    const v = this.map.get(key);
    const next = withMember(v, member);
    if (next !== v) this.map.set(key, next);
    return v === undefined;
  }

  /** Removes `member` from `key`; true when that left the key with no member (it is gone). */
  remove(key: K, member: T): boolean {
    const v = this.map.get(key);
    if (v === undefined) return false;
    const next = withoutMember(v, member);
    if (next === v) return false;
    if (next === undefined) {
      this.map.delete(key);
      return true;
    }
    this.map.set(key, next);
    return false;
  }

  keys(): IterableIterator<K> {
    return this.map.keys();
  }

  entries(): IterableIterator<[K, Members<T>]> {
    return this.map.entries();
  }
}
