/** The public contracts of the kernel; the implementations live in their own files. */
import type { ActorSystem } from './actor-system';
import type { MailboxBound } from './mailbox';
import type { SupervisorStrategy } from './supervision';

export interface ActorRef<M> {
  /** e.g. "/user/gateway/router-3/conn-8f2a" */
  readonly path: string;
  /** Last path segment. */
  readonly name: string;
  /** False when the actor is stopped or the mailbox bound rejected the message; never throws. */
  tell(msg: M): boolean;
  isAlive(): boolean;
}

export interface Behavior<M> {
  /** Async handlers: the next message waits until the promise settles. */
  receive(msg: M, ctx: ActorContext<M>): void | Promise<void>;
  preStart?(ctx: ActorContext<M>): void | Promise<void>;
  postStop?(ctx: ActorContext<M>): void;
  /** Default: stop all children. */
  preRestart?(ctx: ActorContext<M>, err: unknown, msg: M | undefined): void;
  /** Default: calls preStart. */
  postRestart?(ctx: ActorContext<M>, err: unknown): void;
  /** Death watch: a watched actor stopped. */
  onTerminated?(ref: ActorRef<unknown>, ctx: ActorContext<M>): void;
  /** Bound with policy 'fail' was hit; once per overflow episode, through the system lane. */
  onOverflow?(ctx: ActorContext<M>, dropped: number): void;
  /** Extra state shown by the admin `inspect` command (the context: what the actor need not keep). */
  inspect?(ctx: ActorContext<M>): Record<string, unknown>;
}

/** Called again on Restart, so the new incarnation starts from fresh state. */
export type BehaviorFactory<M> = () => Behavior<M>;

export interface Timers<M> {
  /** Replaces a timer with the same key. */
  startSingle(key: string, msg: M, delayMs: number): void;
  startPeriodic(key: string, msg: M, intervalMs: number): void;
  cancel(key: string): void;
  /** Also done automatically on stop and restart. */
  cancelAll(): void;
  isActive(key: string): boolean;
}

export interface ActorContext<M> {
  readonly self: ActorRef<M>;
  readonly parent: ActorRef<unknown> | null;
  readonly system: ActorSystem;
  /** Throws ActorNameTakenError if a live sibling holds `name`. */
  spawn<C>(name: string, factory: BehaviorFactory<C>, opts?: SpawnOptions): ActorRef<C>;
  /** No argument: stop self; otherwise stop `ref`. */
  stop(ref?: ActorRef<unknown>): void;
  /** onTerminated fires once when `ref` stops (queued at once if it is already dead). */
  watch(ref: ActorRef<unknown>): void;
  unwatch(ref: ActorRef<unknown>): void;
  readonly timers: Timers<M>;
  /**
   * User messages waiting behind the one being handled (Erlang's message_queue_len). Lets an
   * actor fold a run of queued messages into one piece of work, e.g. one socket write.
   */
  readonly queued: number;
  child(name: string): ActorRef<unknown> | undefined;
  children(): ActorRef<unknown>[];
}

export interface SpawnOptions {
  /** Shown in the admin tree, e.g. "connection", "topic-router"; default "actor". */
  kind?: string;
  /** Default: unbounded. */
  mailbox?: MailboxBound;
  /** How THIS actor handles failures of ITS children; default: restart, max 10 within 60 s. */
  supervisor?: SupervisorStrategy;
  /**
   * How THIS actor's own failures are handled, in place of its parent's strategy (Akka Typed's
   * `Behaviors.supervise`). For an actor whose state is the only copy and whose parent is the
   * /user guardian (which always restarts): `oneForOne(() => Directive.Resume)` keeps it.
   */
  onFailure?: SupervisorStrategy;
  /** Messages per turn before yielding (default 64). */
  throughput?: number;
  /**
   * 'high': the scheduler runs this actor ahead of every queued 'normal' one (Akka: an execution
   * context of its own). For routing tiers whose messages fan out to many leaf actors; default 'normal'.
   */
  priority?: 'high' | 'normal';
  /**
   * false: this actor is never recreated (a Restart directive stops it), so its cell lets go
   * of the factory once the behavior exists. For leaf actors whose supervisor stops them anyway
   * and whose factory closes over per-actor state: a connection's factory and its context cost
   * 128 bytes per connection, 12.8 MB at 100k. Default true.
   */
  restartable?: boolean;
}

export const ActorStatus = {
  Starting: 'starting',
  Running: 'running',
  Restarting: 'restarting',
  Stopping: 'stopping',
  Stopped: 'stopped',
} as const;
export type ActorStatus = (typeof ActorStatus)[keyof typeof ActorStatus];

export interface ActorNode {
  path: string;
  name: string;
  kind: string;
  status: ActorStatus;
  /** Queued user + system messages. */
  mailbox: number;
  /** Messages processed since spawn. */
  processed: number;
  restarts: number;
  /** Present when depth allows. */
  children?: ActorNode[];
  /** Present instead of `children` when depth is exhausted and there are children. */
  childCount?: number;
}
