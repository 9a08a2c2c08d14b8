/**
 * A cell's children by name, in the order they were spawned: what a `Map<string, ActorCell>`
 * did, in less memory. A topic router has one child per connection, and a Map entry costs 28
 * bytes a slot of its table (37 to 46 bytes a child at its 61-76% load); here a child costs
 * one slot of `order` (8 bytes, plus room to grow and the holes of children gone) and two to
 * four 4-byte slots of `index`: about 20 bytes.
 *
 *   order   the children in spawn order; null where one left (rebuilt once holes outnumber them)
 *   index   open addressing with linear probing on the name's hash: position in `order` + 1,
 *           EMPTY (0) or GONE (-1); kept at most half full, counting GONE slots
 *
 * Iteration reads the `order` it started with. As with a Map, a child that leaves before the
 * walk reaches it is not visited and none that stays is skipped or visited twice; once a
 * rebuild made a new `order`, later changes are not seen by a walk already under way (stopping
 * and checking children, its only users while children change, tolerate that).
 */

const EMPTY = 0;
const GONE = -1;
const MIN_INDEX = 8;

/** FNV-1a over the UTF-16 code units: names are short, and spawn is not on a hot path. */
function hashOf(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16777619);
  return h >>> 0;
}

export class Children<C extends { readonly name: string }> {
  private order: (C | null)[] = [];
  private index = new Int32Array(MIN_INDEX);
  private count = 0;
  /** GONE slots in `index`. */
  private gone = 0;

  get size(): number {
    return this.count;
  }

  get(name: string): C | undefined {
    const slot = this.find(name);
    return slot < 0 ? undefined : this.order[this.index[slot]! - 1]!;
  }

  has(name: string): boolean {
    return this.find(name) >= 0;
  }

  /** Adds `child`; the caller has checked that no child holds its name. */
  add(child: C): void {
    if ((this.count + this.gone + 1) * 2 > this.index.length) this.rebuild();
    this.order.push(child);
    this.place(child.name, this.order.length);
    this.count++;
  }

  /** False when `child` is not (or no longer) a child here. */
  delete(child: C): boolean {
    const slot = this.find(child.name);
    if (slot < 0) return false;
    const at = this.index[slot]! - 1;
    if (this.order[at] !== child) return false;
    this.order[at] = null;
    this.index[slot] = GONE;
    this.gone++;
    this.count--;
    if (this.count === 0) {
      this.order = [];
      this.index = new Int32Array(MIN_INDEX);
      this.gone = 0;
    } else if (this.order.length > 2 * this.count + MIN_INDEX) {
      this.rebuild();
    }
    return true;
  }

  *values(): IterableIterator<C> {
    const order = this.order;
    for (let i = 0; i < order.length; i++) {
      const c = order[i];
      if (c != null) yield c;
    }
  }

  /** The slot of `name` in `index`, or -1. */
  private find(name: string): number {
    const { index, order } = this;
    const mask = index.length - 1;
    for (let i = hashOf(name) & mask; ; i = (i + 1) & mask) {
      const v = index[i]!;
      if (v === EMPTY) return -1;
      if (v !== GONE && order[v - 1]!.name === name) return i;
    }
  }

  private place(name: string, position: number): void {
    const { index } = this;
    const mask = index.length - 1;
    let i = hashOf(name) & mask;
    while (index[i] !== EMPTY) i = (i + 1) & mask;
    index[i] = position;
  }

  /** A new `order` without holes, and an `index` a quarter full after the next add. */
  private rebuild(): void {
    const order: C[] = [];
    for (const c of this.order) if (c !== null) order.push(c);
    let size = MIN_INDEX;
    while (size < (order.length + 1) * 4) size *= 2;
    this.order = order;
    this.index = new Int32Array(size);
    this.gone = 0;
    for (let i = 0; i < order.length; i++) this.place(order[i]!.name, i + 1);
  }
}
