import { ATTACKS, DEFAULT_RATES, FULL, parseBenchArgs, QUICK, SCENARIOS } from './cli-args';

describe('parseBenchArgs', () => {
  it('runs every scenario with the full profile when no flag is given', () => {
    expect(parseBenchArgs([])).toEqual({
      scenarios: [...SCENARIOS],
      quick: false,
      ...FULL,
      rates: [...DEFAULT_RATES],
      topicRates: [...FULL.topicRates],
      only: null,
      workers: 1,
      sampleEvery: 64,
      out: null,
      attacks: [...ATTACKS],
    });
  });

  it('reads both --flag value and --flag=value forms', () => {
    const a = parseBenchArgs([
      '--subs',
      '500',
      '--rates=500,2000',
      '--step-seconds',
      '3',
      '--only',
      'uws-native',
      '--scenario',
      'hot-topic,idle-memory',
    ]);
    expect(a).toMatchObject({
      subs: 500,
      rates: [500, 2000],
      stepSeconds: 3,
      only: ['uws-native'],
      scenarios: ['hot-topic', 'idle-memory'],
    });
  });

  it('takes the quick profile with --quick and still lets explicit flags win', () => {
    const a = parseBenchArgs(['--quick', '--idle-conns', '7000']);
    expect(a).toMatchObject({
      quick: true,
      rates: [...QUICK.rates],
      stepSeconds: QUICK.stepSeconds,
      idleConns: 7000,
    });
  });

  it('rejects unknown flags, scenarios and non-positive numbers', () => {
    expect(() => parseBenchArgs(['--sub', '1'])).toThrow(/unknown flag/);
    expect(() => parseBenchArgs(['--scenario', 'nope'])).toThrow(/unknown scenario/);
    expect(() => parseBenchArgs(['--rates', '100,0'])).toThrow(/positive/);
    expect(() => parseBenchArgs(['--subs'])).toThrow(/missing value/);
  });

  it('takes 0 refinement steps but not a negative count', () => {
    expect(parseBenchArgs(['--refine-steps', '0']).refineSteps).toBe(0);
    expect(parseBenchArgs(['--refine-steps', '2.7']).refineSteps).toBe(2);
    expect(() => parseBenchArgs(['--refine-steps', '-1'])).toThrow(/0 or more/);
    expect(() => parseBenchArgs(['--subs', '0'])).toThrow(/positive/);
  });
});

describe('parseBenchArgs --presence-*', () => {
  it('takes 2,000 members at 100 closes/s for 10 s with --quick, 5,000 at 150/s for 30 s without', () => {
    expect(parseBenchArgs(['--quick'])).toMatchObject({
      presenceMembers: 2000,
      presenceChurn: 100,
      presenceSeconds: 10,
    });
    expect(parseBenchArgs([])).toMatchObject({
      presenceMembers: 5000,
      presenceChurn: 150,
      presenceSeconds: 30,
    });
  });

  it('reads the flags, whole members only, and refuses 0', () => {
    const a = parseBenchArgs([
      '--scenario',
      'presence',
      '--presence-members',
      '500.5',
      '--presence-churn',
      '25',
    ]);
    expect(a).toMatchObject({ scenarios: ['presence'], presenceMembers: 500, presenceChurn: 25 });
    expect(() => parseBenchArgs(['--presence-seconds', '0'])).toThrow(/positive/);
  });
});

describe('parseBenchArgs --cost-runs', () => {
  it('alternates 3 steps per side in the full profile and 2 with --quick; the flag wins', () => {
    expect(parseBenchArgs([]).costRuns).toBe(3);
    expect(parseBenchArgs(['--quick']).costRuns).toBe(2);
    expect(parseBenchArgs(['--quick', '--cost-runs', '5']).costRuns).toBe(5);
    expect(() => parseBenchArgs(['--cost-runs', '0'])).toThrow(/positive/);
  });
});

describe('parseBenchArgs --idle-settled', () => {
  it('takes the settled idle reading in the full profile only', () => {
    expect(parseBenchArgs([]).idleSettled).toBe(true);
    expect(parseBenchArgs(['--quick']).idleSettled).toBe(false);
  });

  it('lets the flag win either way, and refuses a value other than true or false', () => {
    expect(parseBenchArgs(['--quick', '--idle-settled']).idleSettled).toBe(true);
    expect(parseBenchArgs(['--idle-settled=false']).idleSettled).toBe(false);
    expect(() => parseBenchArgs(['--idle-settled=yes'])).toThrow(/true or false/);
    expect(() => parseBenchArgs(['--quick=1'])).toThrow(/true or false/);
  });
});

describe('parseBenchArgs --attacks', () => {
  it('runs all three attacks by default and takes a subset', () => {
    expect(parseBenchArgs([]).attacks).toEqual(['poison', 'flood', 'link']);
    expect(parseBenchArgs(['--attacks', 'flood']).attacks).toEqual(['flood']);
  });

  it('rejects an unknown attack', () => {
    expect(() => parseBenchArgs(['--attacks', 'ddos'])).toThrow(/unknown attack: ddos/);
  });
});

describe('parseBenchArgs --linkedin-*', () => {
  it('holds 100,000 connections for 60 s by default and 10,000 for 5 s with --quick', () => {
    expect(parseBenchArgs([])).toMatchObject({
      linkedinConns: 100_000,
      linkedinRates: [250, 500, 1000, 2000, 5000, 10000, 20000],
      linkedinSeconds: 60,
    });
    expect(parseBenchArgs(['--quick'])).toMatchObject({
      linkedinConns: 10_000,
      linkedinRates: [2000, 10000],
      linkedinSeconds: 5,
    });
  });

  it('reads the flags, whole connections only, and refuses 0 or a negative count', () => {
    const a = parseBenchArgs([
      '--scenario',
      'linkedin-node',
      '--linkedin-conns',
      '5000.7',
      '--linkedin-rates=1000,4000',
      '--linkedin-seconds',
      '5',
    ]);
    expect(a).toMatchObject({
      scenarios: ['linkedin-node'],
      linkedinConns: 5000,
      linkedinRates: [1000, 4000],
      linkedinSeconds: 5,
    });
    expect(() => parseBenchArgs(['--linkedin-conns', '0'])).toThrow(/positive/);
    expect(() => parseBenchArgs(['--linkedin-conns', '-5'])).toThrow(/positive/);
    expect(parseBenchArgs(['--linkedin-conns', '0.5']).linkedinConns).toBe(1);
    expect(() => parseBenchArgs(['--linkedin-conns', '200001'])).toThrow(/at most 200000/);
    expect(() => parseBenchArgs(['--linkedin-rates', '100,x'])).toThrow(/positive/);
  });
});
