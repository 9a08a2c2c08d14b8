import { FakeClock } from '../testing/fake-clock';
import { jwtExpMs, TokenKeeper } from './token-keeper';

/** An unsigned JWT-shaped token with `exp` (seconds): the keeper only reads it. */
function jwt(expSec: number, n = 0): string {
  const b64 = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${b64({ alg: 'HS256' })}.${b64({ sub: 'u', exp: expSec, n })}.sig`;
}

describe('jwtExpMs', () => {
  it('reads exp in ms from a JWT payload', () => {
    expect(jwtExpMs(jwt(1_700_000_100))).toBe(1_700_000_100_000);
  });

  it('is undefined for an opaque token, bad base64 or a non-numeric exp', () => {
    expect(jwtExpMs('static-token')).toBeUndefined();
    expect(jwtExpMs('a.!!!.c')).toBeUndefined();
    const b64 = Buffer.from(JSON.stringify({ exp: 'soon' })).toString('base64url');
    expect(jwtExpMs(`x.${b64}.y`)).toBeUndefined();
  });
});

describe('TokenKeeper', () => {
  function setup(lifeSec: number): {
    clock: FakeClock;
    keeper: TokenKeeper;
    refreshed: string[];
    errors: unknown[];
    fail: { next: boolean };
  } {
    const clock = new FakeClock();
    const refreshed: string[] = [];
    const errors: unknown[] = [];
    const fail = { next: false };
    let n = 0;
    const keeper = new TokenKeeper(
      clock,
      { getToken: () => jwt(Math.floor(clock.now() / 1000) + lifeSec, ++n) },
      30_000,
      {
        refresh: (token) => {
          if (fail.next) {
            fail.next = false;
            return Promise.reject(new Error('refused'));
          }
          refreshed.push(token);
          return Promise.resolve(jwtExpMs(token));
        },
        error: (e) => errors.push(e),
      },
    );
    return { clock, keeper, refreshed, errors, fail };
  }

  describe('#watch', () => {
    it('refreshes 30 s before exp for a long-lived token, and again for the next one', async () => {
      const { clock, keeper, refreshed } = setup(3600);
      keeper.watch(await keeper.current());
      await clock.advance(3569_000);
      expect(refreshed).toHaveLength(0);
      await clock.advance(1_000);
      expect(refreshed).toHaveLength(1);
      await clock.advance(3570_000);
      expect(refreshed).toHaveLength(2);
    });

    it('refreshes at half the life of a short-lived token', async () => {
      const { clock, keeper, refreshed } = setup(10);
      keeper.watch(await keeper.current());
      await clock.advance(4_999);
      expect(refreshed).toHaveLength(0);
      await clock.advance(1);
      expect(refreshed).toHaveLength(1);
    });

    it('reports a failed refresh and tries again at half the time left', async () => {
      const { clock, keeper, refreshed, errors, fail } = setup(8);
      keeper.watch(await keeper.current());
      fail.next = true;
      await clock.advance(4_000);
      expect(errors).toHaveLength(1);
      expect(refreshed).toHaveLength(0);
      await clock.advance(2_000);
      expect(refreshed).toHaveLength(1);
    });

    it('plans nothing after stop()', async () => {
      const { clock, keeper, refreshed } = setup(10);
      keeper.watch(await keeper.current());
      keeper.stop();
      await clock.advance(20_000);
      expect(refreshed).toHaveLength(0);
      expect(clock.pending).toBe(0);
    });
  });

  describe('#current', () => {
    it('asks getToken on every call, and returns a static token as is', async () => {
      let n = 0;
      const k = new TokenKeeper(new FakeClock(), { getToken: () => `t${++n}` }, 1, {
        refresh: () => Promise.resolve(undefined),
        error: () => undefined,
      });
      expect([await k.current(), await k.current()]).toEqual(['t1', 't2']);
      const s = new TokenKeeper(new FakeClock(), { token: 'static' }, 1, {
        refresh: () => Promise.resolve(undefined),
        error: () => undefined,
      });
      expect(await s.current()).toBe('static');
    });
  });
});
