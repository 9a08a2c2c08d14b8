import type { ActorRef } from '../actors';
import { identityFromClaims } from '../auth';
import type { HistoryAnswer, TopicEvent } from '../dispatcher/types';
import { RecordingReplies, stubDispatcher } from '../testing/doubles';
import type { ConnectionLimits } from './conn-env';
import { subscribe, unsubscribe, type SubscribeEnv, type SubscribeHost } from './conn-subscribe';
import { newGatewayStats, type GatewayStats } from './gateway-stats';
import type { ConnMsg, RouterMsg } from './messages';
import { LIVE, PENDING, Subscriptions } from './subscriptions';
import { TopicTable } from './topic-table';

/** Records answers, flushes and replays in order; `open` is what the actor would say. */
class FakeHost extends RecordingReplies implements SubscribeHost {
  open = true;
  sendEvents(topic: string, epoch: string, events: readonly TopicEvent[]): void {
    this.log.push({ replay: topic, epoch, seqs: events.map((e) => e.seq) });
  }
}

const limits: ConnectionLimits = {
  heartbeatMs: 1000,
  idleTimeoutMs: 1000,
  outboundLimit: 1024,
  maxSubscriptions: 2,
  ratePerSec: 1,
  rateBurst: 1,
  rateStrikes: 1,
  requestTimeoutMs: 1000,
  allowPublish: false,
};

