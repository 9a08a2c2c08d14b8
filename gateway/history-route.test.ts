import { AuthThrottle, staticToken } from '../auth';
import type { HistoryAnswer, TopicEvent } from '../dispatcher/types';
import { DispatcherUnavailableError } from '../dispatcher/errors';
import { hmacClientAuth } from '../testing/auth-keys';
import { eventually } from '../testing/eventually';
import { httpDeps } from '../testing/http-deps';
import { historyBody, InFlight, type HistoryRouteDeps } from './history-route';
import { handleHttp, type HttpDeps } from './http-routes';
import { OriginPolicy } from './origins';
import { topicReadAccess } from './topic-read-access';
import type { HttpRequest, HttpResponse } from './transport';

const ev = (seq: number, data: unknown = seq): TopicEvent => ({
  topic: 't',
  seq,
  epoch: 'E',
  data,
  t0: 0,
});

/** A dispatcher holding `events` of one epoch; records what each read asked for. */
function holding(events: TopicEvent[], seq = events.length) {
  const asked: [string, unknown, unknown][] = [];
  const dispatcher = {
    history: (topic: string, since: unknown, last?: number): Promise<HistoryAnswer> => {
      asked.push([topic, since, last]);
      const n = last ?? 0;
      return Promise.resolve({
        epoch: 'E',
        seq,
        recovered: true,
        events: events.slice(Math.max(0, events.length - n)),
      });
    },
  };
  return { asked, dispatcher };
}

const open = topicReadAccess(undefined, undefined, new AuthThrottle());

function deps(history: Partial<HistoryRouteDeps>, origins = new OriginPolicy(['*'])): HttpDeps {
  return httpDeps({
    origins,
    history: {
      dispatcher: holding([]).dispatcher,
      access: open,
      timeoutMs: 1000,
      inFlight: new InFlight(),
      ...history,
    },
  });
}

function get(query: string, headers: Record<string, string> = {}, method = 'GET'): HttpRequest {
  return {
    method,
    path: '/v1/history',
    query: new URLSearchParams(query),
    headers,
    body: Buffer.alloc(0),
  };
}

const body = (res: HttpResponse): Record<string, unknown> =>
  JSON.parse(typeof res.body === 'string' ? res.body : res.body.toString('utf8')) as Record<
    string,
    unknown
  >;

const twenty = Array.from({ length: 20 }, (_, i) => ev(i + 1));

