import { AuthThrottle, JwtVerifier, staticToken } from '../auth';
import { hmacClientAuth, seconds, sign } from '../testing/auth-keys';
import { topicReadAccess } from './topic-read-access';

const SECRET = 's'.repeat(32);
const token = (claims: object) =>
  sign({ sub: 'ann', exp: seconds(Date.now()) + 60, ...claims }, Buffer.from(SECRET), 'HS256');

describe(topicReadAccess, () => {
  it('lets anyone read where no client auth is configured', async () => {
    const access = topicReadAccess(undefined, undefined, new AuthThrottle());
    await expect(access(undefined, '10.0.0.1', 'live')).resolves.toEqual({ ok: true });
  });

  it('wants the static --auth-token where it is set (401 otherwise), throttling failures', async () => {
    const throttle = new AuthThrottle({ burst: 2, refillPerSec: 0.001 });
    const access = topicReadAccess(staticToken('tok'), undefined, throttle);
    await expect(access('tok', 'a', 'live')).resolves.toEqual({ ok: true });
    await expect(access(undefined, 'a', 'live')).resolves.toMatchObject({ ok: false, status: 401 });
    await access('nope', 'a', 'live');
    await expect(access('tok', 'a', 'live')).resolves.toMatchObject({ ok: false, status: 429 });
  });

  it('wants a JWT whose topics claim covers the topic (401 without, 403 for another topic)', async () => {
    const auth = {
      verifier: new JwtVerifier({ secret: SECRET }),
      throttle: new AuthThrottle(),
      timeoutMs: 5000,
    };
    const access = topicReadAccess(undefined, auth, auth.throttle);
    const live = await token({ topics: ['live:*'] });
    await expect(access(live, 'a', 'live:1')).resolves.toEqual({ ok: true });
    await expect(access(live, 'a', 'secret')).resolves.toMatchObject({ ok: false, status: 403 });
    await expect(access(undefined, 'a', 'live:1')).resolves.toMatchObject({
      ok: false,
      status: 401,
    });
  });

  it('lets a verified JWT read presence topics without a claim only where they are not private', async () => {
    const { auth, token } = hmacClientAuth();
    const none = await token({ topics: [] });
    const byDefault = topicReadAccess(undefined, auth, auth.throttle);
    await expect(byDefault(none, 'a', 'presence:bob')).resolves.toMatchObject({ status: 403 });
    const shared = topicReadAccess(undefined, auth, auth.throttle, false);
    await expect(shared(none, 'a', 'presence:bob')).resolves.toEqual({ ok: true });
    await expect(shared(none, 'a', 'live:1')).resolves.toMatchObject({ status: 403 });
  });
});
