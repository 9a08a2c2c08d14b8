/**
 * Growable FIFO ring buffer. `Array#shift` is O(n) and a linked list allocates a node per
 * item; a power-of-two ring makes push/shift O(1) with no allocation except when it grows.
 * Storage is allocated on first push so an empty queue is just an object header and 3 slots.
 */
const INITIAL_CAPACITY = 8;
/** An emptied queue larger than this gives its storage back, so one burst does not pin memory. */
const RETAIN_CAPACITY = 64;

export class RingQueue<T> {
  private buf: (T | undefined)[] | null = null;
  private head = 0;
  private count = 0;

  get size(): number {
    return this.count;
  }

  push(item: T): void {
    let buf = this.buf;
    if (buf === null) {
      buf = this.buf = new Array<T | undefined>(INITIAL_CAPACITY);
    } else if (this.count === buf.length) {
      buf = this.grow(buf);
    }
    buf[(this.head + this.count) & (buf.length - 1)] = item;
    this.count++;
  }

  shift(): T | undefined {
    if (this.count === 0) return undefined;
    const buf = this.buf as (T | undefined)[];
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
    return this.count === 0 ? undefined : (this.buf as (T | undefined)[])[this.head];
  }

  private grow(buf: (T | undefined)[]): (T | undefined)[] {
    const next = new Array<T | undefined>(buf.length * 2);
    for (let i = 0; i < this.count; i++) next[i] = buf[(this.head + i) & (buf.length - 1)];
    this.head = 0;
    this.buf = next;
    return next;
  }
}
