/**
 * Copies of small arrays that hold exactly their elements. V8 gives an array built by a spread
 * (`[...a, x]`), `push` or `filter` room to grow (17 or more slots for 3 elements: 152 bytes
 * where 40 do); `slice` and `concat` allocate the exact length. For arrays kept per topic or
 * per connection, copied on the rare change rather than grown in place.
 */

/** `arr` with `items` after its elements, in a new array of exactly that length. */
export function appended<T>(arr: readonly T[], ...items: T[]): T[] {
  return arr.concat(items);
}

/** `arr` without its `count` elements from `at`, in a new array of exactly that length. */
export function removedAt<T>(arr: readonly T[], at: number, count = 1): T[] {
  return at === 0 ? arr.slice(count) : arr.slice(0, at).concat(arr.slice(at + count));
}
