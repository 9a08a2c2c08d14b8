/**
 * A deadline for the connection actor's requests to the dispatcher tier. Every request of a
 * kind waits the same (a configured timeout), so each timeout value has one expiry queue and
 * one timer (actors/expiry-queue.ts) instead of a Timeout and a closure per request: a `sub`
 * waits here for its history, and in a connect storm those were promoted and left as garbage
 * (load-tests/profiles/RESULTS.md, session of 2026-12-03, third). A request times out between
 * `ms` and `ms` + EXPIRY_SLACK_MS.
 */
import { ExpiryQueue } from '../actors';

export class RequestTimeoutError extends Error {
  override name = 'RequestTimeoutError';
}

/** How late past its deadline a request may be failed (one timer serves many deadlines). */
export const EXPIRY_SLACK_MS = 50;

/** Timeout values with a queue of their own; others (none configured so) get a timer each. */
const MAX_QUEUES = 16;

interface Waiter {
  readonly reject: (e: Error) => void;
  readonly what: string;
}

const expire = (w: Waiter): void => w.reject(new RequestTimeoutError(`${w.what} timed out`));
const queues = new Map<number, ExpiryQueue<Waiter>>();

function queueFor(ms: number): ExpiryQueue<Waiter> | undefined {
  let q = queues.get(ms);
  if (q === undefined && queues.size < MAX_QUEUES) {
    queues.set(ms, (q = new ExpiryQueue(ms, expire, EXPIRY_SLACK_MS)));
  }
  return q;
}

export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const w: Waiter = { reject, what };
    const q = queueFor(ms);
    const t = q === undefined ? setTimeout(expire, ms, w) : undefined;
    q?.add(w);
    /** Ends the wait; false when it expired (the answer is too late, the promise settled). */
    const stillWaiting = (): boolean => {
      if (q !== undefined) return q.delete(w);
      clearTimeout(t);
      return true;
    };
    p.then(
      (v) => {
        if (stillWaiting()) resolve(v);
      },
      (e: unknown) => {
        if (stillWaiting()) reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}
