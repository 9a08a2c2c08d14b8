/**
 * The SSE `id` of a stream: where the stream is in every one of its topics, so that the
 * `Last-Event-ID` a browser echoes on reconnect resumes each topic as `sub` with `since` does.
 *
 * Format (PROTOCOL.md §9; docs/protocol.md "Server-Sent Events"): one entry per topic whose
 * position is known, `<index>~<epoch>~<seq>`, entries joined by `.`, where `index` is the
 * topic's place in the stream's `topic=` list (first occurrence, duplicates dropped) and
 * `index` and `seq` are written in base 36:
 *
 *   /v1/sse?topic=live:1&topic=chat:1   id: 0~AbC-12_x~2s.1~Zz9-Qq0w~0
 *
 * Why indexes, not topic names: the browser reconnects to the same URL, so the list is there
 * already, and the id stays about 20 bytes per topic whatever the names (a header must fit
 * the server's header budget). Every character is URL-safe, so the same text works as
 * `?lastEventId=`. A list given in another order cannot resume the wrong topic: epochs are
 * random per topic life, so a mismatched entry answers `recovered: false`, never foreign events.
 *
 * Parsing is defensive: a value that is too long, has an entry out of shape, an index out of
 * range or repeated, an epoch of other characters or a seq beyond 2^53 is treated as absent
 * as a whole (every topic starts fresh). It never throws.
 */
import { Limits } from '../../server/limits';
import type { Since } from '../../protocol';

/** One position per topic index; undefined where the stream has none (fresh topic). */
export type Positions = (Since | undefined)[];

/** Epochs that fit an id: what owners write (8 base64url characters) with room to spare. */
const EPOCH = /^[A-Za-z0-9_-]{1,32}$/;
/** Base 36 of an index below Limits.sseMaxTopics, or of a safe integer (11 digits at most). */
const INDEX = /^[0-9a-z]{1,3}$/;
const SEQ = /^[0-9a-z]{1,11}$/;

/**
 * The id of `positions`; '' when none is known. A position whose epoch cannot be written
 * (not an owner's) is left out: that topic then resumes fresh, never wrongly.
 */
export function encodePosition(positions: Positions): string {
  let out = '';
  for (let i = 0; i < positions.length; i++) {
    const p = positions[i];
    if (p === undefined || !EPOCH.test(p.epoch)) continue;
    if (out !== '') out += '.';
    out += `${i.toString(36)}~${p.epoch}~${p.seq.toString(36)}`;
  }
  return out;
}

/**
 * The positions an id names for a stream of `topics` topics, or undefined when `text` is
 * absent, empty or malformed in any way (then the stream starts every topic fresh).
 */
export function parsePosition(text: string | undefined, topics: number): Positions | undefined {
  if (text === undefined || text === '' || text.length > Limits.sseMaxLastEventId) return;
  const entries = text.split('.');
  if (entries.length > topics) return;
  const out: Positions = new Array<Since | undefined>(topics).fill(undefined);
  for (const entry of entries) {
    const parts = entry.split('~');
    if (parts.length !== 3) return;
    const [i, epoch, seq] = parts as [string, string, string];
    if (!INDEX.test(i) || !EPOCH.test(epoch) || !SEQ.test(seq)) return;
    const index = parseInt(i, 36);
    const n = parseInt(seq, 36);
    if (index >= topics || out[index] !== undefined || !Number.isSafeInteger(n)) return;
    out[index] = { epoch, seq: n };
  }
  return out;
}
