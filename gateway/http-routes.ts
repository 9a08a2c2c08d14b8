/**
 * Plain HTTP on the client port: health, readiness, Prometheus metrics and `POST /v1/publish`.
 *
 * Errors answer JSON `{"error": "...", "code": N}` with the status of PROTOCOL.md's error table.
 */
import { checkPayload, decodePayload, isValidTopic } from '../protocol';
import type { DispatcherClient } from '../dispatcher/client';
import { bearer } from './bearer';
import type { HttpRequest, HttpResponse } from './transport';

export interface HttpDeps {
  readonly ready: () => boolean;
  readonly metrics: () => Promise<string>;
  readonly dispatcher: Pick<DispatcherClient, 'publish'>;
  readonly httpPublish: boolean;
  readonly authToken: string | undefined;
}

const JSON_TYPE = { 'content-type': 'application/json' };

function json(status: number, body: unknown): HttpResponse {
  return { status, headers: JSON_TYPE, body: JSON.stringify(body) };
}

function fail(status: number, error: string): HttpResponse {
  return json(status, { error, code: status });
}

export async function handleHttp(d: HttpDeps, req: HttpRequest): Promise<HttpResponse> {
  switch (req.path) {
    case '/healthz':
      return { status: 200, headers: { 'content-type': 'text/plain' }, body: 'ok\n' };
    case '/readyz':
      return d.ready()
        ? { status: 200, headers: { 'content-type': 'text/plain' }, body: 'ready\n' }
        : { status: 503, headers: { 'content-type': 'text/plain' }, body: 'not ready\n' };
    case '/metrics':
      return {
        status: 200,
        headers: { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' },
        body: await d.metrics(),
      };
    case '/v1/publish':
      if (req.method !== 'POST') return fail(405, 'use POST');
      return publish(d, req);
    default:
      return fail(404, 'not found');
  }
}

async function publish(d: HttpDeps, req: HttpRequest): Promise<HttpResponse> {
  if (!d.httpPublish) return fail(404, 'publishing over HTTP is disabled');
  if (d.authToken !== undefined && bearer(req.headers['authorization']) !== d.authToken) {
    return fail(401, 'missing or wrong bearer token');
  }
  let body: unknown;
  try {
    const type = (req.headers['content-type'] ?? '').toLowerCase();
    body = type.startsWith('application/msgpack')
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
  const check = checkPayload(data);
  if (!check.ok) return fail(400, check.msg);
  try {
    const r = await d.dispatcher.publish(topic, data);
    return json(200, { seq: r.seq, epoch: r.epoch });
  } catch (e) {
    return fail(503, `publish failed: ${(e as Error).message}`);
  }
}
