import { jwtVerify } from 'jose';
import { upgradePath, type SubscriberPlan } from '../../generator/worker-messages';
import type { ScenarioRun } from '../summary';
import { earlierConnectRate, signStormTokens, withJwtSecret } from './connect-storm-jwt';

const SECRET = 'ab'.repeat(32);

describe('connect-storm-jwt helpers', () => {
  it('signs distinct HS256 tokens whose topics cover the storm topics', async () => {
    const tokens = await signStormTokens(SECRET, 3, 1_700_000_000_000);
    expect(new Set(tokens).size).toBe(3);
    const { payload, protectedHeader } = await jwtVerify(tokens[2]!, Buffer.from(SECRET), {
      currentDate: new Date(1_700_000_000_000),
    });
    expect(protectedHeader.alg).toBe('HS256');
    expect(payload).toMatchObject({ sub: 'storm-2', topics: ['storm.*'], exp: 1_700_000_600 });
  });

  it('adds --jwt-secret and moves the admin socket off the bench server', () => {
    const cmd = { command: 'node', args: ['troupe.js', 'start', '--admin', '/tmp/a.sock'] };
    expect(withJwtSecret(cmd, SECRET, '/tmp/b.sock').args).toEqual([
      'troupe.js',
      'start',
      '--admin',
      '/tmp/b.sock',
      '--jwt-secret',
      SECRET,
    ]);
    expect(cmd.args[3]).toBe('/tmp/a.sock');
  });

  it("reads the plain connect-storm rate of this run's system, if it ran ok", () => {
    const runs: ScenarioRun[] = [
      {
        scenario: 'connect-storm',
        systems: [
          {
            system: 'troupe',
            status: 'ok',
            result: { steps: [], capacity: null, metrics: { acceptedPerSec: 5000 }, notes: {} },
          },
          { system: 'socketio', status: 'failed', reason: 'x' },
        ],
      },
    ];
    expect(earlierConnectRate(runs, 'troupe')).toBe(5000);
    expect(earlierConnectRate(runs, 'socketio')).toBeNull();
    expect(earlierConnectRate([], 'troupe')).toBeNull();
    expect(earlierConnectRate(undefined, 'troupe')).toBeNull();
  });

  it("puts each connection's own token in its upgrade path", () => {
    const plan = { path: '/v1/ws', firstIndex: 10, tokens: ['a.b.c', 'd.e.f'] } as Pick<
      SubscriberPlan,
      'path' | 'firstIndex' | 'tokens'
    > as SubscriberPlan;
    expect(upgradePath(plan, 11)).toBe('/v1/ws?token=d.e.f');
    expect(upgradePath({ ...plan, tokens: undefined } as SubscriberPlan, 11)).toBe('/v1/ws');
  });
});
