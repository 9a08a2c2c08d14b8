/**
 * A connection's identity (JWT auth, PROTOCOL.md §6): first-message `auth` and its deadline,
 * the token's expiry, `refresh`, and the member-table join and leave that follow the identity.
 *
 *   upgrade with a token ──► identity ──(refresh)──► identity' ──(exp)──► bye, 4001 "token expired"
 *   upgrade without one  ──► unauthenticated ──(auth)──► identity
 *                                          ──(refused / deadline)──► 4001 "authentication failed"
 *
 * Functions over the connection actor (`IdentityHost`), not an object per connection: the
 * identity is one field of the actor, undefined without JWT auth (so a connection without one
 * costs nothing more), and the actor alone changes it (`adopt`) and its open/closing state
 * (`close`). Where JWT auth is on and the upgrade brought no token, the connection is
 * unauthenticated (`env.auth` set, identity undefined: no extra field): its first message must
 * be `auth` within `auth.timeoutMs`, every other op gets `err` 401 until then, and a refused
 * token or the deadline closes it with 4001.
 *
 * Expiry is checked on the router's heartbeat `tick`, which every connection gets anyway; only a
 * token due to expire before the tick after next gets a timer of its own (`ctx.timers`, dying
 * with the actor), so 100k connections with hour-long tokens hold no timers. At `exp` (exactly:
 * the verifier's clock tolerance is for accepting a token, not for keeping one) the client gets
 * `bye` and 4001 "token expired"; a `refresh` before it replaces the identity in place.
 */
import type { Timers } from '../actors';
import type { Identity } from '../auth';
import { Disconnect, ErrorCode, type ClientMessage, type DisconnectReason } from '../protocol';
import { byeOf } from './close-reason';
import type { ConnectionEnv, ConnectionLimits, ConnHost } from './conn-env';
import { bump } from './gateway-stats';
import type { ConnMsg } from './messages';
import { presenceMemberOf } from './presence-hooks';
import { checkToken } from './token-check';

/**
 * Where the timers are: the actor's context. Read `ctx.timers` only when a timer is set or
 * checked: the getter makes the actor's timer table, and most connections never need one (a
 * table per connection was ~170 B at 10,000 connections).
 */
export interface HasTimers {
  readonly timers: Timers<ConnMsg>;
}

/**
 * What the identity needs of its connection actor, which implements it. Every change of the
 * connection's state goes through the actor's own methods (`adopt`, `close`).
 */
export interface IdentityHost extends ConnHost {
  close(why: DisconnectReason): void;
  /** The actor's one change of identity: first-message `auth`'s, or `refresh`'s replacement. */
  adopt(identity: Identity): void;
}

/** The parts of the connection env identity reads. */
export type IdentityEnv = Pick<ConnectionEnv, 'auth' | 'stats' | 'members'> & {
  readonly limits: Pick<ConnectionLimits, 'heartbeatMs'>;
};

type AuthMessage = Extract<ClientMessage, { op: 'auth' }>;
type RefreshMessage = Extract<ClientMessage, { op: 'refresh' }>;

/** The timer key of a token's expiry, and its one message (shared by every connection). */
const EXPIRY = 'expiry';
const EXPIRE: ConnMsg = { type: 'expire' };
const AUTH_DEADLINE_KEY = 'auth';
const AUTH_DEADLINE: ConnMsg = { type: 'auth-deadline' };

/** JWT auth is on and no token has been verified yet (first-message `auth` pending). */
export function awaitingAuth(identity: Identity | undefined, env: IdentityEnv): boolean {
  return identity === undefined && env.auth !== undefined;
}

/**
 * At the connection's start: the deadline of first-message `auth` where it is awaited;
 * otherwise the expiry watch of the upgrade's identity and its member's join.
 */
export function startIdentity(
  host: IdentityHost,
  env: IdentityEnv,
  identity: Identity | undefined,
  ctx: HasTimers,
): void {
  if (awaitingAuth(identity, env)) {
    ctx.timers.startSingle(AUTH_DEADLINE_KEY, AUTH_DEADLINE, env.auth!.timeoutMs);
  } else {
    watchExpiry(host, identity, env.limits.heartbeatMs, ctx);
    presenceOf(env, identity, 'join');
  }
}

