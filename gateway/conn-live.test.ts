import type { ActorRef } from '../actors';
import { NullConn } from '../testing/doubles';
import { joinLive, leaveLive, MAX_LIVE_RETRIES, mayGoLive, type LiveEnv } from './conn-live';
import { LiveTable } from './live-channels';
import type { ConnMsg, RouterMsg } from './messages';
import { LIVE, PENDING, Subscriptions } from './subscriptions';

/** A socket that can join channels; `refuse` names the ones it will not join. */
class JoiningConn extends NullConn {
  readonly joined: string[] = [];
  readonly left: string[] = [];
  readonly refuse = new Set<string>();
  join(channel: string): boolean {
    if (this.refuse.has(channel)) return false;
    this.joined.push(channel);
    return true;
  }
  leave(channel: string): void {
    this.left.push(channel);
  }
}

/** A ref that records what it is told. */
function recorder<M>(name: string, told: M[]): ActorRef<M> {
  return { path: `/user/${name}`, name, tell: (m) => (told.push(m), true), isAlive: () => true };
}

describe('conn-live', () => {
  let told: RouterMsg[];
  let toSelf: ConnMsg[];
  let env: LiveEnv & { live: LiveTable };
  let self: ActorRef<ConnMsg>;
  let conn: JoiningConn;
  let subs: Subscriptions;

  beforeEach(() => {
    told = [];
    toSelf = [];
    env = { router: recorder('router', told), live: new LiveTable(2), shard: 1 };
    self = recorder('conn', toSelf);
    conn = new JoiningConn();
    subs = new Subscriptions();
  });

  describe('#mayGoLive', () => {
    it('is true only with a live table and a transport that joins channels', () => {
      expect(mayGoLive(env, conn)).toBe(true);
      expect(mayGoLive(env, new NullConn())).toBe(false);
      expect(mayGoLive({ router: env.router }, conn)).toBe(false);
    });
  });

  describe('#joinLive', () => {
    it('joins every caught-up subscription, marks it live and tells the router', () => {
      subs.set('a', { epoch: 'e', seq: 3 });
      subs.set('b', { epoch: 'e', seq: PENDING });
      subs.set('c', { epoch: 'e', seq: LIVE });
      subs.set('d', { epoch: 'e', seq: 0 });
      expect(joinLive(env, 1, conn, subs, true, self)).toBe(0);
      expect(conn.joined).toEqual(['a', 'd']);
      expect(subs.get('a')!.seq).toBe(LIVE);
      expect(subs.get('b')!.seq).toBe(PENDING);
      expect(subs.get('d')!.seq).toBe(LIVE);
      expect(told).toEqual([
        { type: 'live', topic: 'a', conn: self, binary: true },
        { type: 'live', topic: 'd', conn: self, binary: true },
      ]);
    });

    it("joins a JSON connection to the topic's '#' channel", () => {
      subs.set('t', { epoch: 'e', seq: 1 });
      joinLive(env, 1, conn, subs, false, self);
      expect(conn.joined).toEqual(['#t']);
      expect(told).toEqual([{ type: 'live', topic: 't', conn: self, binary: false }]);
    });

    it('stops at a channel the transport refuses, leaving it with the router', () => {
      subs.set('a', { epoch: 'e', seq: 1 });
      subs.set('b', { epoch: 'e', seq: 1 });
      conn.refuse.add('a');
      expect(joinLive(env, 1, conn, subs, true, self)).toBe(0);
      expect(conn.joined).toEqual([]);
      expect(subs.get('a')!.seq).toBe(1);
      expect(subs.get('b')!.seq).toBe(1);
      expect(told).toEqual([]);
    });

    it("waits out its router's backlog with try-live, one retry more each time", () => {
      subs.set('t', { epoch: 'e', seq: 1 });
      env.live.backlog[1] = 1;
      expect(joinLive(env, 1, conn, subs, true, self)).toBe(2);
      expect(joinLive(env, 2, conn, subs, true, self)).toBe(3);
      expect(toSelf).toEqual([{ type: 'try-live' }, { type: 'try-live' }]);
      expect(conn.joined).toEqual([]);
      // Another router's backlog is not this one's.
      env.live.backlog[1] = 0;
      env.live.backlog[0] = 5;
      expect(joinLive(env, 3, conn, subs, true, self)).toBe(0);
      expect(conn.joined).toEqual(['t']);
    });

    it('gives up after MAX_LIVE_RETRIES: the subscriptions stay with the router', () => {
      const max = MAX_LIVE_RETRIES;
      subs.set('t', { epoch: 'e', seq: 1 });
      env.live.backlog[1] = 1;
      expect(joinLive(env, max - 1, conn, subs, true, self)).toBe(max);
      expect(joinLive(env, max, conn, subs, true, self)).toBe(0);
      expect(toSelf).toEqual([{ type: 'try-live' }]);
      expect(subs.get('t')!.seq).toBe(1);
    });

    it('does nothing where the gateway has no live table or the router no shard', () => {
      subs.set('t', { epoch: 'e', seq: 1 });
      expect(joinLive({ router: env.router }, 1, conn, subs, true, self)).toBe(0);
      expect(joinLive({ ...env, shard: undefined }, 1, conn, subs, true, self)).toBe(0);
      expect(conn.joined).toEqual([]);
      expect(toSelf).toEqual([]);
    });
  });

  describe('#leaveLive', () => {
    it('leaves the channel of a live subscription only', () => {
      subs.set('a', { epoch: 'e', seq: LIVE });
      subs.set('b', { epoch: 'e', seq: 4 });
      leaveLive(env, conn, false, subs, 'a');
      leaveLive(env, conn, false, subs, 'b');
      leaveLive(env, conn, false, subs, 'unknown');
      expect(conn.left).toEqual(['#a']);
    });

    it('leaves nothing where the gateway has no live table', () => {
      subs.set('a', { epoch: 'e', seq: LIVE });
      leaveLive({ router: env.router }, conn, true, subs, 'a');
      expect(conn.left).toEqual([]);
    });
  });
});
