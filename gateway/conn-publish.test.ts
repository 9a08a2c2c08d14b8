import { identityFromClaims } from '../auth';
import type { PublishResult } from '../dispatcher/types';
import { PRESENCE_READ_ONLY } from '../protocol';
import { RecordingReplies, stubDispatcher } from '../testing/doubles';
import { publish, type PublishEnv } from './conn-publish';
import { newGatewayStats, type GatewayStats } from './gateway-stats';
import { EXPIRY_SLACK_MS } from './request-timeout';

describe('conn-publish', () => {
  let replies: RecordingReplies;
  let stats: GatewayStats;
  let published: [string, unknown, number | undefined][];
  let answer: () => Promise<PublishResult>;

  const ann = identityFromClaims({ sub: 'ann', exp: 2e9, pub: ['chat:{sub}'] });
  function env(allowPublish: boolean, requestTimeoutMs = 1000): PublishEnv {
    const dispatcher = {
      ...stubDispatcher,
      publish: (topic: string, data: unknown, bytes?: number) => (
        published.push([topic, data, bytes]),
        answer()
      ),
    };
    const limits = {
      heartbeatMs: 1000,
      idleTimeoutMs: 1000,
      outboundLimit: 1024,
      maxSubscriptions: 10,
      ratePerSec: 1,
      rateBurst: 1,
      rateStrikes: 1,
      requestTimeoutMs,
      allowPublish,
    };
    return { limits, dispatcher, stats };
  }

  beforeEach(() => {
    replies = new RecordingReplies();
    stats = newGatewayStats();
    published = [];
    answer = () => Promise.resolve({ seq: 7, epoch: 'E' });
  });

  describe('#publish', () => {
    it('publishes data and size, acks with seq and epoch where the claim allows', async () => {
      const m = { op: 'pub', id: 1, topic: 'chat:ann', data: 5, bytes: 1 } as const;
      await publish(replies, env(false), ann, m);
      expect(published).toEqual([['chat:ann', 5, 1]]);
      expect(replies.log).toEqual(['flush', { op: 'ack', id: 1, seq: 7, epoch: 'E' }]);
    });

    it('answers 403 where neither the claim nor allowPublish allows', async () => {
      await publish(replies, env(false), ann, { op: 'pub', id: 1, topic: 'chat:bob', data: 5 });
      await publish(replies, env(false), undefined, { op: 'pub', id: 2, topic: 't', data: 5 });
      expect(published).toEqual([]);
      expect(replies.log).toEqual([
        { err: 403, id: 1, msg: 'not allowed to publish to this topic' },
        { err: 403, id: 2, msg: 'not allowed to publish to this topic' },
      ]);
      expect(stats.badInput['forbidden']).toBe(2);
    });

    it('refuses a presence topic with 403 even with allowPublish', async () => {
      const m = { op: 'pub', id: 1, topic: 'presence:ann', data: {} } as const;
      await publish(replies, env(true), undefined, m);
      expect(published).toEqual([]);
      expect(replies.log).toEqual([{ err: 403, id: 1, msg: PRESENCE_READ_ONLY }]);
    });

    it('answers 503 with the reason when the dispatcher tier refuses', async () => {
      answer = () => Promise.reject(new Error('no dispatcher'));
      await publish(replies, env(true), undefined, { op: 'pub', id: 1, topic: 't', data: 1 });
      expect(replies.log).toEqual([
        'flush',
        { err: 503, id: 1, msg: 'publish failed: no dispatcher' },
      ]);
    });

    it('answers 503 when the dispatcher tier is silent past the request timeout', async () => {
      answer = () => new Promise(() => undefined);
      jest.useFakeTimers();
      try {
        const m = { op: 'pub', id: 1, topic: 't', data: 1 } as const;
        const done = publish(replies, env(true, 1000), undefined, m);
        await jest.advanceTimersByTimeAsync(999);
        expect(replies.log).toEqual(['flush']);
        // Failed by the timeout's shared timer, at most EXPIRY_SLACK_MS after the deadline.
        await jest.advanceTimersByTimeAsync(1 + EXPIRY_SLACK_MS);
        await done;
      } finally {
        jest.useRealTimers();
      }
      expect(replies.log).toEqual([
        'flush',
        { err: 503, id: 1, msg: 'publish failed: publish timed out' },
      ]);
    });
  });
});
