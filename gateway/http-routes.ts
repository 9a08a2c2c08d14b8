/**
 * Plain HTTP on the client port: health, readiness, Prometheus metrics, `POST /v1/publish`,
 * `GET /v1/topics/<topic>` (viewer counts, `topic-count-route.ts`), `GET /v1/presence`
 * (`presence-route.ts`), `GET /v1/history` (a topic's latest events, `history-route.ts`), the
 * client library's bundle (`GET /v1/client.js`, `client-bundle.ts`), the demo page (`GET /`,
 * `demo-route.ts`).
 *
 * Browser safety (PROTOCOL.md §6), before any route:
 *
 *   Origin not allowed ──► 403        OPTIONS from an allowed origin ──► 204 + CORS preflight headers
 *
 * then a publish: 415 unless the body is application/json or application/msgpack (so a
 * cross-site form or `text/plain` fetch, which needs no preflight, cannot publish; checked
 * before the token, so it costs no verification), 401 without a token the publisher auth
 * accepts (429 while the address is throttled), 403 for a topic its JWT's `pub` does not cover.
 * Responses to an allowed browser origin carry `access-control-allow-origin`.
 *
 * Errors answer JSON `{"error": "...", "code": N}` with the status of PROTOCOL.md's error table.
 */
import type { PublisherAuth, StaticToken } from '../auth';
import {
  checkPayload,
  decodePayload,
  isPresenceTopic,
  isValidTopic,
  PRESENCE_READ_ONLY,
} from '../protocol';
import type { DispatcherClient } from '../dispatcher/client';
import { bearer } from './bearer';
import { HISTORY_PATH, historyRoute, type HistoryRouteDeps } from './history-route';
import { presenceRoute, type PresenceRouteDeps } from './presence-route';
import { fail, json, JSON_TYPE } from './http-reply';
import { serveClientBundle, type ClientBundle } from './client-bundle';
import { serveDemoPage, type DemoPage } from './demo-route';
import type { OriginPolicy } from './origins';
import { topicCount, TOPICS_PATH, type TopicCountDeps } from './topic-count-route';
import type { HttpRequest, HttpResponse } from './transport';

/** What `GET /metrics` needs; also all that `--metrics-port` serves (server/metrics-port.ts). */
export interface MetricsDeps {
  /** Undefined where `--metrics-port` serves them instead: 404 here. */
  readonly metrics: (() => Promise<string>) | undefined;
  /** Where set (--metrics-token), `GET /metrics` answers 401 without this bearer token. */
  readonly metricsToken?: StaticToken;
}

export interface HttpDeps extends MetricsDeps {
  readonly ready: () => boolean;
  readonly dispatcher: Pick<DispatcherClient, 'publish'>;
  readonly httpPublish: boolean;
  readonly publisherAuth: PublisherAuth;
  readonly origins: OriginPolicy;
  /** `GET /v1/presence` where the node has a gateway (PROTOCOL.md §7). */
  readonly presence?: PresenceRouteDeps;
  /** `GET /v1/topics/<topic>`: viewer counts and who may read them (absent: 404). */
  readonly topics?: TopicCountDeps;
  /** `GET /v1/client.js` (read once at start; 404 where not built). */
  readonly clientBundle?: ClientBundle;
  /** `GET /v1/history`: a topic's latest held events (absent: 404). */
  readonly history?: HistoryRouteDeps;
  /** `GET /`: the demo page of a standalone node (absent: 404). */
  readonly demoPage?: DemoPage;
}

/** The body types a publish accepts: both need a CORS preflight from a browser page. */
const PUBLISH_TYPES = ['application/json', 'application/msgpack'];

const METRICS_CHALLENGE = { ...JSON_TYPE, 'www-authenticate': 'Bearer realm="troupe metrics"' };

