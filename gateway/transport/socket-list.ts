/**
 * A transport's open sockets as one dense array, each socket holding its own place in it
 * (`listIndex`), so a removal moves the last socket into the gap. A Set of 100k sockets costs
 * 26 to 33 bytes a socket (its hash table at 50-76% load); the array takes 8 to 12, and the
 * index rides in bits of a field the socket has anyway (UwsConnection's flags). The order is
 * not kept: nothing needs it.
 */

/** A socket that can be listed: `listIndex` is its place, -1 while it is not listed. */
export interface Listed {
  listIndex: number;
}

export class SocketList<C extends Listed> implements Iterable<C> {
  private readonly items: C[] = [];

  get size(): number {
    return this.items.length;
  }

  /** The socket at place `i` (0 <= i < size), for a walk that allocates nothing per socket. */
  at(i: number): C | undefined {
    return this.items[i];
  }

  /** Lists `c` unless it is listed already. */
  add(c: C): void {
    if (c.listIndex >= 0) return;
    c.listIndex = this.items.length;
    this.items.push(c);
  }

  /** False when `c` was not listed here. */
  delete(c: C): boolean {
    const i = c.listIndex;
    const { items } = this;
    if (i < 0 || items[i] !== c) return false;
    const last = items.pop()!;
    if (last !== c) {
      items[i] = last;
      last.listIndex = i;
    }
    c.listIndex = -1;
    return true;
  }

  /**
   * Last to first, so a socket the loop removes (a close from inside it) costs no other socket
   * its turn: what moves into its place was visited already.
   */
  *[Symbol.iterator](): Iterator<C> {
    const { items } = this;
    for (let i = items.length - 1; i >= 0; i--) {
      if (i < items.length) yield items[i]!;
    }
  }
}
