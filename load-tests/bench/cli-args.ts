/** Flags of `npm run bench` (see load-tests/README.md). */

export const SCENARIOS = ['hot-topic'] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

export interface BenchArgs {
  readonly scenario: ScenarioName;
  readonly subs: number;
  readonly rates: readonly number[];
  readonly stepSeconds: number;
  /** System names to run; null = all. */
  readonly only: readonly string[] | null;
  readonly workers: number;
  readonly sampleEvery: number;
  readonly out: string | null;
}

export const DEFAULT_RATES = [250, 500, 1000, 1500, 2000, 3000, 4000, 6000] as const;

export function parseBenchArgs(argv: readonly string[]): BenchArgs {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (!a.startsWith('--')) throw new Error(`unexpected argument: ${a}`);
    const eq = a.indexOf('=');
    if (eq > 0) flags.set(a.slice(2, eq), a.slice(eq + 1));
    else {
      const v = argv[i + 1];
      if (v === undefined || v.startsWith('--')) throw new Error(`missing value for ${a}`);
      flags.set(a.slice(2), v);
      i++;
    }
  }
  const known = new Set([
    'scenario',
    'subs',
    'rates',
    'step-seconds',
    'only',
    'workers',
    'sample-every',
    'out',
  ]);
  for (const k of flags.keys()) if (!known.has(k)) throw new Error(`unknown flag: --${k}`);

  const scenario = flags.get('scenario') ?? 'hot-topic';
  if (!(SCENARIOS as readonly string[]).includes(scenario))
    throw new Error(`unknown scenario: ${scenario} (known: ${SCENARIOS.join(', ')})`);
  const rates = flags.has('rates')
    ? (flags.get('rates') as string).split(',').map((r) => positive('rates', r))
    : [...DEFAULT_RATES];
  const only = flags.get('only');
  return {
    scenario: scenario as ScenarioName,
    subs: positive('subs', flags.get('subs') ?? '2000'),
    rates,
    stepSeconds: positive('step-seconds', flags.get('step-seconds') ?? '5'),
    only: only === undefined ? null : only.split(',').map((s) => s.trim()),
    workers: positive('workers', flags.get('workers') ?? '1'),
    sampleEvery: positive('sample-every', flags.get('sample-every') ?? '64'),
    out: flags.get('out') ?? null,
  };
}

function positive(name: string, v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0)
    throw new Error(`--${name} wants a positive number, got "${v}"`);
  return n;
}
