import { PUBLISH_ANYWHERE, type PublisherAccess } from '../auth';
import { ErrorCode, PRESENCE_READ_ONLY, presenceTopicOf } from '../protocol';
import { refusal } from './publish-refusal';

describe('refusal', () => {
  const only = (allowed: string, expMs = Infinity): PublisherAccess => ({
    canPub: (topic) => topic === allowed,
    expMs,
  });

  it('allows a topic the access covers', () => {
    expect(refusal(PUBLISH_ANYWHERE, 'room:1')).toBeUndefined();
    expect(refusal(only('room:1'), 'room:1')).toBeUndefined();
  });

  it('refuses a topic the access does not cover with 403', () => {
    expect(refusal(only('room:1'), 'room:2')).toEqual({
      op: 'err',
      code: ErrorCode.Forbidden,
      msg: 'not allowed to publish to room:2',
    });
  });

  it('refuses a presence topic with 403, whatever the access', () => {
    expect(refusal(PUBLISH_ANYWHERE, presenceTopicOf('m1')!)).toEqual({
      op: 'err',
      code: ErrorCode.Forbidden,
      msg: PRESENCE_READ_ONLY,
    });
  });

  it('refuses everything with 401 once the token has expired', () => {
    expect(refusal(only('room:1', Date.now() - 1), 'room:1')).toEqual({
      op: 'err',
      code: ErrorCode.Unauthorized,
      msg: 'token expired; send auth again',
    });
  });
});
