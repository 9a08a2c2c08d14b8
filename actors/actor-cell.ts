/**
 * The actor cell: one actor's state machine, mailbox and children. It is also the actor's
 * `ActorContext` (as Akka's ActorCell is), so a context costs no extra object.
 *
 *            spawn
 *              │
 *              ▼                    factory() + preStart (awaited if async)
 *          starting ─────────────────────────────────────────┐
 *              │ fails                                       ▼
 *              ▼            Resume                        running ◄──────────────┐
 *          suspended ────────────────────────────────────► │  ▲                  │
 *     (parent decides)  ◄── receive / hook throws ─────────┘  │ postRestart      │
 *              │ Restart                                       │ (default preStart)
 *              ▼                                               │                  │
 *         restarting: timers cancelled, preRestart (default: stop children),     │
 *                     wait for stopping children, new behavior from factory ─────┘
 *              │ Stop (or restart budget spent)
 *              ▼
 *          stopping: timers cancelled, children told to stop, wait until all gone
 *              │
 *              ▼
 *          stopped: queued user messages -> dead letters, postStop, watchers notified,
 *                   parent frees the name. tell() returns false from `stopping` on.
 *
 * Invariants: one message at a time (an async handler keeps the cell `busy`, and a busy cell is
 * never run, system lane included); the system lane is drained before each user message; a cell
 * sits in the scheduler's ready queue at most once (the SCHEDULED flag).
 */
import { cellOf } from './actor-ref';
import { childPath, validateName } from './actor-path';
import {
  BUSY,
  HIGH_PRIORITY,
  SCHEDULED,
  STATUS_MASK,
  STATUS_SHIFT,
  STATUSES,
  STOP_REQUESTED,
  SUSPENDED,
} from './cell-flags';
import * as deathWatch from './death-watch';
import { ActorNameTakenError } from './errors';
import { Mailbox, Offer } from './mailbox';
import type { Runtime } from './runtime';
import type { Runnable } from './scheduler';
import { fail } from './fault-handling';
import { CellExtras } from './cell-extras';
import { Children } from './children';
import { handleSystem } from './system-lane';
import { OVERFLOW, TERMINATE, type SystemMessage } from './system-message';
import { TimerMessage, TimerScheduler, type TimerOwner } from './timers';
import {
  ActorStatus,
  type ActorContext,
  type ActorRef,
  type Behavior,
  type BehaviorFactory,
  type SpawnOptions,
  type Timers,
} from './types';
import type { ActorSystem } from './actor-system';

type Envelope<M> = M | TimerMessage<M>;

export interface Failure<M> {
  readonly error: unknown;
  readonly msg: M | undefined;
  /** Set when this cell failed because it escalated a child's failure: Resume resumes it. */
  readonly child?: ActorCell<unknown>;
  /** The parent chose Restart; the cell waits for its stopping children before recreating. */
  readonly restarting?: boolean;
}

/** `lone` holds nothing (a message itself may be `undefined`). */
const NONE: unique symbol = Symbol('none');

function isThenable(value: unknown): value is PromiseLike<void> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as PromiseLike<void>).then === 'function'
  );
}

