/**
 * A number per name (a count owner's report per gateway of one topic), held as a flat array
 * `[name0, v0, name1, v1, ...]` of exactly its entries while it has at most SMALL_NAME_COUNTS,
 * and as a Map past that (kept until its topic goes). A topic of a 7-worker node is reported by
 * ~6 gateways: 12 slots of an array (about 140 bytes with the array object) where a Map took
 * ~280 (no pointer compression in this Node build), for each of the node's personal topics.
 *
 * The functions return the value to keep, which may be a new array: the holder stores it back.
 */
import { appended, removedAt } from './exact-array';

export type NameCounts = (string | number)[] | Map<string, number>;

/** Entries kept in the flat array; one more makes it a Map. */
export const SMALL_NAME_COUNTS = 16;

export const noNameCounts = (): NameCounts => [];

export function countOf(m: NameCounts, name: string): number | undefined {
  if (!Array.isArray(m)) return m.get(name);
  for (let i = 0; i < m.length; i += 2) if (m[i] === name) return m[i + 1] as number;
  return undefined;
}

export function withCount(m: NameCounts, name: string, v: number): NameCounts {
  if (!Array.isArray(m)) return m.set(name, v);
  for (let i = 0; i < m.length; i += 2) {
    if (m[i] !== name) continue;
    m[i + 1] = v;
    return m;
  }
  if (m.length < 2 * SMALL_NAME_COUNTS) return appended(m, name, v);
  const map = new Map<string, number>();
  forEachCount(m, (n, c) => map.set(n, c));
  return map.set(name, v);
}

export function withoutCount(m: NameCounts, name: string): NameCounts {
  if (!Array.isArray(m)) {
    m.delete(name);
    return m;
  }
  for (let i = 0; i < m.length; i += 2) if (m[i] === name) return removedAt(m, i, 2);
  return m;
}

export function sizeOfCounts(m: NameCounts): number {
  return Array.isArray(m) ? m.length / 2 : m.size;
}

export function forEachCount(m: NameCounts, fn: (name: string, v: number) => void): void {
  if (!Array.isArray(m)) {
    for (const [n, v] of m) fn(n, v);
    return;
  }
  for (let i = 0; i < m.length; i += 2) fn(m[i] as string, m[i + 1] as number);
}

/** The first `limit` entries, in insertion order. */
export function firstCounts(m: NameCounts, limit: number): [string, number][] {
  const out: [string, number][] = [];
  forEachCount(m, (n, v) => {
    if (out.length < limit) out.push([n, v]);
  });
  return out;
}
