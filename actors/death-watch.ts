/**
 * Death watch: a watcher learns once, through its system lane, that a watched actor stopped.
 * Both sides keep a lazily allocated set (most actors watch and are watched by nobody), so a
 * stopping actor can notify its watchers and a watcher can forget whom it watched.
 */

export interface WatchNode {
  /** Who watches me. */
  watchers: Set<WatchNode> | null;
  /** Whom I watch. */
  watching: Set<WatchNode> | null;
  isAlive(): boolean;
  /** Posts a 'terminated' notice about `dead` to this node's system lane. */
  notifyTerminated(dead: WatchNode): void;
}

export function watch(watcher: WatchNode, target: WatchNode): void {
  if (watcher === target || watcher.watching?.has(target)) return;
  (watcher.watching ??= new Set()).add(target);
  if (target.isAlive()) (target.watchers ??= new Set()).add(watcher);
  else watcher.notifyTerminated(target);
}

/** A notice already queued for `target` is dropped: `acceptTerminated` will refuse it. */
export function unwatch(watcher: WatchNode, target: WatchNode): void {
  watcher.watching?.delete(target);
  target.watchers?.delete(watcher);
}

/** Consumes a queued notice; false if the watcher unwatched meanwhile (or it is a duplicate). */
export function acceptTerminated(watcher: WatchNode, dead: WatchNode): boolean {
  return watcher.watching?.delete(dead) === true;
}

/** Called once by a node that has stopped. */
export function notifyWatchers(dead: WatchNode): void {
  if (dead.watchers !== null) {
    for (const watcher of dead.watchers) if (watcher.isAlive()) watcher.notifyTerminated(dead);
    dead.watchers = null;
  }
  if (dead.watching !== null) {
    for (const target of dead.watching) target.watchers?.delete(dead);
    dead.watching = null;
  }
}
