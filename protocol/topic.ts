/**
 * Topic names (PROTOCOL.md §2): 1 to 200 bytes of `A-Z a-z 0-9 _ - . : / @`.
 *
 * Every allowed character is ASCII, so for a valid topic the UTF-16 length *is* the UTF-8 byte
 * length; any non-ASCII character fails the character check before its byte width matters.
 * The check runs for every sub/unsub/pub, so it is a table lookup per char code: no regex, no
 * allocation.
 */

export const MAX_TOPIC_BYTES = 200;

const ALLOWED = new Uint8Array(128);
for (const range of ['AZ', 'az', '09']) {
  for (let c = range.charCodeAt(0); c <= range.charCodeAt(1); c++) ALLOWED[c] = 1;
}
for (const ch of '_-.:/@') ALLOWED[ch.charCodeAt(0)] = 1;

export function isValidTopic(t: unknown): t is string {
  if (typeof t !== 'string') return false;
  const n = t.length;
  if (n === 0 || n > MAX_TOPIC_BYTES) return false;
  for (let i = 0; i < n; i++) {
    const c = t.charCodeAt(i);
    // c >= 128 reads undefined from the table, which fails the check as it should.
    if (ALLOWED[c] !== 1) return false;
  }
  return true;
}
