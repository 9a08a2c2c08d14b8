/**
 * The one place troupe touches comedy (ARCHITECTURE.md, "Process-level actors use comedy").
 *
 * comedy's typings are loose (`any` everywhere) and it returns Bluebird promises; both stop here.
 * Callers get native promises, narrow types, and an `ask` with a timeout (comedy's
 * `sendAndReceive` has none).
 *
 * Network exposure: this facade only ever creates `forked` actors, which talk to their parent
 * over the Node IPC channel of `child_process.fork`. It never calls `ActorSystem.listen()` and
 * never creates `remote` actors: comedy's remote mode listens on TCP, evaluates the code it is
 * sent without authentication and frames JSON by string length, so it must not be reachable
 * from any network interface. Keep it that way.
 *
 *   createProcessSystem() --spawnForked()--> ProcessActor --ask()--> answer | AskTimeoutError
 *                         --destroy()-->     every forked actor destroyed, child processes exit
 *   child: forkedSelf(self).askParent() --> the main's `parentHandlers` --> answer | AskTimeoutError
 */
import path from 'node:path';
import {
  createSystem,
  type Actor,
  type ActorRef as ComedyRef,
  type ActorSystem as ComedySystem,
} from 'comedy';
import type { LogLevel } from '../server/config';
// comedy loads it by path in every process; importing it here keeps it in the build.
import './comedy-log';
import { KEEP_BUILTINS_FLAG } from './keep-builtins';

/** A forked actor as the parent sees it; opaque outside this file. */
export interface ProcessActor {
  readonly name: string;
}

export interface SpawnOptions {
  name: string;
  /** `respawn`: comedy forks a new process (same module, same parameters) when one exits. */
  onCrash: 'respawn' | 'none';
  /** Must survive JSON (it crosses the IPC channel). */
  customParameters: Record<string, unknown>;
}

export interface ProcessSystem {
  /** `definitionPath`: absolute path of a compiled definition module (see GatewayWorker). */
  spawnForked(definitionPath: string, opts: SpawnOptions): Promise<ProcessActor>;
  ask<T>(actor: ProcessActor, topic: string, payload: object, timeoutMs: number): Promise<T>;
  /** Destroys every forked actor (their `destroy()` hooks run); idempotent. */
  destroy(): Promise<void>;
}

export class AskTimeoutError extends Error {
  readonly code = 'ASK_TIMEOUT';
  constructor(actor: string, topic: string, timeoutMs: number) {
    super(`${actor} did not answer '${topic}' within ${timeoutMs} ms`);
    this.name = 'AskTimeoutError';
  }
}

/** What a definition module's `initialize(self)` may use of comedy's actor. */
export interface ForkedSelf {
  customParameters(): Record<string, unknown>;
  /** Asks the main process (its `parentHandlers[topic]`) over the IPC channel. */
  askParent<T>(topic: string, payload: object, timeoutMs: number): Promise<T>;
}

/** Narrows comedy's self actor for a definition module (runs in the child process). */
export function forkedSelf(self: unknown): ForkedSelf {
  const actor = self as Actor;
  return {
    customParameters: () => (actor.getCustomParameters() ?? {}) as Record<string, unknown>,
    askParent: <T>(topic: string, payload: object, timeoutMs: number) =>
      withTimeout(
        native(actor.getParent().sendAndReceive(topic, payload)) as Promise<T>,
        timeoutMs,
        () => new AskTimeoutError('the main process', topic, timeoutMs),
      ),
  };
}

/** `answer`, or `timeoutError()` once `timeoutMs` passed; the answer is then ignored. */
function withTimeout<T>(answer: Promise<T>, timeoutMs: number, timeoutError: () => Error) {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(timeoutError()), timeoutMs);
  });
  return Promise.race([answer, timeout]).finally(() => clearTimeout(timer));
}

/** comedy's module-path convention: a leading `//` means "absolute path". */
const comedyModulePath = (absolute: string): string => '/' + path.resolve(absolute);

