/**
 * One error class per failure, each with a stable `code` so callers can branch on the code
 * without importing the class (errors cross the admin socket as plain objects).
 */

export const ActorErrorCode = {
  AskTimeout: 'ERR_ASK_TIMEOUT',
  ActorStopped: 'ERR_ACTOR_STOPPED',
  MailboxOverflow: 'ERR_MAILBOX_OVERFLOW',
  NameTaken: 'ERR_ACTOR_NAME_TAKEN',
  InvalidName: 'ERR_INVALID_ACTOR_NAME',
} as const;
export type ActorErrorCode = (typeof ActorErrorCode)[keyof typeof ActorErrorCode];

export abstract class ActorError extends Error {
  abstract readonly code: ActorErrorCode;
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** An `ask` got no reply within its timeout. */
export class AskTimeoutError extends ActorError {
  readonly code = ActorErrorCode.AskTimeout;
  constructor(
    readonly path: string,
    readonly timeoutMs: number,
  ) {
    super(`ask to ${path} timed out after ${timeoutMs} ms`);
  }
}

/** The target actor was already stopped. */
export class ActorStoppedError extends ActorError {
  readonly code = ActorErrorCode.ActorStopped;
  constructor(readonly path: string) {
    super(`actor ${path} is stopped`);
  }
}

/** A bounded mailbox with the `fail` policy overflowed and the actor has no `onOverflow`. */
export class MailboxOverflowError extends ActorError {
  readonly code = ActorErrorCode.MailboxOverflow;
  constructor(
    readonly path: string,
    readonly dropped: number,
  ) {
    super(`mailbox of ${path} overflowed (${dropped} dropped)`);
  }
}

/** `spawn` with a name a live sibling already holds. */
export class ActorNameTakenError extends ActorError {
  readonly code = ActorErrorCode.NameTaken;
  constructor(readonly path: string) {
    super(`actor name taken: ${path}`);
  }
}

/** `spawn` with an empty name or one containing '/'. */
export class InvalidActorNameError extends ActorError {
  readonly code = ActorErrorCode.InvalidName;
  constructor(readonly actorName: string) {
    super(`invalid actor name: ${JSON.stringify(actorName)}`);
  }
}
