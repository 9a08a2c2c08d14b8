import {
  ActorError,
  ActorNameTakenError,
  ActorStoppedError,
  AskTimeoutError,
  InvalidActorNameError,
  MailboxOverflowError,
} from './errors';

describe('errors', () => {
  it.each([
    [new AskTimeoutError('/user/a', 5), 'ERR_ASK_TIMEOUT', 'AskTimeoutError'],
    [new ActorStoppedError('/user/a'), 'ERR_ACTOR_STOPPED', 'ActorStoppedError'],
    [new MailboxOverflowError('/user/a', 3), 'ERR_MAILBOX_OVERFLOW', 'MailboxOverflowError'],
    [new ActorNameTakenError('/user/a'), 'ERR_ACTOR_NAME_TAKEN', 'ActorNameTakenError'],
    [new InvalidActorNameError('a/b'), 'ERR_INVALID_ACTOR_NAME', 'InvalidActorNameError'],
  ])('%s has a stable code and its class name', (err, code, name) => {
    expect(err).toBeInstanceOf(ActorError);
    expect(err).toBeInstanceOf(Error);
    expect(err.code).toBe(code);
    expect(err.name).toBe(name);
  });
});
