/** Helpers shared by the kernel's unit tests (not part of the public surface). */
import { ActorSystem } from '../actors/actor-system';
import type { LogFn } from '../actors/runtime';
import type { Behavior } from '../actors/types';

export interface TestSystem {
  system: ActorSystem;
  deadLetters: { path: string; msg: unknown }[];
  logs: { level: string; msg: string; meta?: Record<string, unknown> }[];
}

export function testSystem(name = 'test'): TestSystem {
  const deadLetters: TestSystem['deadLetters'] = [];
  const logs: TestSystem['logs'] = [];
  const log: LogFn = (level, msg, meta) => logs.push({ level, msg, meta });
  const system = ActorSystem.create(name, {
    onDeadLetter: (path, msg) => deadLetters.push({ path, msg }),
    log,
  });
  return { system, deadLetters, logs };
}

/** Lets the scheduler and promise callbacks run for `turns` macrotasks. */
export async function flush(turns = 10): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise((resolve) => setImmediate(resolve));
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A promise with its resolvers exposed, for async handlers a test settles by hand. */
export function deferred<T = void>(): {
  promise: Promise<T>;
  resolve: (v: T) => void;
  reject: (e: unknown) => void;
} {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** A childless behavior that records `label` in `events` when it stops. */
export function recordsStop(events: string[], label: string): () => Behavior<unknown> {
  return () => ({ receive: () => undefined, postStop: () => void events.push(label) });
}
