import { MAX_DATA_DEPTH, payloadBytes } from '../../protocol';
import type { LinkRole } from '../link-messages';
import { MAX_COUNT, MAX_FAIL_MSG, MAX_LINK_ITEMS, parseLinkMsg } from './link-validate';

const ev = { topic: 't', seq: 1, epoch: 'e1', t0: 1.5, data: { n: 1 } };
const deep = (n: number): unknown => (n === 0 ? 0 : [deep(n - 1)]);

/** One valid message of every op, with the roles that may send it (sender > receiver). */
const VALID: [string, LinkRole, LinkRole, Record<string, unknown>][] = [
  [
    'interest',
    'gateway',
    'dispatcher',
    { op: 'interest', topics: ['a', 'b'], on: true, reset: true },
  ],
  [
    'history',
    'gateway',
    'dispatcher',
    { op: 'history', rid: 1, topic: 't', since: { epoch: 'e', seq: 2 } },
  ],
  ['history', 'gateway', 'dispatcher', { op: 'history', rid: 2, topic: 't', last: 1000 }],
  ['pub', 'gateway', 'dispatcher', { op: 'pub', rid: 1, topic: 't', data: null }],
  ['ev', 'dispatcher', 'gateway', { op: 'ev', events: [ev] }],
  [
    'history-r',
    'dispatcher',
    'gateway',
    { op: 'history-r', rid: 1, epoch: 'e', seq: 1, recovered: true, events: [ev] },
  ],
  ['pub-r', 'dispatcher', 'gateway', { op: 'pub-r', rid: 1, seq: 1, epoch: 'e' }],
  ['fail', 'dispatcher', 'gateway', { op: 'fail', rid: 1, code: 503, msg: 'no owner' }],
  [
    'fwd',
    'dispatcher',
    'dispatcher',
    { op: 'fwd', items: [{ topic: 't', data: 1 }], rids: [null] },
  ],
  ['fwd-r', 'dispatcher', 'dispatcher', { op: 'fwd-r', results: [{ rid: 1, seq: 1, epoch: 'e' }] }],
  [
    'xdc',
    'dispatcher',
    'dispatcher',
    { op: 'xdc', origin: 'dc2', items: [{ topic: 't', data: 'x' }] },
  ],
  ['presence-hb', 'gateway', 'dispatcher', { op: 'presence-hb', members: ['a', 'org/b@c'] }],
  ['presence-q', 'gateway', 'dispatcher', { op: 'presence-q', rid: 3, members: ['a'] }],
  [
    'presence-r',
    'dispatcher',
    'gateway',
    {
      op: 'presence-r',
      rid: 3,
      states: [
        { online: true, lastSeen: 1764650000000 },
        { online: false, lastSeen: null },
      ],
    },
  ],
  [
    'count-report',
    'gateway',
    'dispatcher',
    {
      op: 'count-report',
      items: [
        ['t', 3],
        ['u', 0],
        ['v', 2, 1],
        ['w', 1, 0],
      ],
    },
  ],
  ['count-q', 'gateway', 'dispatcher', { op: 'count-q', rid: 4, topic: 't', n: 1 }],
  ['count-r', 'dispatcher', 'gateway', { op: 'count-r', rid: 4, n: MAX_COUNT }],
  ['counts', 'dispatcher', 'gateway', { op: 'counts', items: [['t', 12]] }],
  ['xcount', 'dispatcher', 'dispatcher', { op: 'xcount', origin: 'west', items: [['t', 2]] }],
];

/** `msg` as parsed: a publish (`pub`, items of `fwd` and `xdc`) gains its size, `bytes`. */
function sized(msg: Record<string, unknown>): Record<string, unknown> {
  const withBytes = (p: { data?: unknown }) => ({ ...p, bytes: payloadBytes(p.data) });
  if (msg.op === 'pub') return withBytes(msg);
  if (msg.op === 'fwd' || msg.op === 'xdc') {
    return { ...msg, items: (msg.items as { data: unknown }[]).map(withBytes) };
  }
  return msg;
}

