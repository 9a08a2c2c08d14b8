/**
 * The dispatcher client seam: the public surface. A gateway holds a `DispatcherClient` and never
 * learns which implementation it got.
 *
 * - InProcessDispatcherClient: the dispatcher actor of the same process (standalone).
 * - RemoteDispatcherClient: one link per dispatcher node (gateway role).
 */
export { InProcessDispatcherClient } from './in-process-client';
export { RemoteDispatcherClient, type RemoteClientOptions } from './remote-client';
export type { CountSource, DispatcherClient, InterestSource } from './types';
