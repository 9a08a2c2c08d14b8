import type { ActorRef, Timers } from '../actors';
import { AuthThrottle, identityFromClaims, JwtVerifier, THROTTLED, type Identity } from '../auth';
import type { DisconnectReason, ServerMessage } from '../protocol';
import type { MembersMsg } from '../presence/member-heartbeats';
import { seconds, sign } from '../testing/auth-keys';
import {
  authDeadline,
  authenticate,
  awaitingAuth,
  refresh,
  startIdentity,
  watchExpiry,
  type IdentityEnv,
  type IdentityHost,
} from './conn-identity';
import { newGatewayStats } from './gateway-stats';
import type { ConnMsg } from './messages';

const HB = 1000;
const SECRET = 'k'.repeat(32);
const ADDRESS = '127.0.0.1';

/** Records what the identity asked of its actor; `close` makes it not open, as the actor does. */
class FakeHost implements IdentityHost {
  open = true;
  readonly replies: ServerMessage[] = [];
  readonly errs: [number | undefined, number, string][] = [];
  closed: DisconnectReason | undefined;
  adopted: Identity | undefined;
  flushes = 0;

  reply(msg: ServerMessage): void {
    this.replies.push(msg);
  }
  flush(): void {
    this.flushes++;
  }
  err(id: number | undefined, code: number, msg: string): void {
    this.errs.push([id, code, msg]);
  }
  close(why: DisconnectReason): void {
    this.open = false;
    this.closed = why;
  }
  adopt(identity: Identity): void {
    this.adopted = identity;
  }
}

/**
 * Timers that only record: a test delivers a timer's message itself when it means to. It is
 * also the context they are read from (`timers`), counting the reads: the actor's getter makes
 * a timer table, which a connection without a timer must not pay for.
 */
class FakeTimers implements Timers<ConnMsg> {
  readonly active = new Map<string, { msg: ConnMsg; ms: number }>();
  readonly cancelled: string[] = [];
  reads = 0;
  get timers(): Timers<ConnMsg> {
    this.reads++;
    return this;
  }
  startSingle(key: string, msg: ConnMsg, ms: number): void {
    this.active.set(key, { msg, ms });
  }
  startPeriodic(key: string, msg: ConnMsg, ms: number): void {
    this.active.set(key, { msg, ms });
  }
  cancel(key: string): void {
    this.cancelled.push(key);
    this.active.delete(key);
  }
  cancelAll(): void {
    this.active.clear();
  }
  isActive(key: string): boolean {
    return this.active.has(key);
  }
}

