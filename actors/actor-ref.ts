/**
 * The handle everyone else holds. In Akka it is an object apart from the cell; here the cell is
 * its own ref (a node holds 100k connection actors, and a separate ref cost 40 bytes each). The
 * public surface stays `tell`/`isAlive`/`path`/`name`: refs are typed `ActorRef`, never
 * `ActorCell`, outside the kernel.
 */
import { ActorCell } from './actor-cell';
import type { ActorRef } from './types';

/** The cell behind a ref, or undefined for refs that are not actors of this kernel (ask refs). */
export function cellOf(ref: ActorRef<unknown>): ActorCell<unknown> | undefined {
  return ref instanceof ActorCell ? (ref as ActorCell<unknown>) : undefined;
}
