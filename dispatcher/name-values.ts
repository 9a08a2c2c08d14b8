/**
 * A value per name, held as a flat array `[name0, v0, name1, v1, ...]` of exactly its entries
 * while it has at most `small` of them (the caller's bound), and as a Map past that (kept until
 * its holder drops it). Two holders: a count owner's report per gateway of one topic
 * (`NameCounts`: a topic of a 7-worker node is reported by ~6 gateways, 12 slots of an array,
 * about 140 bytes with the array object, where a Map took ~280; no pointer compression in this
 * Node build), and a connection's subscriptions beside its inline one (gateway/subscriptions.ts).
 *
 * The functions return the value to keep, which may be a new array: the holder stores it back.
 * Names sit at even slots only, so a value is never taken for a name.
 */
import { appended, removedAt } from './exact-array';

export type NameValues<V> = (string | V)[] | Map<string, V>;

/** A gateway's packed count per name (count-table.ts). */
export type NameCounts = NameValues<number>;

/** Count entries kept in the flat array; one more makes it a Map. */
export const SMALL_NAME_COUNTS = 16;

export const noNameCounts = (): NameCounts => [];

export function valueOf<V>(m: NameValues<V>, name: string): V | undefined {
  if (!Array.isArray(m)) return m.get(name);
  for (let i = 0; i < m.length; i += 2) if (m[i] === name) return m[i + 1] as V;
  return undefined;
}

/** Sets `name`'s value in place when it has one; past `small` entries the array becomes a Map. */
export function withValue<V>(
  m: NameValues<V>,
  name: string,
  v: V,
  small = SMALL_NAME_COUNTS,
): NameValues<V> {
  if (!Array.isArray(m)) return m.set(name, v);
  for (let i = 0; i < m.length; i += 2) {
    if (m[i] !== name) continue;
    m[i + 1] = v;
    return m;
  }
  if (m.length < 2 * small) return appended<string | V>(m, name, v);
  const map = new Map<string, V>();
  forEachValue(m, (n, c) => map.set(n, c));
  return map.set(name, v);
}

export function withoutValue<V>(m: NameValues<V>, name: string): NameValues<V> {
  if (!Array.isArray(m)) {
    m.delete(name);
    return m;
  }
  for (let i = 0; i < m.length; i += 2) if (m[i] === name) return removedAt(m, i, 2);
  return m;
}

export function sizeOfValues<V>(m: NameValues<V>): number {
  return Array.isArray(m) ? m.length / 2 : m.size;
}

export function forEachValue<V>(m: NameValues<V>, fn: (name: string, v: V) => void): void {
  if (!Array.isArray(m)) {
    for (const [n, v] of m) fn(n, v);
    return;
  }
  for (let i = 0; i < m.length; i += 2) fn(m[i] as string, m[i + 1] as V);
}

/** The first `limit` entries, in insertion order. */
export function firstValues<V>(m: NameValues<V>, limit: number): [string, V][] {
  const out: [string, V][] = [];
  forEachValue(m, (n, v) => {
    if (out.length < limit) out.push([n, v]);
  });
  return out;
}