/** The `auth` deadline came: a connection still unauthenticated gets `err` 401 and 4001. */
export function authDeadline(
  host: IdentityHost,
  env: IdentityEnv,
  identity: Identity | undefined,
): void {
  if (!host.open || !awaitingAuth(identity, env)) return;
  bump(env.stats.badInput, 'auth_timeout');
  host.err(undefined, ErrorCode.Unauthorized, 'no auth in time');
  host.close(Disconnect.AuthFailed);
}

/** First-message `auth`: a refused token closes the connection, as at the upgrade. */
export async function authenticate(
  host: IdentityHost,
  env: IdentityEnv,
  m: AuthMessage,
  address: string,
  ctx: HasTimers,
): Promise<void> {
  host.flush();
  const check = await checkToken(env.auth!, m.token, address);
  if (!host.open) return;
  if (!check.ok) {
    bump(env.stats.badInput, 'auth_failed');
    host.err(m.id, check.code, check.msg);
    return host.close(Disconnect.AuthFailed);
  }
  presenceOf(env, check.identity, 'join');
  adoptToken(host, env, check.identity, m.id, ctx, AUTH_DEADLINE_KEY);
}

/**
 * Closes the connection once its token's `exp` has come; before that, sets the expiry timer
 * when `exp` comes before the tick after next (ticks may run late by a busy turn).
 */
export function watchExpiry(
  host: IdentityHost,
  identity: Identity | undefined,
  heartbeatMs: number,
  ctx: HasTimers,
): void {
  if (identity === undefined || !host.open) return;
  const left = identity.expMs - Date.now();
  if (left <= 0) {
    host.reply(byeOf(Disconnect.TokenExpired, 0));
    return host.close(Disconnect.TokenExpired);
  }
  if (left < 2 * heartbeatMs && !ctx.timers.isActive(EXPIRY)) {
    ctx.timers.startSingle(EXPIRY, EXPIRE, left);
  }
}

/**
 * A new token for the same member replaces the identity (and its expiry) in place. A token
 * that fails leaves the connection as it was, with the identity it had until its `exp`.
 * `identity` is the connection's current one (its handler runs alone, so the await below
 * cannot see it change).
 */
export async function refresh(
  host: IdentityHost,
  env: IdentityEnv,
  identity: Identity | undefined,
  m: RefreshMessage,
  address: string,
  ctx: HasTimers,
): Promise<void> {
  const { auth, stats } = env;
  if (auth === undefined || identity === undefined) {
    return host.err(m.id, ErrorCode.BadRequest, 'refresh needs JWT auth, not configured here');
  }
  host.flush();
  const check = await checkToken(auth, m.token, address);
  if (!host.open) return;
  if (!check.ok) {
    bump(stats.badInput, 'auth_failed');
    return host.err(m.id, check.code, check.msg);
  }
  if (check.identity.member !== identity.member) {
    bump(stats.badInput, 'forbidden');
    return host.err(m.id, ErrorCode.Forbidden, "the token is for another 'sub'");
  }
  // A token may turn `presence` on or off; the member itself cannot change (checked above).
  if (check.identity.presence !== identity.presence) {
    presenceOf(env, identity, 'leave');
    presenceOf(env, check.identity, 'join');
  }
  adoptToken(host, env, check.identity, m.id, ctx, EXPIRY);
}

/**
 * A verified token becomes the connection's identity: the timer it ends (`auth`'s deadline, or
 * the old token's expiry) is cancelled, the `ack` carries its `exp` in seconds, and its own
 * expiry is watched from now on.
 */
function adoptToken(
  host: IdentityHost,
  env: IdentityEnv,
  identity: Identity,
  id: number,
  ctx: HasTimers,
  ends: string,
): void {
  host.adopt(identity);
  ctx.timers.cancel(ends);
  host.reply({ op: 'ack', id, exp: identity.expMs / 1000 });
  watchExpiry(host, identity, env.limits.heartbeatMs, ctx);
}

/** Joins or leaves the gateway's member table for `identity`'s member, if it has one. */
export function presenceOf(
  env: IdentityEnv,
  identity: Identity | undefined,
  type: 'join' | 'leave',
): void {
  const member = presenceMemberOf(identity);
  if (member !== undefined) env.members?.tell({ type, member });
}