describe('parseLinkMsg', () => {
  it.each(VALID)('accepts a valid %s', (_op, from, to, msg) => {
    expect(parseLinkMsg(msg, from, to)).toEqual({ ok: true, msg: sized(msg) });
  });

  it.each([
    ['pub', 'gateway', (data: unknown) => ({ op: 'pub', rid: 1, topic: 't', data })],
    ['fwd', 'dispatcher', (data: unknown) => ({ op: 'fwd', items: [{ topic: 't', data }] })],
    [
      'xdc',
      'dispatcher',
      (data: unknown) => ({ op: 'xdc', origin: 'w', items: [{ topic: 't', data }] }),
    ],
  ] as const)(
    'passes the data of a %s on without undefined map values, sized',
    (_op, from, make) => {
      const p = parseLinkMsg(
        make({ a: 1, b: undefined, c: [{ d: undefined, e: 2 }] }),
        from,
        'dispatcher',
      );
      const stripped = { a: 1, c: [{ e: 2 }] };
      expect(p.ok).toBe(true);
      const m = p.ok ? (p.msg as { data?: unknown; bytes?: number; items?: unknown[] }) : {};
      const got = (m.items?.[0] ?? m) as { data: unknown; bytes: number };
      expect(got.data).toStrictEqual(stripped);
      expect(got.bytes).toBe(payloadBytes(stripped));
    },
  );

  it('passes the data of events on without undefined map values', () => {
    const data = { a: 1, b: undefined, c: [{ d: undefined, e: 2 }] };
    const p = parseLinkMsg({ op: 'ev', events: [{ ...ev, data }] }, 'dispatcher', 'gateway');
    expect(p.ok && p.msg.op === 'ev' && p.msg.events[0]!.data).toStrictEqual({
      a: 1,
      c: [{ e: 2 }],
    });
  });

  it('keeps only the known fields and reads a null optional field as absent', () => {
    const p = parseLinkMsg(
      { op: 'interest', topics: ['a'], on: false, reset: null, x: 1 },
      'gateway',
      'dispatcher',
    );
    expect(p).toEqual({ ok: true, msg: { op: 'interest', topics: ['a'], on: false } });
  });

  describe('roles', () => {
    it.each([
      ['fwd', 'gateway', 'dispatcher'],
      ['xdc', 'gateway', 'dispatcher'],
      ['ev', 'gateway', 'dispatcher'],
      ['interest', 'dispatcher', 'dispatcher'],
      ['pub', 'dispatcher', 'dispatcher'],
      ['interest', 'dispatcher', 'gateway'],
      ['pub', 'gateway', 'gateway'],
      ['presence-hb', 'dispatcher', 'gateway'],
      ['presence-r', 'gateway', 'dispatcher'],
      ['counts', 'gateway', 'dispatcher'],
      ['xcount', 'gateway', 'dispatcher'],
      ['count-report', 'dispatcher', 'dispatcher'],
      ['count-q', 'dispatcher', 'gateway'],
      ['count-r', 'gateway', 'dispatcher'],
    ] as [string, LinkRole, LinkRole][])('refuses %s sent by a %s to a %s', (op, from, to) => {
      const msg = VALID.find((v) => v[0] === op)![3];
      expect(parseLinkMsg(msg, from, to)).toEqual({
        ok: false,
        why: `op "${op}" may not be sent by a ${from} to a ${to}`,
      });
    });
  });

  describe('fields', () => {
    const bad = (
      msg: Record<string, unknown>,
      from: LinkRole = 'dispatcher',
      to: LinkRole = 'dispatcher',
    ) => {
      const p = parseLinkMsg(msg, from, to);
      if (p.ok) throw new Error(`accepted ${JSON.stringify(msg)}`);
      return p.why;
    };

    it.each([
      ['a null item', { op: 'fwd', items: [null] }, "fwd: 'items[0]' must be a map"],
      ['items that are not an array', { op: 'fwd', items: 5 }, "fwd: 'items' must be an array"],
      [
        'rids of another length',
        { op: 'fwd', items: [{ topic: 't', data: 1 }], rids: [1, 2] },
        "fwd: 'rids' must match 'items' one to one",
      ],
      [
        'a negative rid',
        { op: 'fwd', items: [{ topic: 't', data: 1 }], rids: [-1] },
        "fwd: 'rids[0]' must be an unsigned safe integer",
      ],
      [
        'a topic outside the client grammar',
        { op: 'xdc', origin: 'dc2', items: [{ topic: 'a b', data: 1 }] },
        "xdc: 'items[0].topic' must be 1 to 200 bytes of A-Z a-z 0-9 _ - . : / @",
      ],
      [
        'an empty origin',
        { op: 'xdc', origin: '', items: [] },
        "xdc: 'origin' must be a string of 1 to 200 characters",
      ],
      ['a missing data', { op: 'fwd', items: [{ topic: 't' }] }, "fwd: missing 'items[0].data'"],
      [
        'a fractional seq',
        { op: 'fwd-r', results: [{ rid: 1, seq: 1.5, epoch: 'e' }] },
        "fwd-r: 'results[0].seq' must be an unsigned safe integer",
      ],
      [
        'a history without rid',
        { op: 'history', topic: 't' },
        "history: 'rid' must be an unsigned safe integer",
      ],
      [
        'a since that is not a map',
        { op: 'history', rid: 1, topic: 't', since: 'x' },
        "history: 'since' must be a map",
      ],
      [
        'a since with a string seq',
        { op: 'history', rid: 1, topic: 't', since: { epoch: 'e', seq: '1' } },
        "history: 'since.seq' must be an unsigned safe integer",
      ],
      ...[0, 1001, 1.5, '5', true, -1].map(
        (last) =>
          [
            `a last of ${JSON.stringify(last)}`,
            { op: 'history', rid: 1, topic: 't', last },
            "history: field 'last' must be an integer of 1 to 1000",
          ] as [string, Record<string, unknown>, string],
      ),
      [
        'a long fail msg',
        { op: 'fail', rid: 1, code: 503, msg: 'x'.repeat(MAX_FAIL_MSG + 1) },
        `fail: 'msg' must be a string of 0 to ${MAX_FAIL_MSG} characters`,
      ],
      [
        'a member that makes no valid presence topic',
        { op: 'presence-hb', members: ['a b'] },
        "presence-hb: 'members[0]' must be a member id that makes a valid presence topic",
      ],
      [
        'an empty member',
        { op: 'presence-q', rid: 1, members: [''] },
        "presence-q: 'members[0]' must be a member id that makes a valid presence topic",
      ],
      [
        'a member too long for its topic',
        { op: 'presence-hb', members: ['m'.repeat(192)] },
        "presence-hb: 'members[0]' must be a member id that makes a valid presence topic",
      ],
      [
        'a lastSeen that is not a time',
        { op: 'presence-r', rid: 1, states: [{ online: true, lastSeen: -5 }] },
        "presence-r: 'states[0].lastSeen' must be an unsigned safe integer",
      ],
      [
        'an online that is not a boolean',
        { op: 'presence-r', rid: 1, states: [{ online: 1, lastSeen: null }] },
        "presence-r: 'states[0].online' must be a boolean",
      ],
      [
        'a count item that is not a pair',
        { op: 'xcount', origin: 'w', items: [['t', 1, 2]] },
        "xcount: 'items[0]' must be [topic, n]",
      ],
      [
        'a count item with a bad topic',
        { op: 'xcount', origin: 'w', items: [['a b', 1]] },
        "xcount: 'items[0][0]' must be 1 to 200 bytes of A-Z a-z 0-9 _ - . : / @",
      ],
      [
        'a negative count',
        { op: 'xcount', origin: 'w', items: [['t', -1]] },
        `xcount: 'items[0][1]' must be an integer of 0 to ${MAX_COUNT}`,
      ],
      [
        'a count over MAX_COUNT',
        { op: 'xcount', origin: 'w', items: [['t', MAX_COUNT + 1]] },
        `xcount: 'items[0][1]' must be an integer of 0 to ${MAX_COUNT}`,
      ],
      [
        'an xcount without origin',
        { op: 'xcount', items: [] },
        "xcount: 'origin' must be a string of 1 to 200 characters",
      ],
    ])('refuses %s', (_what, msg, why) => {
      expect(bad(msg)).toBe(why);
    });

    it('refuses interest whose topics are not a list of topics', () => {
      expect(bad({ op: 'interest', topics: 5, on: true }, 'gateway')).toBe(
        "interest: 'topics' must be an array",
      );
      expect(bad({ op: 'interest', topics: ['ok', 7], on: true }, 'gateway')).toMatch(
        /'topics\[1\]'/,
      );
      expect(bad({ op: 'interest', topics: [], on: 'yes' }, 'gateway')).toBe(
        "interest: 'on' must be a boolean",
      );
    });

    it('refuses count messages from a gateway with a bad field', () => {
      expect(bad({ op: 'count-q', rid: 1, topic: 't', n: 1.5 }, 'gateway')).toBe(
        `count-q: 'n' must be an integer of 0 to ${MAX_COUNT}`,
      );
      expect(bad({ op: 'count-q', rid: 1, topic: '', n: 1 }, 'gateway')).toMatch(/'topic'/);
      expect(bad({ op: 'count-report', items: { t: 1 } }, 'gateway')).toBe(
        "count-report: 'items' must be an array",
      );
      expect(bad({ op: 'count-report', items: [['t', '1']] }, 'gateway')).toMatch(
        /'items\[0\]\[1\]'/,
      );
      expect(bad({ op: 'count-report', items: [['t', 1, 2]] }, 'gateway')).toBe(
        "count-report: 'items[0][2]' must be 0 or 1",
      );
      expect(bad({ op: 'count-report', items: [['t', 1, true]] }, 'gateway')).toMatch(
        /'items\[0\]\[2\]'/,
      );
      expect(bad({ op: 'count-report', items: [['t', 1, 1, 1]] }, 'gateway')).toMatch(
        /'items\[0\]' must be \[topic, n\] or \[topic, n, watched\]/,
      );
      // The flag is a report's: a total from the owner has none.
      expect(bad({ op: 'counts', items: [['t', 1, 1]] }, 'dispatcher', 'gateway')).toMatch(
        /'items\[0\]' must be \[topic, n\]/,
      );
      expect(bad({ op: 'count-r', rid: 1, n: -2 }, 'dispatcher', 'gateway')).toMatch(/'n'/);
    });

    it('refuses data the subprotocols cannot carry', () => {
      const item = (data: unknown) => ({ op: 'fwd', items: [{ topic: 't', data }] });
      expect(bad(item(deep(MAX_DATA_DEPTH + 1)))).toMatch(/nested deeper than 64/);
      expect(bad(item(10n))).toMatch(/bigint/);
      expect(bad(item(new Date(0)))).toMatch(/timestamp/);
      expect(bad(item(Infinity))).toMatch(/Infinity/);
      expect(bad({ op: 'pub', rid: 1, topic: 't', data: [NaN] }, 'gateway')).toMatch(/NaN/);
    });

    it('checks every field of every event', () => {
      const evs = (e: Record<string, unknown>) => ({ op: 'ev', events: [ev, { ...ev, ...e }] });
      const to = (m: Record<string, unknown>) => bad(m, 'dispatcher', 'gateway');
      expect(to(evs({ topic: '' }))).toMatch(/'events\[1\].topic'/);
      expect(to(evs({ seq: -1 }))).toMatch(/'events\[1\].seq'/);
      expect(to(evs({ epoch: 'e'.repeat(65) }))).toMatch(/'events\[1\].epoch'/);
      expect(to(evs({ t0: NaN }))).toBe("ev: 'events[1].t0' must be a finite number");
      expect(to(evs({ data: 1n }))).toMatch(/'events\[1\].data' refused/);
      expect(to({ op: 'history-r', rid: 1, epoch: 'e', seq: 1, recovered: 1, events: [] })).toBe(
        "history-r: 'recovered' must be a boolean",
      );
    });

    it('bounds every array at MAX_LINK_ITEMS entries', () => {
      const topics = new Array<string>(MAX_LINK_ITEMS + 1).fill('t');
      expect(bad({ op: 'interest', topics, on: true }, 'gateway')).toBe(
        `interest: 'topics' holds more than ${MAX_LINK_ITEMS} entries`,
      );
      expect(
        parseLinkMsg({ op: 'interest', topics: topics.slice(1), on: true }, 'gateway', 'dispatcher')
          .ok,
      ).toBe(true);
    });

    it('reads a null last as absent and keeps last beside since', () => {
      const since = { epoch: 'e', seq: 1 };
      expect(
        parseLinkMsg({ op: 'history', rid: 1, topic: 't', last: null }, 'gateway', 'dispatcher'),
      ).toEqual({ ok: true, msg: { op: 'history', rid: 1, topic: 't' } });
      expect(
        parseLinkMsg(
          { op: 'history', rid: 1, topic: 't', since, last: 3 },
          'dispatcher',
          'dispatcher',
        ),
      ).toEqual({ ok: true, msg: { op: 'history', rid: 1, topic: 't', since, last: 3 } });
    });

    it('accepts any since.epoch a client sent (a client must not drop its gateway)', () => {
      const since = { epoch: 'x'.repeat(5000), seq: 0 };
      expect(
        parseLinkMsg({ op: 'history', rid: 1, topic: 't', since }, 'gateway', 'dispatcher').ok,
      ).toBe(true);
    });
  });
});