describe('GET /v1/history', () => {
  it('answers the latest N events, oldest first, each as a JSON ev', async () => {
    const { asked, dispatcher } = holding(twenty);
    const res = await handleHttp(deps({ dispatcher }), get('topic=t&limit=5'));
    expect(res.status).toBe(200);
    expect(res.headers?.['content-type']).toBe('application/json');
    expect(asked).toEqual([['t', undefined, 5]]);
    expect(body(res)).toEqual({
      topic: 't',
      epoch: 'E',
      seq: 20,
      events: [16, 17, 18, 19, 20].map((n) => ({
        op: 'ev',
        topic: 't',
        seq: n,
        epoch: 'E',
        data: n,
      })),
    });
  });

  it('asks for 100 events when no limit is given', async () => {
    const { asked, dispatcher } = holding(twenty);
    const res = await handleHttp(deps({ dispatcher }), get('topic=t'));
    expect(res.status).toBe(200);
    expect(asked).toEqual([['t', undefined, 100]]);
    expect((body(res).events as unknown[]).length).toBe(20);
  });

  it('answers 200 with no events and the epoch for a topic nobody published to', async () => {
    const res = await handleHttp(deps({ dispatcher: holding([]).dispatcher }), get('topic=quiet'));
    expect(body(res)).toEqual({ topic: 'quiet', epoch: 'E', seq: 0, events: [] });
  });

  it('accepts limits 1 and 1000', async () => {
    const { asked, dispatcher } = holding(twenty);
    for (const q of ['topic=t&limit=1', 'topic=t&limit=1000']) {
      expect((await handleHttp(deps({ dispatcher }), get(q))).status).toBe(200);
    }
    expect(asked.map((a) => a[2])).toEqual([1, 1000]);
  });

  it.each([
    ['limit=0'],
    ['limit=1001'],
    ['limit=-1'],
    ['limit=1.5'],
    ['limit=1e2'],
    ['limit=+5'],
    ['limit='],
    ['limit=abc'],
    ['limit=99999999999999999999'],
    ['limit=5&limit=6'],
  ])('answers 400 naming limit for %s, asking nobody', async (q) => {
    const { asked, dispatcher } = holding(twenty);
    const res = await handleHttp(deps({ dispatcher }), get(`topic=t&${q}`));
    expect(res.status).toBe(400);
    expect(body(res).error).toBe("field 'limit' must be an integer of 1 to 1000");
    expect(asked).toEqual([]);
  });

  it.each([[''], ['topic='], ['topic=a%20b'], [`topic=${'x'.repeat(201)}`], ['topic=a&topic=b']])(
    'answers 400 for the topic of %p, asking nobody',
    async (q) => {
      const { asked, dispatcher } = holding(twenty);
      const res = await handleHttp(deps({ dispatcher }), get(q));
      expect(res.status).toBe(400);
      expect(asked).toEqual([]);
    },
  );

  it('answers 405 to another method', async () => {
    expect((await handleHttp(deps({}), get('topic=t', {}, 'POST'))).status).toBe(405);
  });

  it('answers 404 where the node serves no history route', async () => {
    const d = { ...deps({}), history: undefined };
    expect((await handleHttp(d, get('topic=t'))).status).toBe(404);
  });

  it('answers 503 when the owner fails or does not answer in time', async () => {
    const failing = {
      history: () => Promise.reject(new DispatcherUnavailableError('no dispatcher is reachable')),
    };
    const res = await handleHttp(deps({ dispatcher: failing }), get('topic=t'));
    expect(res.status).toBe(503);
    expect(body(res).error).toBe('history failed: no dispatcher is reachable');
    const silent = { history: () => new Promise<HistoryAnswer>(() => undefined) };
    const late = await handleHttp(deps({ dispatcher: silent, timeoutMs: 20 }), get('topic=t'));
    expect(late.status).toBe(503);
  });

  it('answers 503 past the requests in flight, and serves again once they are answered', async () => {
    const waiting: ((a: HistoryAnswer) => void)[] = [];
    const held = {
      history: () => new Promise<HistoryAnswer>((resolve) => waiting.push(resolve)),
    };
    const inFlight = new InFlight(1);
    const d = deps({ dispatcher: held, inFlight });
    const answerNext = async (): Promise<void> => {
      await eventually(() => waiting.length > 0);
      waiting.shift()!({ epoch: 'E', seq: 0, recovered: true, events: [] });
    };
    const first = handleHttp(d, get('topic=t'));
    await eventually(() => waiting.length === 1);
    const refused = await handleHttp(d, get('topic=t'));
    expect(refused.status).toBe(503);
    expect(body(refused).error).toBe('too many history requests at once; retry');
    await answerNext();
    expect((await first).status).toBe(200);
    expect(inFlight.n).toBe(0);
    const again = handleHttp(d, get('topic=t'));
    await answerNext();
    expect((await again).status).toBe(200);
  });

  it('carries the CORS header of an allowed origin and refuses another origin with 403', async () => {
    const origins = new OriginPolicy(['https://app.example']);
    const d = deps({ dispatcher: holding(twenty).dispatcher }, origins);
    const ok = await handleHttp(d, get('topic=t', { origin: 'https://app.example' }));
    expect(ok.status).toBe(200);
    expect(ok.headers?.['access-control-allow-origin']).toBe('https://app.example');
    expect((await handleHttp(d, get('topic=t', { origin: 'https://evil.example' }))).status).toBe(
      403,
    );
  });

  describe('access', () => {
    it('wants the --auth-token where it is set (401 without it)', async () => {
      const access = topicReadAccess(staticToken('tok'), undefined, new AuthThrottle());
      const d = deps({ dispatcher: holding(twenty).dispatcher, access });
      expect((await handleHttp(d, get('topic=t'))).status).toBe(401);
      const res = await handleHttp(d, get('topic=t', { authorization: 'Bearer tok' }));
      expect(res.status).toBe(200);
    });

    const { auth, token } = hmacClientAuth();

    it('wants a JWT whose topics cover the topic (401 without one, 403 for another topic)', async () => {
      const access = topicReadAccess(undefined, auth, auth.throttle, false);
      const d = deps({ dispatcher: holding(twenty).dispatcher, access });
      const live = await token({ topics: ['live:*'] });
      const bearer = { authorization: `Bearer ${live}` };
      expect((await handleHttp(d, get('topic=t'))).status).toBe(401);
      expect((await handleHttp(d, get('topic=secret', bearer))).status).toBe(403);
      expect((await handleHttp(d, get('topic=live:1', bearer))).status).toBe(200);
      expect((await handleHttp(d, get(`topic=live:1&token=${live}`))).status).toBe(200);
    });

    it('reads presence topics as sub does: open to any valid token unless --presence-private', async () => {
      const none = await token({ topics: [] });
      const bearer = { authorization: `Bearer ${none}` };
      const dispatcher = holding([]).dispatcher;
      const shared = deps({
        dispatcher,
        access: topicReadAccess(undefined, auth, auth.throttle, false),
      });
      expect((await handleHttp(shared, get('topic=presence:bob', bearer))).status).toBe(200);
      expect((await handleHttp(shared, get('topic=presence:bob'))).status).toBe(401);
      const priv = deps({
        dispatcher,
        access: topicReadAccess(undefined, auth, auth.throttle, true),
      });
      expect((await handleHttp(priv, get('topic=presence:bob', bearer))).status).toBe(403);
    });
  });
});