export async function handleHttp(d: HttpDeps, req: HttpRequest): Promise<HttpResponse> {
  const origin = req.headers['origin'];
  if (!d.origins.allows(origin)) return fail(403, 'origin not allowed');
  if (req.method === 'OPTIONS') {
    return origin === undefined
      ? { status: 204, headers: { allow: 'GET, POST, OPTIONS' }, body: '' }
      : { status: 204, headers: d.origins.preflightHeaders(origin), body: '' };
  }
  const res = await route(d, req);
  const cors = d.origins.corsHeaders(origin);
  return origin === undefined ? res : { ...res, headers: { ...res.headers, ...cors } };
}

async function route(d: HttpDeps, req: HttpRequest): Promise<HttpResponse> {
  switch (req.path) {
    case '/healthz':
      return { status: 200, headers: { 'content-type': 'text/plain' }, body: 'ok\n' };
    case '/readyz':
      return d.ready()
        ? { status: 200, headers: { 'content-type': 'text/plain' }, body: 'ready\n' }
        : { status: 503, headers: { 'content-type': 'text/plain' }, body: 'not ready\n' };
    case '/metrics':
      return serveMetrics(d, req);
    case '/':
      return d.demoPage === undefined ? fail(404, 'not found') : serveDemoPage(d.demoPage, req);
    case '/v1/client.js':
      return serveClientBundle(d.clientBundle, req);
    case '/v1/publish':
      if (req.method !== 'POST') return fail(405, 'use POST');
      return publish(d, req);
    case '/v1/presence':
      return d.presence === undefined ? fail(404, 'not found') : presenceRoute(d.presence, req);
    case HISTORY_PATH:
      return d.history === undefined ? fail(404, 'not found') : historyRoute(d.history, req);
    default:
      if (d.topics !== undefined && req.path.startsWith(TOPICS_PATH))
        return topicCount(d.topics, req);
      return fail(404, 'not found');
  }
}

/** `GET /metrics`, Prometheus text. */
export async function serveMetrics(d: MetricsDeps, req: HttpRequest): Promise<HttpResponse> {
  if (d.metrics === undefined) return fail(404, 'metrics are served on the --metrics-port');
  // Operator data (connection counts, topics' traffic): not for anyone who can reach the port.
  if (
    d.metricsToken !== undefined &&
    !d.metricsToken.matches(bearer(req.headers['authorization']))
  ) {
    return { ...fail(401, 'metrics need the bearer token'), headers: METRICS_CHALLENGE };
  }
  return {
    status: 200,
    headers: { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' },
    body: await d.metrics(),
  };
}

async function publish(d: HttpDeps, req: HttpRequest): Promise<HttpResponse> {
  if (!d.httpPublish) return fail(404, 'publishing over HTTP is disabled');
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (!PUBLISH_TYPES.includes(type)) {
    return fail(415, 'content-type must be application/json or application/msgpack');
  }
  const check = await d.publisherAuth.check(
    bearer(req.headers['authorization']),
    req.remoteAddress ?? '',
  );
  if (!check.ok) return check.throttled ? fail(429, check.msg) : fail(401, check.msg);
  let body: unknown;
  try {
    body =
      type === 'application/msgpack'
        ? decodePayload(req.body)
        : (JSON.parse(req.body.toString('utf8')) as unknown);
  } catch {
    return fail(400, 'body is not valid JSON (or msgpack with content-type application/msgpack)');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return fail(400, 'body must be an object {topic, data}');
  }
  const { topic, data } = body as { topic?: unknown; data?: unknown };
  if (!isValidTopic(topic)) return fail(400, 'topic: 1 to 200 bytes of A-Z a-z 0-9 _ - . : / @');
  if (!('data' in body) || data === undefined) return fail(400, "missing field 'data'");
  if (Date.now() >= check.access.expMs) return fail(401, 'token expired');
  if (isPresenceTopic(topic)) return fail(403, PRESENCE_READ_ONLY);
  if (!check.access.canPub(topic)) return fail(403, `not allowed to publish to ${topic}`);
  const payload = checkPayload(data);
  if (!payload.ok) return fail(400, payload.msg);
  try {
    const r = await d.dispatcher.publish(topic, payload.data, payload.bytes);
    return json(200, { seq: r.seq, epoch: r.epoch });
  } catch (e) {
    return fail(503, `publish failed: ${(e as Error).message}`);
  }
}
