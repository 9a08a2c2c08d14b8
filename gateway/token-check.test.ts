import { AuthThrottle, JwtVerifier } from '../auth';
import { seconds, sign } from '../testing/auth-keys';
import { THROTTLED } from '../auth';
import { checkToken, type ClientAuth } from './token-check';

const SECRET = 's'.repeat(32);

describe(checkToken, () => {
  let auth: ClientAuth;
  const token = (claims: object, key = SECRET) =>
    sign({ exp: seconds(Date.now()) + 60, ...claims }, Buffer.from(key), 'HS256');

  beforeEach(() => {
    auth = {
      verifier: new JwtVerifier({ secret: SECRET }),
      throttle: new AuthThrottle({ burst: 2, refillPerSec: 0.001 }),
      timeoutMs: 5000,
    };
  });

  it('returns the identity of a good token', async () => {
    const r = await checkToken(auth, await token({ sub: 'ann' }), '10.0.0.1');
    expect(r.ok && r.identity.member).toBe('ann');
  });

  it('refuses a bad token with 401 and its reason, and counts the failure', async () => {
    const bad = await token({ sub: 'ann' }, 'x'.repeat(32));
    expect(await checkToken(auth, bad, '10.0.0.1')).toEqual({
      ok: false,
      code: 401,
      msg: 'signature verification failed',
    });
    expect(await checkToken(auth, undefined, '10.0.0.1')).toMatchObject({ code: 401 });
    expect(auth.throttle.size).toBe(1);
  });

  it('refuses with 429 without verifying once the address spent its failures', async () => {
    for (let i = 0; i < 2; i++) await checkToken(auth, 'bad', '10.0.0.1');
    const good = await token({ sub: 'ann' });
    expect(await checkToken(auth, good, '10.0.0.1')).toEqual({
      ok: false,
      code: 429,
      msg: THROTTLED,
    });
    expect(auth.verifier.stats.verified).toBe(0);
    expect((await checkToken(auth, good, '10.0.0.2')).ok).toBe(true);
  });
});
