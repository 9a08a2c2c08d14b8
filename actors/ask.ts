/**
 * Request/response with a deadline. The reply address is a temporary ref (not an actor: no
 * mailbox, no cell) whose first `tell` settles the promise; anything after that, including a
 * reply arriving after the timeout, is a dead letter.
 */
import { cellOf } from './actor-ref';
import { ActorStoppedError, AskTimeoutError, MailboxOverflowError } from './errors';
import type { ActorRef } from './types';

let askCounter = 0;

class AskRef<Res> implements ActorRef<Res> {
  /** Its number; name and path are made from it only when read (a dead letter, a test). */
  private readonly id = ++askCounter;
  private done = false;
  timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly resolve: (res: Res) => void,
    private readonly onLate: (path: string, msg: unknown) => void,
  ) {}

  get name(): string {
    return `ask-${this.id}`;
  }

  /** Made on demand: an ask is one per `sub` and per router round trip, and read only when late. */
  get path(): string {
    return `/temp/ask-${this.id}`;
  }

  tell(msg: Res): boolean {
    if (this.done) {
      this.onLate(this.path, msg);
      return false;
    }
    this.settle();
    this.resolve(msg);
    return true;
  }

  isAlive(): boolean {
    return !this.done;
  }

  settle(): void {
    this.done = true;
    clearTimeout(this.timer);
  }
}

const ignore = (): void => undefined;

export function ask<Req, Res>(
  target: ActorRef<Req>,
  make: (replyTo: ActorRef<Res>) => Req,
  timeoutMs: number,
): Promise<Res> {
  if (!target.isAlive()) return Promise.reject(new ActorStoppedError(target.path));
  const cell = cellOf(target as ActorRef<unknown>);
  const runtime = cell?.runtime;
  const onLate =
    runtime === undefined ? ignore : (path: string, msg: unknown) => runtime.deadLetter(path, msg);
  return new Promise<Res>((resolve, reject) => {
    const replyTo = new AskRef<Res>(resolve, onLate);
    let request: Req;
    try {
      request = make(replyTo);
    } catch (err) {
      replyTo.settle();
      reject(err);
      return;
    }
    replyTo.timer = setTimeout(() => {
      replyTo.settle();
      reject(new AskTimeoutError(target.path, timeoutMs));
    }, timeoutMs);
    replyTo.timer.unref();
    if (!target.tell(request) && replyTo.isAlive()) {
      replyTo.settle();
      const stopping = cell === undefined ? !target.isAlive() : !cell.acceptsMessages();
      reject(
        stopping ? new ActorStoppedError(target.path) : new MailboxOverflowError(target.path, 1),
      );
    }
  });
}