export class ActorCell<M>
  extends CellExtras<M>
  implements ActorRef<M>, ActorContext<M>, Runnable, TimerOwner<M>, deathWatch.WatchNode
{
  processed = 0;
  // Internal state, also read by fault-handling.ts and termination.ts. Watchers, children,
  // timers, failure, restart window, deferred notices, restarts and the factory live in
  // CellExtras. The status is kept in `flags` too (STATUS_SHIFT), one field for both.
  flags = 0;
  behavior: Behavior<M> | null = null;
  /**
   * The mailbox, or while there is none a lone user message (or NONE): one field for both.
   * Most actors never need a mailbox (a connection actor gets one message per turn, an idle one
   * only its first frame), and a Mailbox with its queue costs 120 bytes. A second message or
   * any system message makes the mailbox, and the lone message moves into it first, so order
   * is kept. (A user message is never itself a Mailbox.)
   */
  private box: Mailbox<Envelope<M>, SystemMessage> | Envelope<M> | typeof NONE = NONE;

  constructor(
    /** Kept by a root cell only (in its extras): the others reach it through their parent. */
    runtime: Runtime,
    readonly parentCell: ActorCell<unknown> | null,
    readonly name: string,
    /** Null once the behavior exists when the actor is not `restartable` (SpawnOptions). */
    factory: BehaviorFactory<M>,
    readonly opts: SpawnOptions | undefined,
  ) {
    super();
    if (opts?.priority === 'high') this.flags = HIGH_PRIORITY;
    this.factory = factory;
    if (parentCell === null) this.rootRuntime = runtime;
  }

  /** The root's: a field per cell would cost 8 bytes each, the walk up a few loads. */
  get runtime(): Runtime {
    let cell: ActorCell<unknown> = this as ActorCell<unknown>;
    while (cell.parentCell !== null) cell = cell.parentCell;
    return cell.rootRuntime!;
  }

  get mailbox(): Mailbox<Envelope<M>, SystemMessage> | null {
    const box = this.box;
    return box instanceof Mailbox ? box : null;
  }
  /** Setting null gives back the mailbox; it never drops a lone message. */
  set mailbox(m: Mailbox<Envelope<M>, SystemMessage> | null) {
    if (m !== null) this.box = m;
    else if (this.box instanceof Mailbox) this.box = NONE;
  }

  /** The lone message while there is no mailbox; NONE otherwise. */
  private get lone(): Envelope<M> | typeof NONE {
    const box = this.box;
    return box instanceof Mailbox ? NONE : box;
  }
  /** Only while there is no mailbox. */
  private set lone(msg: Envelope<M> | typeof NONE) {
    this.box = msg;
  }

  get status(): ActorStatus {
    return STATUSES[this.flags >>> STATUS_SHIFT]!;
  }
  set status(s: ActorStatus) {
    this.flags = (this.flags & ~STATUS_MASK) | (STATUSES.indexOf(s) << STATUS_SHIFT);
  }

  /** The cell is its own ref (see actor-ref.ts). */
  get ref(): ActorRef<M> {
    return this;
  }

  override toString(): string {
    return `ActorRef(${this.path})`;
  }

  /** Built when asked (admin, dead letters), not stored: a path string per actor adds up at 100k. */
  get path(): string {
    return childPath(this.parentCell === null ? '' : this.parentCell.path, this.name);
  }

  // ---- ActorRef side ------------------------------------------------------------------------

  tell(msg: M): boolean {
    return this.enqueue(msg);
  }

  enqueueTimer(msg: TimerMessage<M>): boolean {
    return this.enqueue(msg);
  }

  isAlive(): boolean {
    return this.status !== ActorStatus.Stopped;
  }

  /** False from the moment stop is asked for: still alive, but no message will be processed. */
  acceptsMessages(): boolean {
    return this.status !== ActorStatus.Stopped && (this.flags & STOP_REQUESTED) === 0;
  }

  /** Mailbox overflow and messages left at stop land here. */
  deadLetter(msg: unknown): void {
    this.runtime.deadLetter(this.path, msg instanceof TimerMessage ? msg.msg : msg);
  }

  sendSystem(msg: SystemMessage): void {
    if (this.status === ActorStatus.Stopped) return;
    (this.mailbox ??= this.newMailbox()).pushSystem(msg);
    this.scheduleIfRunnable();
  }

  notifyTerminated(dead: deathWatch.WatchNode): void {
    this.sendSystem({ kind: 'terminated', cell: dead as ActorCell<unknown> });
  }

  /** Idempotent: one TERMINATE is posted however often stop is asked for. */
  requestStop(): void {
    if ((this.flags & STOP_REQUESTED) !== 0 || this.status === ActorStatus.Stopped) return;
    this.flags |= STOP_REQUESTED;
    this.sendSystem(TERMINATE);
  }

  // ---- ActorContext side --------------------------------------------------------------------

  get self(): ActorRef<M> {
    return this;
  }

  get parent(): ActorRef<unknown> | null {
    return this.parentCell === null ? null : this.parentCell.ref;
  }

  get system(): ActorSystem {
    return this.runtime.system;
  }

  get timers(): Timers<M> {
    return (this.timerScheduler ??= new TimerScheduler(this));
  }

  get kind(): string {
    return this.opts?.kind ?? 'actor';
  }

  get queued(): number {
    return this.mailbox === null ? (this.lone === NONE ? 0 : 1) : this.mailbox.userSize;
  }

  get mailboxSize(): number {
    return this.mailbox === null ? (this.lone === NONE ? 0 : 1) : this.mailbox.size;
  }

  spawn<C>(name: string, factory: BehaviorFactory<C>, opts?: SpawnOptions): ActorRef<C> {
    validateName(name);
    const children = (this.childMap ??= new Children());
    if (children.has(name)) throw new ActorNameTakenError(childPath(this.path, name));
    const child = new ActorCell<C>(this.runtime, this as ActorCell<unknown>, name, factory, opts);
    if (this.status === ActorStatus.Stopping || this.status === ActorStatus.Stopped) {
      // A dying parent cannot adopt: hand back a ref that is already dead instead of throwing.
      child.status = ActorStatus.Stopped;
      return child.ref;
    }
    children.add(child as ActorCell<unknown>);
    this.runtime.actors++;
    child.scheduleIfRunnable();
    return child.ref;
  }

  stop(ref?: ActorRef<unknown>): void {
    if (ref === undefined) this.requestStop();
    else cellOf(ref)?.requestStop();
  }

  watch(ref: ActorRef<unknown>): void {
    const target = cellOf(ref);
    if (target !== undefined) deathWatch.watch(this, target);
  }

  unwatch(ref: ActorRef<unknown>): void {
    const target = cellOf(ref);
    if (target !== undefined) deathWatch.unwatch(this, target);
  }

  child(name: string): ActorRef<unknown> | undefined {
    return this.childCell(name)?.ref;
  }

  childCell(name: string): ActorCell<unknown> | undefined {
    return this.childMap?.get(name);
  }

  children(): ActorRef<unknown>[] {
    return this.childMap === null ? [] : Array.from(this.childMap.values(), (c) => c.ref);
  }

  childCells(): Iterable<ActorCell<unknown>> {
    return this.childMap === null ? [] : this.childMap.values();
  }

  get childCount(): number {
    return this.childMap === null ? 0 : this.childMap.size;
  }

  inspectState(): Record<string, unknown> {
    return this.behavior?.inspect?.(this) ?? {};
  }

  // ---- run (one turn of messages) -----------------------------------------------------------

  run(): void {
    this.flags &= ~SCHEDULED;
    let budget = this.opts?.throughput ?? this.runtime.throughput;
    while ((this.flags & BUSY) === 0) {
      // Start comes first, as Akka's Create does: every preStart is paired with a postStop,
      // even for an actor stopped right after spawn.
      if (this.status === ActorStatus.Starting && (this.flags & SUSPENDED) === 0) {
        this.start();
        continue;
      }
      const mailbox = this.mailbox;
      const sys = mailbox === null ? undefined : mailbox.pollSystem();
      if (sys !== undefined) {
        handleSystem(this, sys);
        continue;
      }
      if ((this.flags & SUSPENDED) !== 0) break;
      if (this.status !== ActorStatus.Running || !this.hasUser() || budget-- <= 0) break;
      this.deliver(this.pollUser());
    }
    this.releaseSpentMailbox();
    this.scheduleIfRunnable();
  }

  /**
   * An emptied mailbox of a leaf actor is given back: most of a node's actors are idle
   * connections, and one burst (two `sub`s at once) would otherwise pin ~240 bytes each for
   * the connection's life. A routing actor (high priority) is busy every turn and keeps its.
   */
  private releaseSpentMailbox(): void {
    const mailbox = this.mailbox;
    if (mailbox === null || (this.flags & (BUSY | HIGH_PRIORITY)) !== 0) return;
    if (mailbox.isSpent()) this.mailbox = null;
  }

  scheduleIfRunnable(): void {
    if ((this.flags & (SCHEDULED | BUSY)) !== 0 || !this.hasWork()) return;
    this.flags |= SCHEDULED;
    this.runtime.scheduler.enqueue(this, (this.flags & HIGH_PRIORITY) !== 0);
  }

  private hasWork(): boolean {
    const mailbox = this.mailbox;
    if (mailbox !== null && mailbox.hasSystem()) return true;
    if ((this.flags & SUSPENDED) !== 0) return false;
    if (this.status === ActorStatus.Starting) return true;
    return this.status === ActorStatus.Running && this.hasUser();
  }

  private hasUser(): boolean {
    return this.mailbox === null ? this.lone !== NONE : this.mailbox.hasUser();
  }

  private pollUser(): Envelope<M> {
    if (this.mailbox !== null) return this.mailbox.pollUser() as Envelope<M>;
    const msg = this.lone as Envelope<M>;
    this.lone = NONE;
    return msg;
  }

  /** On stop: every queued user message becomes a dead letter. */
  drainUser(): void {
    if (this.mailbox !== null) this.mailbox.drainUser(this);
    else if (this.lone !== NONE) {
      const msg = this.lone;
      this.lone = NONE;
      this.deadLetter(msg);
    }
  }

  private enqueue(msg: Envelope<M>): boolean {
    if (!this.acceptsMessages()) {
      this.deadLetter(msg);
      return false;
    }
    if (this.mailbox === null && this.lone === NONE && (this.opts?.mailbox?.capacity ?? 1) > 0) {
      this.lone = msg;
    } else {
      const offer = (this.mailbox ??= this.newMailbox()).offer(msg, this);
      if (offer !== Offer.Accepted) {
        if (offer === Offer.OverflowStarted) this.sendSystem(OVERFLOW);
        return false;
      }
    }
    if ((this.flags & SCHEDULED) === 0) this.scheduleIfRunnable();
    return true;
  }

  /** The lone message, if any, becomes the mailbox's first (it fit the bound when it came). */
  private newMailbox(): Mailbox<Envelope<M>, SystemMessage> {
    const bound = this.opts?.mailbox;
    const mailbox =
      bound === undefined
        ? new Mailbox<Envelope<M>, SystemMessage>()
        : new Mailbox<Envelope<M>, SystemMessage>(bound.capacity, bound.overflow);
    if (this.lone !== NONE) {
      mailbox.offer(this.lone, this);
      this.lone = NONE;
    }
    return mailbox;
  }

  private deliver(envelope: Envelope<M>): void {
    let msg: M;
    if (envelope instanceof TimerMessage) {
      if (this.timerScheduler === null || !this.timerScheduler.accept(envelope)) return; // cancelled meanwhile
      msg = envelope.msg;
    } else {
      msg = envelope;
    }
    this.processed++;
    this.runtime.processed++;
    let result: void | Promise<void>;
    try {
      result = (this.behavior as Behavior<M>).receive(msg, this);
    } catch (err) {
      fail(this, err, msg);
      return;
    }
    if (isThenable(result)) this.awaitSettled(result, msg);
  }

  /** An async handler or hook: the cell stays busy (nothing else runs) until it settles. */
  private awaitSettled(pending: PromiseLike<void>, msg: M | undefined): void {
    this.flags |= BUSY;
    pending.then(
      () => this.settled(msg, false, undefined),
      (err: unknown) => this.settled(msg, true, err),
    );
  }

  private settled(msg: M | undefined, failed: boolean, err: unknown): void {
    this.flags &= ~BUSY;
    if (failed) fail(this, err, msg);
    else if (this.status === ActorStatus.Starting || this.status === ActorStatus.Restarting)
      this.becomeRunning();
    this.releaseSpentMailbox();
    this.scheduleIfRunnable();
  }

  private start(): void {
    try {
      this.behavior = this.factory!();
    } catch (err) {
      fail(this, err, undefined);
      return;
    }
    if (this.opts?.restartable === false) this.factory = null;
    this.runPreStart();
  }

  runPreStart(): void {
    const behavior = this.behavior as Behavior<M>;
    if (behavior.preStart === undefined) return this.becomeRunning();
    let result: void | Promise<void>;
    try {
      result = behavior.preStart(this);
    } catch (err) {
      fail(this, err, undefined);
      return;
    }
    if (isThenable(result)) this.awaitSettled(result, undefined);
    else this.becomeRunning();
  }

  becomeRunning(): void {
    this.status = ActorStatus.Running;
    const deferred = this.deferred;
    if (deferred === null) return;
    this.deferred = null;
    for (const msg of deferred) this.sendSystem(msg);
  }

  /** True when user code may run now; otherwise a user-facing notice is kept for later. */
  canRunUserCode(notice: SystemMessage): boolean {
    if (this.status === ActorStatus.Running && (this.flags & SUSPENDED) === 0) return true;
    if (this.status !== ActorStatus.Stopping) (this.deferred ??= []).push(notice);
    return false;
  }
}