describe('conn-subscribe', () => {
  let host: FakeHost;
  let subs: Subscriptions;
  let stats: GatewayStats;
  let told: RouterMsg[];
  let routerAlive: boolean;
  let history: () => Promise<HistoryAnswer>;
  let env: SubscribeEnv;
  const self: ActorRef<ConnMsg> = {
    path: '/user/c',
    name: 'c',
    tell: () => true,
    isAlive: () => true,
  };
  const answer = (seq: number, events: TopicEvent[] = []): HistoryAnswer => ({
    epoch: 'E',
    seq,
    recovered: true,
    events,
  });
  const sub = (id: number, topic: string, extra: object = {}) =>
    ({ op: 'sub', id, topic, ...extra }) as const;

  beforeEach(() => {
    host = new FakeHost();
    subs = new Subscriptions();
    stats = newGatewayStats();
    told = [];
    routerAlive = true;
    history = () => Promise.resolve(answer(5));
    const router: ActorRef<RouterMsg> = {
      path: '/user/router',
      name: 'router',
      tell: (msg) => {
        told.push(msg);
        if (msg.type === 'sub') msg.replyTo.tell(msg.topic);
        return true;
      },
      isAlive: () => routerAlive,
    };
    const dispatcher = { ...stubDispatcher, history: () => history() };
    env = { router, dispatcher, limits, stats };
  });

  describe('#subscribe', () => {
    it("keeps the topic entry's epoch where the gateway has one, and moves it to a new epoch", async () => {
      const topics = new TopicTable();
      topics.entryFor('t').epoch = 'OLD';
      env = { ...env, topics };
      expect(await subscribe(host, env, subs, undefined, sub(1, 't'), self)).toBe(true);
      expect(subs.get('t')).toMatchObject({ epoch: 'E', seq: 5 });
      expect(topics.get('t')!.epoch).toBe('E');
    });

    it('registers with the router, takes the history position, acks and replays', async () => {
      const events = [6, 7].map((seq) => ({ topic: 't', epoch: 'E', seq, data: seq, t0: 0 }));
      history = () => Promise.resolve(answer(7, events));
      expect(await subscribe(host, env, subs, undefined, sub(1, 't'), self)).toBe(true);
      expect(told).toEqual([expect.objectContaining({ type: 'sub', topic: 't', conn: self })]);
      expect(subs.get('t')).toMatchObject({ epoch: 'E', seq: 7 });
      expect(stats.subscriptions).toBe(1);
      expect(host.log).toEqual([
        'flush',
        { op: 'ack', id: 1, epoch: 'E', seq: 7, recovered: true },
        'flush',
        { replay: 't', epoch: 'E', seqs: [6, 7] },
      ]);
    });

    it('answers 403 for a topic the token does not allow, registering nothing', async () => {
      const ann = identityFromClaims({ sub: 'ann', exp: 2e9, topics: ['live:*'] });
      expect(await subscribe(host, env, subs, ann, sub(1, 'inbox:bob'), self)).toBe(false);
      expect(host.log).toEqual([
        { err: 403, id: 1, msg: 'not allowed to subscribe to this topic' },
      ]);
      expect(told).toEqual([]);
      expect(stats.badInput['forbidden']).toBe(1);
    });

    it('answers 413 at maxSubscriptions, yet takes a topic it holds again', async () => {
      await subscribe(host, env, subs, undefined, sub(1, 'a'), self);
      await subscribe(host, env, subs, undefined, sub(2, 'b'), self);
      host.log.length = 0;
      expect(await subscribe(host, env, subs, undefined, sub(3, 'c'), self)).toBe(false);
      expect(await subscribe(host, env, subs, undefined, sub(4, 'a'), self)).toBe(true);
      expect(host.log[0]).toEqual({ err: 413, id: 3, msg: 'subscription limit (2) reached' });
      expect(host.log[2]).toMatchObject({ op: 'ack', id: 4 });
      expect(subs.topics()).toEqual(['a', 'b']);
      expect(stats.subscriptions).toBe(2);
    });

    it('turns the count on or off with watch, not sub, for a topic it holds', async () => {
      await subscribe(host, env, subs, undefined, sub(1, 't'), self);
      told.length = 0;
      await subscribe(host, env, subs, undefined, sub(2, 't', { count: true }), self);
      expect(told).toEqual([{ type: 'watch', topic: 't', conn: self, on: true }]);
    });

    it('keeps a live subscription live and resolves false (no second join)', async () => {
      await subscribe(host, env, subs, undefined, sub(1, 't'), self);
      subs.get('t')!.seq = LIVE;
      history = () => Promise.resolve(answer(9));
      expect(await subscribe(host, env, subs, undefined, sub(2, 't'), self)).toBe(false);
      expect(subs.get('t')!.seq).toBe(LIVE);
      expect(host.log).toContainEqual(expect.objectContaining({ op: 'ack', id: 2, seq: 9 }));
    });

    it('undoes the registration and answers 503 when the history read fails', async () => {
      history = () => Promise.reject(new Error('no owner'));
      expect(await subscribe(host, env, subs, undefined, sub(1, 't'), self)).toBe(false);
      expect(subs.size).toBe(0);
      expect(stats.subscriptions).toBe(0);
      expect(told.map((m) => m.type)).toEqual(['sub', 'unsub']);
      expect(host.log).toEqual(['flush', { err: 503, id: 1, msg: 'subscribe failed: no owner' }]);
    });

    it('keeps a subscription it held before when a repeated sub fails', async () => {
      await subscribe(host, env, subs, undefined, sub(1, 't'), self);
      history = () => Promise.reject(new Error('no owner'));
      expect(await subscribe(host, env, subs, undefined, sub(2, 't'), self)).toBe(false);
      expect(subs.get('t')).toMatchObject({ seq: 5 });
      expect(told.map((m) => m.type)).toEqual(['sub']);
    });

    it('answers 503 and registers nothing when the router is gone', async () => {
      routerAlive = false;
      expect(await subscribe(host, env, subs, undefined, sub(1, 't'), self)).toBe(false);
      expect(subs.size).toBe(0);
      expect(host.log[1]).toMatchObject({ err: 503, id: 1 });
    });

    it('answers nothing once the connection closed during the reads', async () => {
      let release!: (h: HistoryAnswer) => void;
      history = () => new Promise((r) => (release = r));
      const done = subscribe(host, env, subs, undefined, sub(1, 't'), self);
      await new Promise((r) => setImmediate(r));
      expect(subs.get('t')!.seq).toBe(PENDING);
      host.open = false;
      release(answer(5));
      expect(await done).toBe(false);
      expect(host.log).toEqual(['flush']);
    });
  });

  describe('#unsubscribe', () => {
    it('drops the subscription, tells the router and acks', async () => {
      await subscribe(host, env, subs, undefined, sub(1, 't'), self);
      host.log.length = 0;
      told.length = 0;
      unsubscribe(host, env, subs, { op: 'unsub', id: 2, topic: 't' }, self);
      expect(subs.size).toBe(0);
      expect(stats.subscriptions).toBe(0);
      expect(told).toEqual([{ type: 'unsub', topic: 't', conn: self }]);
      expect(host.log).toEqual([{ op: 'ack', id: 2 }]);
    });

    it('acks a topic it does not hold without telling the router', () => {
      unsubscribe(host, env, subs, { op: 'unsub', id: 1, topic: 'nope' }, self);
      expect(told).toEqual([]);
      expect(stats.subscriptions).toBe(0);
      expect(host.log).toEqual([{ op: 'ack', id: 1 }]);
    });
  });
});
