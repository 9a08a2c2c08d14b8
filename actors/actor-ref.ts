/**
 * The handle everyone else holds. It is separate from the cell (as in Akka) so that the public
 * surface is only `tell`/`isAlive`/`path`/`name`; it adds one small object per actor.
 */
import type { ActorCell } from './actor-cell';
import type { ActorRef } from './types';

export class LocalActorRef<M> implements ActorRef<M> {
  /** @internal the kernel reaches the cell through the ref; user code must not. */
  constructor(readonly cell: ActorCell<M>) {}

  get path(): string {
    return this.cell.path;
  }

  get name(): string {
    return this.cell.name;
  }

  tell(msg: M): boolean {
    return this.cell.tell(msg);
  }

  isAlive(): boolean {
    return this.cell.isAlive();
  }

  toString(): string {
    return `ActorRef(${this.cell.path})`;
  }
}

/** The cell behind a ref, or undefined for refs that are not actors of this kernel (ask refs). */
export function cellOf(ref: ActorRef<unknown>): ActorCell<unknown> | undefined {
  return ref instanceof LocalActorRef ? (ref.cell as ActorCell<unknown>) : undefined;
}
