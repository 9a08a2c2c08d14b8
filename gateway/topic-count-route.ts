/**
 * `GET /v1/topics/<topic>` (PROTOCOL.md §8): `{"topic": ..., "subscribers": n}`, the topic's
 * concurrent subscribers across the cluster, as a `sub` with `count: true` would be told.
 *
 * The topic is the rest of the path, percent-decoded (it may hold `/`); one outside the topic
 * grammar answers 400. Read access is `topic-read-access.ts`'s (open without client auth; a
 * token otherwise). A dispatcher that does not answer: 503.
 */
import { isValidTopic } from '../protocol';
import type { CountQuery } from './gateway-counts';
import { fail, json } from './http-reply';
import { checkRead, type TopicReadAccess } from './topic-read-access';
import type { HttpRequest, HttpResponse } from './transport';

export const TOPICS_PATH = '/v1/topics/';

export interface TopicCountDeps {
  readonly counts: CountQuery;
  readonly access: TopicReadAccess;
}

export async function topicCount(d: TopicCountDeps, req: HttpRequest): Promise<HttpResponse> {
  if (req.method !== 'GET') return fail(405, 'use GET');
  let topic: string;
  try {
    topic = decodeURIComponent(req.path.slice(TOPICS_PATH.length));
  } catch {
    return fail(400, 'topic is not valid percent-encoding');
  }
  if (!isValidTopic(topic)) return fail(400, 'topic: 1 to 200 bytes of A-Z a-z 0-9 _ - . : / @');
  const access = await checkRead(d.access, req, topic);
  if (!access.ok) return fail(access.status, access.msg);
  try {
    return json(200, { topic, subscribers: await d.counts.total(topic) });
  } catch (e) {
    return fail(503, `count failed: ${(e as Error).message}`);
  }
}
