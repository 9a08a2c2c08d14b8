/**
 * `GET /v1/presence?member=a&member=b` (PROTOCOL.md §7): each member's presence, answered by
 * the owners of their presence topics.
 *
 *   no member, more than `maxPresenceQuery`, or one that makes no valid presence topic ──► 400
 *   --presence-private with JWT auth: a bearer token whose `topics` cover every member's
 *   presence topic (401 without a valid one, 403 naming the first it does not cover)
 *   owner or store cannot answer ──► 503 (presence unknown, never guessed)
 *   otherwise ──► 200 {"a": {"online": true, "lastSeen": 1764650000000}, ...}
 */
import { Limits } from '../server/limits';
import type { DispatcherClient } from '../dispatcher/client';
import { presenceTopicOf } from '../protocol';
import { bearer } from './bearer';
import { checkToken, type ClientAuth } from './token-check';
import type { HttpRequest, HttpResponse } from './transport';

export interface PresenceRouteDeps {
  readonly dispatcher: Pick<DispatcherClient, 'presence'>;
  /** --presence-private */
  readonly private: boolean;
  /** Where JWT auth is configured. */
  readonly auth?: ClientAuth;
}

const JSON_TYPE = { 'content-type': 'application/json' };

function fail(status: number, error: string): HttpResponse {
  return { status, headers: JSON_TYPE, body: JSON.stringify({ error, code: status }) };
}

const clip = (s: string): string => JSON.stringify(s.length > 40 ? `${s.slice(0, 40)}...` : s);

export async function presenceRoute(d: PresenceRouteDeps, req: HttpRequest): Promise<HttpResponse> {
  if (req.method !== 'GET') return fail(405, 'use GET');
  const members = [...new Set(req.query.getAll('member'))];
  if (members.length === 0) return fail(400, 'give at least one ?member=');
  if (members.length > Limits.maxPresenceQuery) {
    return fail(400, `at most ${Limits.maxPresenceQuery} members per request`);
  }
  for (const m of members) {
    if (presenceTopicOf(m) === undefined) return fail(400, `member ${clip(m)} is not a valid id`);
  }
  if (d.private && d.auth !== undefined) {
    const check = await checkToken(
      d.auth,
      bearer(req.headers['authorization']),
      req.remoteAddress ?? '',
    );
    if (!check.ok) return fail(check.code, check.msg);
    const denied = members.find((m) => !check.identity.canSub(presenceTopicOf(m)!));
    if (denied !== undefined)
      return fail(403, `not allowed to read the presence of ${clip(denied)}`);
  }
  try {
    const states = await d.dispatcher.presence(members);
    // fromEntries defines own properties: a member named `__proto__` is an entry like any other.
    const body = Object.fromEntries(
      members.map((m, i) => [m, { online: states[i]!.online, lastSeen: states[i]!.lastSeen }]),
    );
    return { status: 200, headers: JSON_TYPE, body: JSON.stringify(body) };
  } catch (e) {
    return fail(503, `presence unknown: ${(e as Error).message}`);
  }
}
