/**
 * Copying a latin1 string (publisher bytes held as one, `RawMsgpack.bin`) into a buffer: a
 * byte loop for short strings, Node's native `latin1Write` past LOOP_MAX chars.
 *
 * Measured for a 2,000-string working set (load-tests/profiles/RESULTS.md, 2026-12-03): the loop
 * costs about 2 ns per char (16 ns at 8 chars, 138 ns at 70) and the native write a flat 43-47
 * ns, so they cross near 24 chars. `Buffer#write(s, at, n, 'latin1')` reaches the same native
 * write through an encoding lookup and argument checks that cost more than the copy itself.
 * `latin1Write` is not in Node's typings, so it is looked up once; where it is missing the
 * public `Buffer#write` does the same.
 */
const LOOP_MAX = 24;

type Latin1Write = (this: Buffer, s: string, at: number, n: number) => number;
const nativeWrite: Latin1Write =
  (Buffer.prototype as unknown as { latin1Write?: Latin1Write }).latin1Write ??
  function (this: Buffer, s: string, at: number, n: number): number {
    return this.write(s, at, n, 'latin1');
  };

/** Writes chars `from..from+n` of `s` (each below 256) at `at` in `out`; returns `at + n`. */
export function writeLatin1(out: Buffer, at: number, s: string, from = 0, n = s.length): number {
  if (n <= LOOP_MAX) {
    for (let i = 0; i < n; i++) out[at + i] = s.charCodeAt(from + i);
    return at + n;
  }
  nativeWrite.call(out, from === 0 && n === s.length ? s : s.slice(from, from + n), at, n);
  return at + n;
}
