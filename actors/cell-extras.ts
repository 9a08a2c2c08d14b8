/**
 * The part of a cell's state that most actors never use: death watch, children, timers, a
 * failure in progress, the restart budget, deferred notices, the restart count and the factory
 * (which an actor that is not `restartable` lets go of once started). It lives in one object
 * made on first use, behind accessors, so an idle leaf actor (a connection actor) carries one
 * empty slot instead of nine: 64 bytes per actor, 6.4 MB at 100k.
 */
import type { ActorCell, Failure } from './actor-cell';
import type { Children } from './children';
import type { WatchNode } from './death-watch';
import type { RestartWindow } from './supervision';
import type { SystemMessage } from './system-message';
import type { TimerScheduler } from './timers';
import type { BehaviorFactory } from './types';
import type { Runtime } from './runtime';

class Extras<M> {
  watchers: Set<WatchNode> | null = null;
  watching: Set<WatchNode> | null = null;
  childMap: Children<ActorCell<unknown>> | null = null;
  timerScheduler: TimerScheduler<M> | null = null;
  failure: Failure<M> | null = null;
  restartWindow: RestartWindow | null = null;
  /** Notices that need user code while it cannot run (suspended, restarting); re-posted later. */
  deferred: SystemMessage[] | null = null;
  restarts = 0;
  /** Until the start, and for good where the actor is `restartable`. */
  factory: BehaviorFactory<M> | null = null;
  /** The root cell's (a guardian's) runtime; every other cell reaches it through its parent. */
  runtime: Runtime | null = null;

  isEmpty(): boolean {
    return (
      this.watchers === null &&
      this.watching === null &&
      this.childMap === null &&
      this.timerScheduler === null &&
      this.failure === null &&
      this.restartWindow === null &&
      this.deferred === null &&
      this.restarts === 0 &&
      this.factory === null &&
      this.runtime === null
    );
  }
}

/** Base of ActorCell: each accessor reads the extras if they exist and makes them on a write. */
export abstract class CellExtras<M> {
  private extras: Extras<M> | null = null;

  private get x(): Extras<M> {
    return (this.extras ??= new Extras<M>());
  }

  /** Who watches me. */
  get watchers(): Set<WatchNode> | null {
    return this.extras === null ? null : this.extras.watchers;
  }
  set watchers(v: Set<WatchNode> | null) {
    if (v !== null || this.extras !== null) this.x.watchers = v;
  }

  /** Whom I watch. */
  get watching(): Set<WatchNode> | null {
    return this.extras === null ? null : this.extras.watching;
  }
  set watching(v: Set<WatchNode> | null) {
    if (v !== null || this.extras !== null) this.x.watching = v;
  }

  get childMap(): Children<ActorCell<unknown>> | null {
    return this.extras === null ? null : this.extras.childMap;
  }
  set childMap(v: Children<ActorCell<unknown>> | null) {
    if (v !== null || this.extras !== null) this.x.childMap = v;
  }

  get timerScheduler(): TimerScheduler<M> | null {
    return this.extras === null ? null : this.extras.timerScheduler;
  }
  set timerScheduler(v: TimerScheduler<M> | null) {
    if (v !== null || this.extras !== null) this.x.timerScheduler = v;
  }

  get failure(): Failure<M> | null {
    return this.extras === null ? null : this.extras.failure;
  }
  set failure(v: Failure<M> | null) {
    if (v !== null || this.extras !== null) this.x.failure = v;
  }

  get restartWindow(): RestartWindow | null {
    return this.extras === null ? null : this.extras.restartWindow;
  }
  set restartWindow(v: RestartWindow | null) {
    if (v !== null || this.extras !== null) this.x.restartWindow = v;
  }

  get deferred(): SystemMessage[] | null {
    return this.extras === null ? null : this.extras.deferred;
  }
  set deferred(v: SystemMessage[] | null) {
    if (v !== null || this.extras !== null) this.x.deferred = v;
  }

  get restarts(): number {
    return this.extras === null ? 0 : this.extras.restarts;
  }
  set restarts(v: number) {
    if (v !== 0 || this.extras !== null) this.x.restarts = v;
  }

  get rootRuntime(): Runtime | null {
    return this.extras === null ? null : this.extras.runtime;
  }
  set rootRuntime(v: Runtime | null) {
    if (v !== null || this.extras !== null) this.x.runtime = v;
  }

  get factory(): BehaviorFactory<M> | null {
    return this.extras === null ? null : this.extras.factory;
  }
  /** Letting go of the factory also lets go of the extras if nothing else is in them. */
  set factory(v: BehaviorFactory<M> | null) {
    if (v !== null) this.x.factory = v;
    else if (this.extras !== null) {
      this.extras.factory = null;
      if (this.extras.isEmpty()) this.extras = null;
    }
  }
}
