/**
 * What a gateway reported of one topic, its count and its watch flag (`ReportItem`), held as one
 * number: the count times 2, plus 1 when watched. The owner keeps it per gateway
 * (count-table.ts), the gateway keeps what its owner heard (gateway/gateway-counts.ts): a flag
 * costs neither of them an object.
 */

export function packReport(n: number, watched: boolean): number {
  return n * 2 + (watched ? 1 : 0);
}

/** The count of a packed report (0 for none). */
export function reportedCount(v: number | undefined): number {
  return v === undefined ? 0 : Math.floor(v / 2);
}

/** The watch flag of a packed report (false for none). */
export function reportedWatched(v: number | undefined): boolean {
  return v !== undefined && v % 2 === 1;
}
