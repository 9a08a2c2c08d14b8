/** The actor kernel's public surface. Anything not exported here is internal. */
export { ActorSystem, type ActorSystemStats } from './actor-system';
export type { ActorSystemOptions, LogFn, LogLevel } from './runtime';
export { ask } from './ask';
export { clockMs, nowMs } from './clock';
export { ExpiryQueue } from './expiry-queue';
export { Overflow, type MailboxBound } from './mailbox';
export {
  Directive,
  oneForOne,
  defaultStrategy,
  resumeOnFailure,
  type SupervisorStrategy,
} from './supervision';
export {
  ActorStatus,
  type ActorContext,
  type ActorNode,
  type ActorRef,
  type Behavior,
  type BehaviorFactory,
  type SpawnOptions,
  type Timers,
} from './types';
export {
  ActorError,
  ActorErrorCode,
  ActorNameTakenError,
  ActorStoppedError,
  AskTimeoutError,
  InvalidActorNameError,
  MailboxOverflowError,
} from './errors';
