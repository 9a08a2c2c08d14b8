/**
 * Messages of the system lane. They drive the lifecycle, so they are processed ahead of user
 * messages and even while the actor is suspended after a failure. Payload-free ones are
 * singletons: posting them allocates nothing.
 */
import type { ActorCell } from './actor-cell';

export type SystemMessage =
  | { readonly kind: 'terminate' }
  | { readonly kind: 'resume' }
  | { readonly kind: 'overflow' }
  /** Parent's verdict after a failure: restart with a fresh behavior. */
  | { readonly kind: 'recreate'; readonly error: unknown }
  /** Child -> parent: I failed and am suspended until you decide. */
  | { readonly kind: 'failed'; readonly child: ActorCell<unknown>; readonly error: unknown }
  /** Child -> parent: I am gone; free my name. */
  | { readonly kind: 'child-terminated'; readonly child: ActorCell<unknown> }
  /** Watchee -> watcher. */
  | { readonly kind: 'terminated'; readonly cell: ActorCell<unknown> };

export const TERMINATE: SystemMessage = { kind: 'terminate' };
export const RESUME: SystemMessage = { kind: 'resume' };
export const OVERFLOW: SystemMessage = { kind: 'overflow' };
