/**
 * The root of one actor tree. Top-level actors live under the "/user" guardian, whose strategy
 * is the default one (restart, at most 10 within 60 s, then stop); failures never reach the
 * process. `terminate()` stops the guardian, which stops every actor children-first.
 */
import { ActorCell } from './actor-cell';
import { cellOf } from './actor-ref';
import { USER_GUARDIAN_NAME, USER_GUARDIAN_PATH } from './actor-path';
import { Runtime, type ActorSystemOptions } from './runtime';
import { findCell, mailboxTotal, snapshotOf } from './snapshot';
import type { ActorNode, ActorRef, Behavior, BehaviorFactory, SpawnOptions } from './types';

export interface ActorSystemStats {
  actors: number;
  deadLetters: number;
  processed: number;
  restarts: number;
  mailboxTotal: number;
}

const guardianBehavior: Behavior<unknown> = { receive: () => undefined };

export class ActorSystem {
  private readonly runtime: Runtime;
  private readonly guardian: ActorCell<unknown>;
  private readonly terminated: Promise<void>;

  private constructor(
    readonly name: string,
    opts: ActorSystemOptions,
  ) {
    this.runtime = new Runtime(this, opts);
    this.terminated = new Promise((resolve) => (this.runtime.onGuardianStopped = resolve));
    this.guardian = new ActorCell(this.runtime, null, USER_GUARDIAN_NAME, () => guardianBehavior, {
      kind: 'guardian',
    });
    this.guardian.scheduleIfRunnable();
  }

  static create(name: string, opts: ActorSystemOptions = {}): ActorSystem {
    return new ActorSystem(name, opts);
  }

  /** Spawns under "/user". */
  spawn<M>(name: string, factory: BehaviorFactory<M>, opts?: SpawnOptions): ActorRef<M> {
    return this.guardian.spawn(name, factory, opts);
  }

  lookup(path: string): ActorRef<unknown> | undefined {
    return findCell(this.guardian, path)?.ref;
  }

  stop(ref: ActorRef<unknown>): void {
    cellOf(ref)?.requestStop();
  }

  snapshot(path: string = USER_GUARDIAN_PATH, depth = Infinity): ActorNode | undefined {
    const cell = findCell(this.guardian, path);
    return cell === undefined ? undefined : snapshotOf(cell, depth);
  }

  inspect(path: string): (ActorNode & { state: Record<string, unknown> }) | undefined {
    const cell = findCell(this.guardian, path);
    if (cell === undefined) return undefined;
    let state: Record<string, unknown>;
    try {
      state = cell.inspectState();
    } catch (err) {
      state = { inspectError: err instanceof Error ? err.message : String(err) };
    }
    return { ...snapshotOf(cell, 0), state };
  }

  stats(): ActorSystemStats {
    const { actors, deadLetters, processed, restarts } = this.runtime;
    return { actors, deadLetters, processed, restarts, mailboxTotal: mailboxTotal(this.guardian) };
  }

  /** Stops everything, children before parents, running postStop hooks; idempotent. */
  terminate(): Promise<void> {
    this.guardian.requestStop();
    return this.terminated;
  }
}
