import { AuthThrottle, JwtVerifier, PublisherAuth, PUBLISH_ANYWHERE } from '.';
import { seconds, sign } from '../testing/auth-keys';

const SECRET = 'a-secret-of-at-least-thirty-two-bytes!!';
const KEY = new TextEncoder().encode(SECRET);
const NOW = 1_800_000_000_000;

function auth(o: { publisherToken?: string; authToken?: string; jwt?: boolean } = {}) {
  const throttle = new AuthThrottle({ burst: 2, refillPerSec: 1 });
  const jwt = o.jwt ? new JwtVerifier({ secret: SECRET, now: () => NOW }) : undefined;
  return {
    throttle,
    auth: new PublisherAuth({ ...o, jwt, throttle, now: () => NOW }),
  };
}

const token = (claims: Record<string, unknown>) =>
  sign({ sub: 'svc', exp: seconds(NOW) + 60, ...claims }, KEY, 'HS256');

describe('PublisherAuth', () => {
  it('lets anyone publish anywhere where no auth is configured', async () => {
    const { auth: a } = auth();
    expect(a.required).toBe(false);
    expect(await a.check(undefined, '10.0.0.1')).toEqual({ ok: true, access: PUBLISH_ANYWHERE });
  });

  it('grants any topic to --publisher-token and to --auth-token', async () => {
    const { auth: a } = auth({ publisherToken: 'pub-token', authToken: 'client-token' });
    expect(a.required).toBe(true);
    for (const t of ['pub-token', 'client-token']) {
      const r = await a.check(t, '10.0.0.1');
      expect(r.ok && r.access.canPub('any:topic')).toBe(true);
    }
  });

  it("grants a JWT's pub patterns until its exp", async () => {
    const { auth: a } = auth({ jwt: true });
    const r = await a.check(await token({ pub: ['live:*', 'inbox:{sub}'] }), '10.0.0.1');
    if (!r.ok) throw new Error(r.msg);
    expect(r.access.canPub('live:1')).toBe(true);
    expect(r.access.canPub('inbox:svc')).toBe(true);
    expect(r.access.canPub('inbox:other')).toBe(false);
    expect(r.access.expMs).toBe((seconds(NOW) + 60) * 1000);
  });

  it('grants no topic to a JWT without a pub claim', async () => {
    const { auth: a } = auth({ jwt: true });
    const r = await a.check(await token({}), '10.0.0.1');
    expect(r.ok && r.access.canPub('live:1')).toBe(false);
  });

  it('refuses a missing or wrong token, then throttles the address', async () => {
    const { auth: a } = auth({ publisherToken: 'pub-token', jwt: true });
    expect(await a.check(undefined, '10.0.0.1')).toMatchObject({ ok: false, throttled: false });
    expect(await a.check('nope', '10.0.0.1')).toMatchObject({ ok: false, throttled: false });
    expect(await a.check('pub-token', '10.0.0.1')).toMatchObject({ ok: false, throttled: true });
    expect(await a.check('pub-token', '10.0.0.2')).toMatchObject({ ok: true });
  });

  it('does not name the token in its refusal', async () => {
    const { auth: a } = auth({ publisherToken: 'pub-token' });
    const r = await a.check('guess-123', '10.0.0.1');
    expect(r.ok || r.msg.includes('guess-123')).toBe(false);
  });
});
