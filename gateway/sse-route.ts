/**
 * `GET /v1/sse` (PROTOCOL.md §9): whether a Server-Sent Events stream opens, decided before a
 * byte of it is sent, so every refusal is an HTTP status a client can read.
 *
 *   origin, ?member=, throttle ──► as the WebSocket upgrade (its own check, run first): 403, 400, 429
 *   --auth-token refused, or JWT flags and no token or a refused one ──► 401
 *   query over Limits.sseMaxQuery ──► 414     no topic, or a bad one ──► 400
 *   more topics than sseMaxTopics (or maxSubscriptions) ──► 413
 *   a topic the token does not allow ──► 403 (the whole stream: see below)
 *   else ──► 200, a connection actor whose first frames are `sub`s for the topics (with
 *            `since` from Last-Event-ID, or ?lastEventId= for clients that cannot set headers)
 *
 * Why a refused token or topic is a status and not an `err` event in a started stream: an
 * EventSource that gets a non-200 answer stops for good (WHATWG "fail the connection"), which is
 * right for a permission no retry will grant, while a stream that sends `err` and ends would be
 * reopened by the browser forever. Mercure answers an invalid subscriber JWT with 401 the same
 * way, before any stream. Mercure filters private updates silently instead; a troupe stream
 * names its topics, so a silently missing topic would only look quiet. A WebSocket, which can
 * send `auth` later and `sub` one topic at a time, keeps its accept-then-4001 and `err` 403.
 */
import { isValidTopic } from '../protocol';
import { ConnSlot } from './conn-slot';
import type { ConnectionLimits } from './connection-actor';
import { bump, type GatewayStats } from './gateway-stats';
import type { OriginPolicy } from './origins';
import { maySubscribe } from './presence-hooks';
import { Limits } from '../server/limits';
import { SseCodec } from './transport/sse-codec';
import { parsePosition } from './transport/sse-position';
import type { StreamDecision, UpgradeDecision, UpgradeRequest } from './transport';

export const SSE_PATH = '/v1/sse';

export interface SseRouteDeps {
  /** The gateway's WebSocket upgrade check: origin, token, throttle, `?member=`. */
  readonly upgrade: (req: UpgradeRequest) => UpgradeDecision | Promise<UpgradeDecision>;
  /** JWT auth is configured: a stream without a verified token is refused (it cannot `auth`). */
  readonly jwt: boolean;
  readonly limits: ConnectionLimits;
  readonly origins: OriginPolicy;
  readonly stats: GatewayStats;
}

/** bye's `retryMs` when the server ends a stream for a reason that sent no `bye` of its own. */
const FAREWELL_RETRY_MS = Limits.stoppedRetryMs;

export async function sseRoute(d: SseRouteDeps, req: UpgradeRequest): Promise<StreamDecision> {
  const up = await d.upgrade(req);
  if (!up.accept) return up;
  const origin = req.headers['origin'];
  const cors = d.origins.corsHeaders(origin);
  const refuse = (status: number, body: string, label: string): StreamDecision => {
    bump(d.stats.badInput, label);
    return { accept: false, status, body, headers: cors };
  };
  const slot = up.userData as ConnSlot;
  if (slot.authFailed)
    return { accept: false, status: 401, body: 'authentication failed', headers: cors };
  if (d.jwt && slot.identity === undefined) return refuse(401, 'token required', 'auth_missing');
  if (req.query.toString().length > Limits.sseMaxQuery)
    return refuse(414, 'query too long', 'too_large');
  const topics = [...new Set(req.query.getAll('topic'))];
  if (topics.length === 0) return refuse(400, 'name at least one topic=', 'invalid');
  const max = Math.min(Limits.sseMaxTopics, d.limits.maxSubscriptions);
  if (topics.length > max) return refuse(413, `at most ${max} topics per stream`, 'too_large');
  for (const t of topics) {
    if (!isValidTopic(t))
      return refuse(400, 'topic: 1 to 200 bytes of A-Z a-z 0-9 _ - . : / @', 'invalid');
    if (!maySubscribe(slot.identity, t, d.limits.presencePrivate ?? false)) {
      return refuse(403, `not allowed to subscribe to ${t}`, 'forbidden');
    }
  }
  const lastId = req.headers['last-event-id'] ?? req.query.get('lastEventId') ?? undefined;
  const resume = parsePosition(lastId, topics.length);
  if (lastId !== undefined && lastId !== '' && resume === undefined)
    bump(d.stats.badInput, 'bad_last_event_id');
  const codec = new SseCodec(topics, resume);
  const stream = new ConnSlot(slot.id, codec, false, slot.identity);
  for (const data of codec.subFrames(wantsCount(req.query.get('count')))) {
    stream.tell({ type: 'frame', data });
  }
  return {
    accept: true,
    userData: stream,
    headers: cors,
    preamble: `: ${slot.id}\n\n`,
    farewell: (code, reason) => codec.farewell(code, reason, FAREWELL_RETRY_MS),
  };
}

function wantsCount(v: string | null): boolean {
  return v === '1' || v === 'true';
}
