/**
 * `GET /v1/history?topic=T&limit=N` (PROTOCOL.md §12): the latest N events the topic's owner
 * still holds, oldest first, each as a JSON subscriber of the topic would have received it.
 *
 *   method not GET ──► 405     topic missing, repeated or bad; limit not 1..1000 ──► 400
 *   read access (topic-read-access.ts, the rules of `sub`) ──► 401 / 403 / 429
 *   `historyHttpInFlight` requests already being answered ──► 503
 *   owner does not answer in time ──► 503
 *   otherwise ──► 200 {"topic": T, "epoch": E, "seq": S, "events": [ev, ...]}
 *
 * `seq` (troupe's addition) is the topic's latest seq, so a reader can go on with a `sub` and
 * `since: {epoch, seq}` even when the list is empty. A topic nobody published to answers its
 * epoch, seq 0 and no events.
 *
 * Each event is encoded alone (`encodeEvents`, JSON), newest first, until the answer would pass
 * `historyHttpMaxBytes`: the older ones left out are flagged `truncated: true`. An event that
 * cannot be encoded (ingress refuses such data, so only a bug gets here) is left out and
 * counted in `skipped` and by the gateway's skip handler: the route never answers 500.
 */
import { Limits } from '../server/limits';
import type { DispatcherClient } from '../dispatcher/client';
import type { HistoryAnswer } from '../dispatcher/types';
import {
  badLast,
  encodeEvents,
  isHistoryLast,
  isValidTopic,
  jsonCodec,
  type SkipHandler,
} from '../protocol';
import { fail, JSON_TYPE } from './http-reply';
import { withTimeout } from './request-timeout';
import { checkRead, type TopicReadAccess } from './topic-read-access';
import type { HttpRequest, HttpResponse } from './transport';

export const HISTORY_PATH = '/v1/history';

export interface HistoryRouteDeps {
  readonly dispatcher: Pick<DispatcherClient, 'history'>;
  /** Who may read the topic: the same rules as a `sub` (presence topics included). */
  readonly access: TopicReadAccess;
  /** How long the owner may take to answer; then 503. */
  readonly timeoutMs: number;
  /** Told of an event left out because it could not be encoded (the gateway counts it). */
  readonly onSkip?: SkipHandler;
  /** JSON bytes of the events of one answer (default `Limits.historyHttpMaxBytes`). */
  readonly maxBytes?: number;
  /** The gateway's count of requests being answered (one per gateway, shared by its requests). */
  readonly inFlight: InFlight;
}

/** Requests being answered now, and how many may be at once. */
export class InFlight {
  n = 0;
  constructor(readonly max: number = Limits.historyHttpInFlight) {}
}

const BAD_TOPIC = 'topic: give one ?topic= of 1 to 200 bytes of A-Z a-z 0-9 _ - . : / @';
/** Digits only: `1e3`, `+5`, ` 5` or `0x10` are not a count a person meant. */
const DIGITS = /^[0-9]{1,4}$/;

export async function historyRoute(d: HistoryRouteDeps, req: HttpRequest): Promise<HttpResponse> {
  if (req.method !== 'GET') return fail(405, 'use GET');
  const topics = req.query.getAll('topic');
  const topic = topics[0];
  if (topics.length !== 1 || !isValidTopic(topic)) return fail(400, BAD_TOPIC);
  const limit = parseLimit(req.query.getAll('limit'));
  if (limit === undefined) return fail(400, badLast('limit'));
  const access = await checkRead(d.access, req, topic);
  if (!access.ok) return fail(access.status, access.msg);
  const { inFlight } = d;
  if (inFlight.n >= inFlight.max) return fail(503, 'too many history requests at once; retry');
  inFlight.n++;
  try {
    const read = d.dispatcher.history(topic, undefined, limit);
    const h = await withTimeout(read, d.timeoutMs, 'history');
    return { status: 200, headers: JSON_TYPE, body: historyBody(topic, h, d) };
  } catch (e) {
    return fail(503, `history failed: ${(e as Error).message}`);
  } finally {
    inFlight.n--;
  }
}

/** `limit` as asked (absent: `Limits.historyDefaultLimit`), or undefined when it is bad. */
function parseLimit(raw: readonly string[]): number | undefined {
  if (raw.length === 0) return Limits.historyDefaultLimit;
  if (raw.length > 1 || !DIGITS.test(raw[0]!)) return undefined;
  const n = Number(raw[0]);
  return isHistoryLast(n) ? n : undefined;
}

/** The answer's JSON text; the envelope is built by hand so each event is encoded only once. */
export function historyBody(
  topic: string,
  h: HistoryAnswer,
  d: Pick<HistoryRouteDeps, 'onSkip' | 'maxBytes'>,
): string {
  const maxBytes = d.maxBytes ?? Limits.historyHttpMaxBytes;
  let skipped = 0;
  const onSkip: SkipHandler = (t, event, cause) => {
    skipped++;
    d.onSkip?.(t, event, cause);
  };
  const parts: string[] = [];
  let bytes = 0;
  let truncated = false;
  for (let i = h.events.length - 1; i >= 0; i--) {
    const one = encodeEvents(jsonCodec, topic, h.epoch, [h.events[i]!], onSkip);
    if (one === undefined) continue;
    const text = typeof one === 'string' ? one : Buffer.from(one).toString('utf8');
    const size = Buffer.byteLength(text) + 1;
    if (bytes + size > maxBytes) {
      truncated = true;
      break;
    }
    bytes += size;
    parts.push(text);
  }
  parts.reverse();
  const head = JSON.stringify({ topic, epoch: h.epoch, seq: h.seq });
  const extra = `${truncated ? ',"truncated":true' : ''}${skipped > 0 ? `,"skipped":${skipped}` : ''}`;
  return `${head.slice(0, -1)}${extra},"events":[${parts.join(',')}]}`;
}
