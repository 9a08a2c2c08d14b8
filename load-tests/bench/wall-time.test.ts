import type { ScenarioRun } from './summary';
import { budgetOf, BUDGET_SECONDS, formatWallTime } from './wall-time';

const runs: ScenarioRun[] = [
  {
    scenario: 'hot-topic',
    systems: [
      { system: 'uws-native', status: 'ok', seconds: 30.4 },
      { system: 'troupe', status: 'failed', reason: 'boom', seconds: 12 },
      { system: 'socketio', status: 'skipped', reason: 'no' },
    ],
  },
  { scenario: 'presence', systems: [{ system: 'uws-native', status: 'skipped', reason: 'no' }] },
  {
    scenario: 'idle-memory',
    seconds: 33,
    systems: [
      { system: 'uws-native', status: 'ok', seconds: 12 },
      { system: 'troupe', status: 'ok', seconds: 32 },
    ],
  },
];

describe('budgetOf', () => {
  it('holds the quick run to 300 s and the full run to 900 s', () => {
    expect(BUDGET_SECONDS).toEqual({ quick: 300, full: 900 });
    expect(budgetOf(true, 300)).toEqual({
      profile: 'quick',
      seconds: 300,
      usedSeconds: 300,
      over: false,
    });
    expect(budgetOf(true, 301).over).toBe(true);
    expect(budgetOf(false, 899).over).toBe(false);
    expect(budgetOf(false, 901)).toMatchObject({ profile: 'full', seconds: 900, over: true });
  });
});

describe('formatWallTime', () => {
  it('sums each scenario over the systems that ran (failed ones too) and names each', () => {
    const lines = formatWallTime(runs, budgetOf(true, 250));
    expect(lines[1]).toMatch(/^ {2}hot-topic +42 s \(uws-native 30, troupe 12\)$/);
    expect(lines[2]).toMatch(/^ {2}presence +0 s$/);
    expect(lines[4]).toBe('total 250 s of the quick budget 300 s: within budget (50 s to spare)');
  });

  it("takes a scenario's own time when its systems ran at once, and says so", () => {
    const lines = formatWallTime(runs, budgetOf(true, 250));
    expect(lines[3]).toMatch(/^ {2}idle-memory +33 s \(uws-native 12, troupe 32 at once\)$/);
  });

  it('marks a run over its budget', () => {
    const last = formatWallTime(runs, budgetOf(false, 1027)).at(-1);
    expect(last).toBe('total 1027 s of the full budget 900 s: OVER BUDGET by 127 s');
  });
});
