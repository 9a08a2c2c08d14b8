/**
 * The link handshake: mutual challenge-response over HMAC-SHA256, so each side proves it holds
 * the cluster secret without the secret (or anything it could be recovered from offline, beyond
 * a mac over fresh nonces) crossing the wire.
 *
 *   server                                              client
 *     │── hello {v: 1, node, role, dc, nonce: sN} ───────►│
 *     │◄── auth {node, role, dc, nonce: cN, mac: C} ───────│  C = HMAC(s, "troupe-link-v1|client|sN|cN|" + id(client))
 *     │── welcome {mac: S} ───────────────────────────────►│  S = HMAC(s, "troupe-link-v1|server|cN|sN|" + id(server))
 *     │◄── first frame (hb) ───────────────────────────────│  the client verified S: both up
 *
 * The labels "client" and "server" keep a mac of one direction from being replayed in the
 * other; fresh nonces on both sides keep a recorded handshake from being replayed at all.
 * `id(x)` is the JSON array `[node, role, dc]` of what that side announced (its auth, its
 * hello), so each mac binds the whole identity: a captured or proxied handshake cannot be
 * relabelled as another node, role or datacenter (JSON, not a separator: a name may hold any
 * character, and a field boundary must not move).
 * Nonces are 16 random bytes as 32 lowercase hex characters; macs are hex, or "" without a
 * secret (then both sides accept loopback peers only).
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { LinkPeerInfo, LinkRole } from '../link-messages';

export const LINK_VERSION = 1;
const LABEL = 'troupe-link-v1';
const NONCE_RE = /^[0-9a-f]{32}$/;
const MAX_NAME = 200;

export interface HelloFrame extends LinkPeerInfo {
  readonly op: 'hello';
  readonly v: number;
  readonly nonce: string;
}
export interface AuthFrame extends LinkPeerInfo {
  readonly op: 'auth';
  readonly nonce: string;
  readonly mac: string;
}
export interface WelcomeFrame {
  readonly op: 'welcome';
  readonly mac: string;
}

export function newNonce(): string {
  return randomBytes(16).toString('hex');
}

function hmac(secret: string, text: string): string {
  return createHmac('sha256', secret).update(text).digest('hex');
}

function identity(p: LinkPeerInfo): string {
  return JSON.stringify([p.node, p.role, p.dc]);
}

/** What the client proves: it saw this server's nonce, and who it claims to be. */
export function clientMac(
  secret: string | undefined,
  serverNonce: string,
  clientNonce: string,
  client: LinkPeerInfo,
): string {
  if (secret === undefined) return '';
  return hmac(secret, `${LABEL}|client|${serverNonce}|${clientNonce}|${identity(client)}`);
}

/** What the server proves: it saw this client's nonce, and it is who its hello said. */
export function serverMac(
  secret: string | undefined,
  clientNonce: string,
  serverNonce: string,
  server: LinkPeerInfo,
): string {
  if (secret === undefined) return '';
  return hmac(secret, `${LABEL}|server|${clientNonce}|${serverNonce}|${identity(server)}`);
}

/** Constant-time for equal lengths; a length mismatch says only that the mac is wrong. */
export function macEquals(expected: string, got: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(got, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** 127.0.0.0/8, ::1 and IPv4-mapped 127.x; anything unknown is not loopback. */
export function isLoopback(address: string | undefined): boolean {
  if (address === undefined) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4) || address === '::1';
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !Buffer.isBuffer(v);
}

function isName(v: unknown): v is string {
  return typeof v === 'string' && v.length > 0 && v.length <= MAX_NAME;
}

function isRole(v: unknown): v is LinkRole {
  return v === 'gateway' || v === 'dispatcher';
}

function peerOf(m: Record<string, unknown>): LinkPeerInfo | undefined {
  const { node, role, dc } = m;
  return isName(node) && isRole(role) && isName(dc) ? { node, role, dc } : undefined;
}

/** undefined when `v` is not a well-formed hello of our version. */
export function parseHello(v: unknown): HelloFrame | undefined {
  if (!isRecord(v) || v.op !== 'hello' || v.v !== LINK_VERSION) return undefined;
  const peer = peerOf(v);
  if (peer === undefined || typeof v.nonce !== 'string' || !NONCE_RE.test(v.nonce))
    return undefined;
  return { op: 'hello', v: LINK_VERSION, ...peer, nonce: v.nonce };
}

export function parseAuth(v: unknown): AuthFrame | undefined {
  if (!isRecord(v) || v.op !== 'auth' || typeof v.mac !== 'string') return undefined;
  const peer = peerOf(v);
  if (peer === undefined || typeof v.nonce !== 'string' || !NONCE_RE.test(v.nonce))
    return undefined;
  return { op: 'auth', ...peer, nonce: v.nonce, mac: v.mac };
}

export function parseWelcome(v: unknown): WelcomeFrame | undefined {
  if (!isRecord(v) || v.op !== 'welcome' || typeof v.mac !== 'string') return undefined;
  return { op: 'welcome', mac: v.mac };
}

export function helloFrame(self: LinkPeerInfo, nonce: string): HelloFrame {
  return { op: 'hello', v: LINK_VERSION, node: self.node, role: self.role, dc: self.dc, nonce };
}

export function authFrame(
  self: LinkPeerInfo,
  secret: string | undefined,
  serverNonce: string,
  clientNonce: string,
): AuthFrame {
  const { node, role, dc } = self;
  return {
    op: 'auth',
    node,
    role,
    dc,
    nonce: clientNonce,
    mac: clientMac(secret, serverNonce, clientNonce, self),
  };
}

/** The server's check of step 2; true when the client proved the secret (or none is set). */
export function verifyAuth(
  secret: string | undefined,
  serverNonce: string,
  auth: AuthFrame,
): boolean {
  if (secret === undefined) return true;
  return macEquals(clientMac(secret, serverNonce, auth.nonce, auth), auth.mac);
}

/** The client's check of step 3, against the identity the server's hello announced. */
export function verifyWelcome(
  secret: string | undefined,
  clientNonce: string,
  serverNonce: string,
  server: LinkPeerInfo,
  welcome: WelcomeFrame,
): boolean {
  if (secret === undefined) return welcome.mac === '';
  return macEquals(serverMac(secret, clientNonce, serverNonce, server), welcome.mac);
}
