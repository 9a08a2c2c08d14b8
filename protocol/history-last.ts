/**
 * `last: N` (PROTOCOL.md §12): how many of the latest held events a newcomer asks for, on a
 * client `sub`, a link `history` request and `GET /v1/history?limit=N`. One rule for all three
 * so the bound cannot drift between the edges that read it.
 */
import { Limits } from '../server/limits';

/** The most events one request may ask for. */
export const MAX_LAST = Limits.maxHistoryLast;

/** An integer of 1 to `MAX_LAST`. */
export function isHistoryLast(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= MAX_LAST;
}

/** What a bad `last` is told, naming the field as the request spelled it. */
export function badLast(field: string): string {
  return `field '${field}' must be an integer of 1 to ${MAX_LAST}`;
}
