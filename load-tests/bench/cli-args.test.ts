import { DEFAULT_RATES, parseBenchArgs } from './cli-args';

describe('parseBenchArgs', () => {
  it('uses the issue defaults with no flags', () => {
    expect(parseBenchArgs([])).toEqual({
      scenario: 'hot-topic',
      subs: 2000,
      rates: [...DEFAULT_RATES],
      stepSeconds: 5,
      only: null,
      workers: 1,
      sampleEvery: 64,
      out: null,
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
    ]);
    expect(a).toMatchObject({
      subs: 500,
      rates: [500, 2000],
      stepSeconds: 3,
      only: ['uws-native'],
    });
  });

  it('rejects unknown flags, scenarios and non-positive numbers', () => {
    expect(() => parseBenchArgs(['--sub', '1'])).toThrow(/unknown flag/);
    expect(() => parseBenchArgs(['--scenario', 'nope'])).toThrow(/unknown scenario/);
    expect(() => parseBenchArgs(['--rates', '100,0'])).toThrow(/positive/);
    expect(() => parseBenchArgs(['--subs'])).toThrow(/missing value/);
  });
});
