import { AuthThrottle, staticToken } from '../auth';
import { httpDeps } from '../testing/http-deps';
import { handleHttp, type HttpDeps } from './http-routes';
import { OriginPolicy } from './origins';
import type { TopicCountDeps } from './topic-count-route';
import { topicReadAccess } from './topic-read-access';
import type { HttpRequest } from './transport';

function request(path: string, method = 'GET', headers: Record<string, string> = {}): HttpRequest {
  return { method, path, query: new URLSearchParams(), headers, body: Buffer.alloc(0) };
}

function deps(topics: TopicCountDeps, origins = new OriginPolicy(['*'])): HttpDeps {
  return httpDeps({ origins, topics });
}

const open = topicReadAccess(undefined, undefined, new AuthThrottle());
const asked: string[] = [];
const counts = {
  total: (topic: string) => (asked.push(topic), Promise.resolve(topic.length)),
};

describe('GET /v1/topics/<topic>', () => {
  beforeEach(() => (asked.length = 0));

  it('answers the topic and its subscribers, the topic percent-decoded (it may hold /)', async () => {
    const res = await handleHttp(deps({ counts, access: open }), request('/v1/topics/live%3Aa/b'));
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body as string)).toEqual({ topic: 'live:a/b', subscribers: 8 });
  });

  it.each([
    ['/v1/topics/'],
    ['/v1/topics/a%20b'],
    ['/v1/topics/%E0%A4%A'],
    [`/v1/topics/${'x'.repeat(201)}`],
  ])('answers 400 for the bad topic of %s, asking nobody', async (path) => {
    const res = await handleHttp(deps({ counts, access: open }), request(path));
    expect(res.status).toBe(400);
    expect(asked).toEqual([]);
  });

  it('answers 405 to another method', async () => {
    const res = await handleHttp(deps({ counts, access: open }), request('/v1/topics/a', 'POST'));
    expect(res.status).toBe(405);
  });

  it('answers 401 without the token where client auth is on', async () => {
    const access = topicReadAccess(staticToken('t'), undefined, new AuthThrottle());
    const d = deps({ counts, access });
    expect((await handleHttp(d, request('/v1/topics/a'))).status).toBe(401);
    const ok = await handleHttp(d, request('/v1/topics/a', 'GET', { authorization: 'Bearer t' }));
    expect(ok.status).toBe(200);
  });

  it('answers 403 to an origin not allowed, as every endpoint does', async () => {
    const d = deps({ counts, access: open }, new OriginPolicy(['https://app.example']));
    const res = await handleHttp(
      d,
      request('/v1/topics/a', 'GET', { origin: 'https://evil.example' }),
    );
    expect(res.status).toBe(403);
    expect(asked).toEqual([]);
  });

  it('answers 503 when the count cannot be had', async () => {
    const failing = { total: () => Promise.reject(new Error('no dispatcher')) };
    const res = await handleHttp(deps({ counts: failing, access: open }), request('/v1/topics/a'));
    expect(res.status).toBe(503);
  });
});
