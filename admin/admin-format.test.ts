import { formatStats, formatTree } from './admin-format';
import { actor } from '../testing/fake-admin-target';

describe(formatTree, () => {
  it('draws the root by path and children by name with aligned columns', () => {
    const root = actor('/user', 'guardian', [
      {
        ...actor('/user/gateway', 'gateway', [actor('/user/gateway/router-0', 'router')]),
        processed: 40,
      },
      { ...actor('/user/presence', 'presence'), mailbox: 7, status: 'restarting', restarts: 2 },
    ]);
    root.processed = 12;
    const lines = formatTree(root).split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(
      /^\/user {2,}kind=guardian {2,}status=running {2,}mailbox=0 {2,}processed=12 {2,}restarts=0$/,
    );
    expect(lines[1]).toMatch(/^├─ gateway {2,}kind=gateway /);
    expect(lines[2]).toMatch(/^│ {2}└─ router-0 {2,}kind=router /);
    expect(lines[3]).toMatch(
      /^└─ presence {2,}kind=presence {2}status=restarting {2}mailbox=7 {2}processed=0 {2,}restarts=2$/,
    );
    const kindAt = lines.map((l) => l.indexOf('kind='));
    expect(new Set(kindAt).size).toBe(1);
    const mailboxAt = lines.map((l) => l.indexOf('mailbox='));
    expect(new Set(mailboxAt).size).toBe(1);
  });

  it('shows children cut off by depth as a count', () => {
    const root = actor('/user/gateway', 'gateway', [
      { ...actor('/user/gateway/router-0', 'router'), childCount: 1234 },
      { ...actor('/user/gateway/router-1', 'router'), childCount: 1 },
    ]);
    const lines = formatTree(root).split('\n');
    expect(lines.slice(1)).toEqual([
      expect.stringMatching(/^├─ router-0 +kind=router/),
      '│  └─ … 1234 children',
      expect.stringMatching(/^└─ router-1 +kind=router/),
      '   └─ … 1 child',
    ]);
  });

  it('shows a partial child list with the number not shown', () => {
    const root = {
      ...actor('/user/r', 'router', [actor('/user/r/conn-1', 'connection')]),
      childCount: 3,
    };
    expect(formatTree(root).split('\n').slice(1)).toEqual([
      expect.stringMatching(/^├─ conn-1 +kind=connection/),
      '└─ … 2 more children',
    ]);
  });

  it('prints a lone actor on one line', () => {
    expect(formatTree(actor('/user/x', 'timer')).split('\n')).toHaveLength(1);
  });
});

describe(formatStats, () => {
  it('prints aligned key: value lines, nested keys dotted', () => {
    expect(
      formatStats({
        connections: 3,
        topics: { count: 2, hot: ['a', 'b'] },
        node: 'gw-1',
        empty: {},
      }).split('\n'),
    ).toEqual([
      'connections:  3',
      'topics.count: 2',
      'topics.hot:   ["a","b"]',
      'node:         gw-1',
      'empty:        {}',
    ]);
  });

  it('prints nothing for no stats and tolerates odd values', () => {
    expect(formatStats({})).toBe('');
    expect(formatStats({ big: 1n, nothing: null, missing: undefined })).toBe(
      'big:     1\nnothing: null\nmissing: undefined',
    );
  });
});
