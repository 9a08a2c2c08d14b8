/**
 * Growable FIFO ring buffer. `Array#shift` is O(n) and a linked list allocates a node per
 * item; a power-of-two ring makes push/shift O(1) with no allocation except when it grows.
 * A lone item is held inline and storage is allocated only when a second one queues up: most
 * mailboxes (a connection actor under fan-out gets one batch per turn) never allocate any.
 */
const INITIAL_CAPACITY = 8;
/** An emptied queue larger than this gives its storage back, so one burst does not pin memory. */
const RETAIN_CAPACITY = 64;

export class RingQueue<T> {
  private buf: (T | undefined)[] | null = null;
  /** The only item while `buf` is null and `count` is 1. */
  private solo: T | undefined = undefined;
  private head = 0;
  private count = 0;

  get size(): number {
    return this.count;
  }

  push(item: T): void {
    let buf = this.buf;
    if (buf === null) {
      if (this.count === 0) {
        this.solo = item;
        this.count = 1;
        return;
      }
      buf = this.buf = new Array<T | undefined>(INITIAL_CAPACITY);
      buf[0] = this.solo;
      this.solo = undefined;
      this.head = 0;
    } else if (this.count === buf.length) {
      buf = this.grow(buf);
    }
    buf[(this.head + this.count) & (buf.length - 1)] = item;
    this.count++;
  }

  shift(): T | undefined {
    if (this.count === 0) return undefined;
    const buf = this.buf;
    if (buf === null) {
      const solo = this.solo;
      this.solo = undefined;
      this.count = 0;
      return solo;
    }
    const item = buf[this.head];
    buf[this.head] = undefined;
    this.head = (this.head + 1) & (buf.length - 1);
    if (--this.count === 0) {
      this.head = 0;
      if (buf.length > RETAIN_CAPACITY) this.buf = null;
    }
    return item;
  }

  peek(): T | undefined {
    if (this.count === 0) return undefined;
    return this.buf === null ? this.solo : this.buf[this.head];
  }

  private grow(buf: (T | undefined)[]): (T | undefined)[] {
    const next = new Array<T | undefined>(buf.length * 2);
    for (let i = 0; i < this.count; i++) next[i] = buf[(this.head + i) & (buf.length - 1)];
    this.head = 0;
    this.buf = next;
    return next;
  }
}