describe('conn-identity', () => {
  let host: FakeHost;
  let timers: FakeTimers;
  let members: MembersMsg[];
  let env: IdentityEnv & { stats: ReturnType<typeof newGatewayStats> };

  const membersRef: ActorRef<MembersMsg> = {
    path: '/user/members',
    name: 'members',
    tell: (m) => (members.push(m), true),
    isAlive: () => true,
  };
  const verifier = new JwtVerifier({ secret: SECRET });
  const token = (claims: object) =>
    sign({ exp: seconds(Date.now()) + 60, ...claims }, Buffer.from(SECRET), 'HS256');
  /** An identity with `exp` at `expMs` (claims may carry fractional seconds). */
  const identityAt = (expMs: number, claims: object = {}) =>
    identityFromClaims({ sub: 'ann', exp: expMs / 1000, topics: ['*'], ...claims });

  beforeEach(() => {
    host = new FakeHost();
    timers = new FakeTimers();
    members = [];
    // A throttle per test: the failures one test counts never throttle the next.
    const auth = { verifier, throttle: new AuthThrottle(), timeoutMs: 200 };
    env = { auth, stats: newGatewayStats(), members: membersRef, limits: { heartbeatMs: HB } };
  });

  afterEach(() => jest.restoreAllMocks());

  describe('#awaitingAuth', () => {
    it('is true only where JWT auth is on and no identity is verified yet', () => {
      expect(awaitingAuth(undefined, env)).toBe(true);
      expect(awaitingAuth(identityAt(2e12), env)).toBe(false);
      expect(awaitingAuth(undefined, { ...env, auth: undefined })).toBe(false);
    });
  });

  describe('#startIdentity', () => {
    it('sets the auth deadline and joins no member when auth is awaited', () => {
      startIdentity(host, env, undefined, timers);
      expect(timers.active.get('auth')).toEqual({ msg: { type: 'auth-deadline' }, ms: 200 });
      expect(members).toEqual([]);
    });

    it('joins the member table and sets no timer for a token far from exp', () => {
      startIdentity(host, env, identityAt(Date.now() + 60_000), timers);
      expect(timers.active.size).toBe(0);
      expect(timers.reads).toBe(0); // no timer table made
      expect(members).toEqual([{ type: 'join', member: 'ann' }]);
    });

    it('makes no timer table for a connection without auth or token', () => {
      startIdentity(host, { ...env, auth: undefined }, undefined, timers);
      watchExpiry(host, undefined, HB, timers); // every tick of such a connection
      expect(timers.reads).toBe(0);
    });

    it('joins nothing for a token with presence: false', () => {
      startIdentity(host, env, identityAt(Date.now() + 60_000, { presence: false }), timers);
      expect(members).toEqual([]);
    });
  });

  describe('#watchExpiry', () => {
    const T = 1_700_000_000_000;
    beforeEach(() => jest.spyOn(Date, 'now').mockReturnValue(T));

    it('sends bye and closes with 4001 "token expired" once exp has come', () => {
      watchExpiry(host, identityAt(T), HB, timers);
      expect(host.replies).toEqual([
        { op: 'bye', code: 4001, reason: 'token expired', retryMs: 0 },
      ]);
      expect(host.closed).toMatchObject({ code: 4001, label: 'token_expired' });
    });

    it('sets a timer for the ms left when exp comes before the tick after next', () => {
      watchExpiry(host, identityAt(T + 2 * HB - 1), HB, timers);
      expect(timers.active.get('expiry')).toEqual({ msg: { type: 'expire' }, ms: 2 * HB - 1 });
      expect(host.closed).toBeUndefined();
    });

    it('sets no timer when exp is two ticks away or more', () => {
      watchExpiry(host, identityAt(T + 2 * HB), HB, timers);
      expect(timers.active.size).toBe(0);
    });

    it('keeps a timer already set (a later tick does not move it)', () => {
      watchExpiry(host, identityAt(T + 1500), HB, timers);
      jest.spyOn(Date, 'now').mockReturnValue(T + 500);
      watchExpiry(host, identityAt(T + 1500), HB, timers);
      expect(timers.active.get('expiry')?.ms).toBe(1500);
    });

    it('does nothing without an identity or once the connection is closing', () => {
      watchExpiry(host, undefined, HB, timers);
      host.open = false;
      watchExpiry(host, identityAt(T - 1), HB, timers);
      expect(host.replies).toEqual([]);
      expect(host.closed).toBeUndefined();
    });
  });

  describe('#authDeadline', () => {
    it('answers err 401 and closes with 4001 while auth is still awaited', () => {
      authDeadline(host, env, undefined);
      expect(host.errs).toEqual([[undefined, 401, 'no auth in time']]);
      expect(host.closed).toMatchObject({ code: 4001, reason: 'authentication failed' });
      expect(env.stats.badInput['auth_timeout']).toBe(1);
    });

    it('does nothing once authenticated, or once the connection is closing', () => {
      authDeadline(host, env, identityAt(Date.now() + 60_000));
      host.open = false;
      authDeadline(host, env, undefined);
      expect(host.errs).toEqual([]);
      expect(host.closed).toBeUndefined();
    });
  });

  describe('#authenticate', () => {
    it('adopts the identity, joins its member, ends the deadline and acks with exp', async () => {
      const exp = seconds(Date.now()) + 60;
      startIdentity(host, env, undefined, timers);
      const m = { op: 'auth', id: 1, token: await token({ sub: 'ann', exp }) } as const;
      await authenticate(host, env, m, ADDRESS, timers);
      expect(host.adopted?.member).toBe('ann');
      expect(members).toEqual([{ type: 'join', member: 'ann' }]);
      expect(timers.cancelled).toEqual(['auth']);
      expect(timers.active.size).toBe(0);
      expect(host.replies).toEqual([{ op: 'ack', id: 1, exp }]);
      expect(host.flushes).toBe(1);
    });

    it('sets the expiry timer when the token is due within two ticks', async () => {
      const exp = seconds(Date.now()) + 1.5;
      const m = { op: 'auth', id: 1, token: await token({ sub: 'ann', exp }) } as const;
      await authenticate(host, env, m, ADDRESS, timers);
      expect(timers.isActive('expiry')).toBe(true);
    });

    it('answers a refused token with its err and closes with 4001, adopting nothing', async () => {
      await authenticate(host, env, { op: 'auth', id: 1, token: 'nope' }, ADDRESS, timers);
      expect(host.errs).toEqual([[1, 401, 'malformed token']]);
      expect(host.closed).toMatchObject({ code: 4001, reason: 'authentication failed' });
      expect(host.adopted).toBeUndefined();
      expect(env.stats.badInput['auth_failed']).toBe(1);
    });

    it('answers 429 without verifying when the address is throttled', async () => {
      const throttle = new AuthThrottle({ burst: 1, refillPerSec: 0 });
      throttle.fail(ADDRESS, Date.now());
      const m = { op: 'auth', id: 1, token: await token({ sub: 'ann' }) } as const;
      await authenticate(host, { ...env, auth: { ...env.auth!, throttle } }, m, ADDRESS, timers);
      expect(host.errs).toEqual([[1, 429, THROTTLED]]);
      expect(host.adopted).toBeUndefined();
    });

    it('does nothing after the check when the connection closed meanwhile', async () => {
      const m = { op: 'auth', id: 1, token: await token({ sub: 'ann' }) } as const;
      const done = authenticate(host, env, m, ADDRESS, timers);
      host.open = false;
      await done;
      expect(host.adopted).toBeUndefined();
      expect(host.replies).toEqual([]);
      expect(members).toEqual([]);
    });
  });

  describe('#refresh', () => {
    const ann = () => identityAt(Date.now() + 60_000);

    it('answers 400 where JWT auth is not configured, or nothing was authenticated', async () => {
      const m = { op: 'refresh', id: 1, token: 'a.b.c' } as const;
      await refresh(host, { ...env, auth: undefined }, ann(), m, ADDRESS, timers);
      await refresh(host, env, undefined, { ...m, id: 2 }, ADDRESS, timers);
      expect(host.errs.map(([id, code]) => [id, code])).toEqual([
        [1, 400],
        [2, 400],
      ]);
      expect(host.flushes).toBe(0);
    });

    it('replaces the identity, re-arms expiry and acks with the new exp', async () => {
      const exp = seconds(Date.now()) + 1.5;
      timers.startSingle('expiry', { type: 'expire' }, 10);
      const m = { op: 'refresh', id: 1, token: await token({ sub: 'ann', exp }) } as const;
      await refresh(host, env, ann(), m, ADDRESS, timers);
      expect(host.adopted?.expMs).toBe(exp * 1000);
      expect(timers.cancelled).toEqual(['expiry']);
      // The new token is due within two ticks: its own timer, not the old one.
      expect(timers.active.get('expiry')?.ms).toBeGreaterThan(10);
      expect(host.replies).toEqual([{ op: 'ack', id: 1, exp }]);
      expect(members).toEqual([]);
    });

    it('leaves the member table when the token turns presence off', async () => {
      const m = {
        op: 'refresh',
        id: 1,
        token: await token({ sub: 'ann', presence: false }),
      } as const;
      await refresh(host, env, ann(), m, ADDRESS, timers);
      expect(members).toEqual([{ type: 'leave', member: 'ann' }]);
      expect(host.adopted?.presence).toBe(false);
    });

    it('joins the member table when the token turns presence on', async () => {
      const off = identityAt(Date.now() + 60_000, { presence: false });
      const m = { op: 'refresh', id: 1, token: await token({ sub: 'ann' }) } as const;
      await refresh(host, env, off, m, ADDRESS, timers);
      expect(members).toEqual([{ type: 'join', member: 'ann' }]);
    });

    it('refuses a token for another member with 403 and keeps the identity', async () => {
      const m = { op: 'refresh', id: 1, token: await token({ sub: 'bob' }) } as const;
      await refresh(host, env, ann(), m, ADDRESS, timers);
      expect(host.errs).toEqual([[1, 403, "the token is for another 'sub'"]]);
      expect(host.adopted).toBeUndefined();
      expect(env.stats.badInput['forbidden']).toBe(1);
    });

    it('answers a failing token with 401 and leaves the connection open', async () => {
      const m = { op: 'refresh', id: 1, token: 'not-a-jwt' } as const;
      await refresh(host, env, ann(), m, ADDRESS, timers);
      expect(host.errs).toEqual([[1, 401, 'malformed token']]);
      expect(host.closed).toBeUndefined();
      expect(host.adopted).toBeUndefined();
      expect(env.stats.badInput['auth_failed']).toBe(1);
    });

    it('does nothing after the check when the connection closed meanwhile', async () => {
      const m = { op: 'refresh', id: 1, token: await token({ sub: 'ann' }) } as const;
      const done = refresh(host, env, ann(), m, ADDRESS, timers);
      host.open = false;
      await done;
      expect(host.adopted).toBeUndefined();
      expect(host.replies).toEqual([]);
    });
  });
});