/** The part of comedy's ActorSystem that its typings omit but we must reach (see below). */
interface SignalHandlers {
  sigintHandler?: () => void;
  sigtermHandler?: () => void;
}

class ComedyFacade implements ProcessSystem {
  private readonly refs = new Map<ProcessActor, ComedyRef>();
  private destroyed: Promise<void> | undefined;

  constructor(private readonly system: ComedySystem) {}

  async spawnForked(definitionPath: string, opts: SpawnOptions): Promise<ProcessActor> {
    if (this.destroyed !== undefined) throw new Error('process system is destroyed');
    const root = await native(this.system.rootActor());
    const ref = await native(
      root.createChild(comedyModulePath(definitionPath), {
        mode: 'forked',
        name: opts.name,
        onCrash: opts.onCrash === 'respawn' ? 'respawn' : undefined,
        customParameters: opts.customParameters,
      }),
    );
    const handle: ProcessActor = Object.freeze({ name: opts.name });
    this.refs.set(handle, ref);
    return handle;
  }

  ask<T>(actor: ProcessActor, topic: string, payload: object, timeoutMs: number): Promise<T> {
    const ref = this.refs.get(actor);
    if (ref === undefined) return Promise.reject(new Error(`unknown actor ${actor.name}`));
    // comedy keeps the pending reply until the answer, a crash of the child, or destroy; our
    // timeout only stops waiting for it.
    return withTimeout(
      native(ref.sendAndReceive(topic, payload)) as Promise<T>,
      timeoutMs,
      () => new AskTimeoutError(actor.name, topic, timeoutMs),
    );
  }

  destroy(): Promise<void> {
    this.destroyed ??= native(this.system.destroy()).then(() => this.refs.clear());
    return this.destroyed;
  }
}

export interface ProcessSystemOptions {
  /** comedy's own log lines (crash, respawn) at this level, in every process. */
  logLevel: LogLevel;
  /**
   * What this process answers when a forked child asks its parent (`askParent`): one method
   * per topic, taking the payload and returning (a promise of) a JSON-safe object.
   */
  parentHandlers?: object;
}

const LOGGER_MODULE = path.join(__dirname, 'comedy-log');

/** Creates the comedy root of this process. Call once per process. */
export function createProcessSystem(opts: ProcessSystemOptions): ProcessSystem {
  // comedy forks its children with this process's execArgv: they preload keep-builtins.ts.
  if (KEEP_BUILTINS_FLAG !== null && !process.execArgv.includes(KEEP_BUILTINS_FLAG))
    process.execArgv.push(KEEP_BUILTINS_FLAG);
  const system = createSystem({
    // Programmatic (empty) configuration: otherwise comedy reads ./actors.json and polls it.
    config: {},
    logger: comedyModulePath(LOGGER_MODULE),
    loggerParams: { level: opts.logLevel },
    // The root actor is every forked child's parent: comedy hands it their `askParent`s.
    ...(opts.parentHandlers === undefined ? {} : { root: opts.parentHandlers }),
  });
  // comedy installs SIGINT/SIGTERM handlers that call process.exit(0) at once, which would cut
  // the graceful drain short; the node owns its signals.
  const handlers = system as unknown as SignalHandlers;
  if (handlers.sigintHandler) process.removeListener('SIGINT', handlers.sigintHandler);
  if (handlers.sigtermHandler) process.removeListener('SIGTERM', handlers.sigtermHandler);
  return new ComedyFacade(system);
}

/**
 * In a forked child, comedy installs the same exit-at-once handlers. The definition module calls
 * this from `initialize` so that the child's signals go to `onSignal` instead.
 */
export function takeOverChildSignals(onSignal: (signal: NodeJS.Signals) => void): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.removeAllListeners(signal);
    process.on(signal, () => onSignal(signal));
  }
}

/** Bluebird -> native, so no Bluebird promise (or its unhandled-rejection noise) leaks out. */
function native<T>(p: PromiseLike<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    p.then(resolve, reject);
  });
}