describe(historyBody, () => {
  const answer = (events: TopicEvent[]): HistoryAnswer => ({
    epoch: 'E',
    seq: events.length,
    recovered: true,
    events,
  });
  const parse = (s: string) => JSON.parse(s) as Record<string, unknown>;

  it('writes bytes as {$bin} like the JSON subprotocol', () => {
    const out = parse(historyBody('t', answer([ev(1, new Uint8Array([1, 2]))]), {}));
    expect(out.events).toEqual([
      { op: 'ev', topic: 't', seq: 1, epoch: 'E', data: { $bin: 'AQI=' } },
    ]);
  });

  it('writes the events of a presence topic as presence messages', () => {
    const change = { user: 'bob', online: true, lastSeen: 5 };
    const out = parse(
      historyBody('presence:bob', answer([{ ...ev(1, change), topic: 'presence:bob' }]), {}),
    );
    expect(out.events).toEqual([
      {
        op: 'presence',
        topic: 'presence:bob',
        user: 'bob',
        online: true,
        lastSeen: 5,
        seq: 1,
        epoch: 'E',
      },
    ]);
  });

  it('keeps the newest events that fit the byte bound and says truncated', () => {
    const events = Array.from({ length: 10 }, (_, i) => ev(i + 1, 'x'.repeat(100)));
    const one = JSON.stringify({
      op: 'ev',
      topic: 't',
      seq: 10,
      epoch: 'E',
      data: 'x'.repeat(100),
    });
    const out = parse(historyBody('t', answer(events), { maxBytes: 3 * (one.length + 1) }));
    expect((out.events as { seq: number }[]).map((e) => e.seq)).toEqual([8, 9, 10]);
    expect(out.truncated).toBe(true);
    const all = parse(historyBody('t', answer(events), { maxBytes: 10 * (one.length + 1) }));
    expect((all.events as unknown[]).length).toBe(10);
    expect(all.truncated).toBeUndefined();
  });

  it('leaves out an event that cannot be encoded, counts it and tells the skip handler', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const told: number[] = [];
    const out = parse(
      historyBody('t', answer([ev(1), ev(2, cyclic), ev(3)]), {
        onSkip: (_t, e) => told.push(e.seq),
      }),
    );
    expect((out.events as { seq: number }[]).map((e) => e.seq)).toEqual([1, 3]);
    expect(out.skipped).toBe(1);
    expect(told).toEqual([2]);
  });
});
