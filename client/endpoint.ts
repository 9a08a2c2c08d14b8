/**
 * The endpoint URL of a node from its base URL (PROTOCOL.md §10): `ws://`, `wss://`, `http://`
 * or `https://` host (with any path prefix a proxy adds), turned into the transport's scheme
 * and path (`/v1/ws`), with the token (`?token=`) or, without one, the member name
 * (`?member=`, PROTOCOL.md §7). A base URL that already ends with the path is taken as is.
 */
import { TroupeUsageError } from './errors';
import type { Transport } from './transport';

const PLAIN = ['ws:', 'http:'];
const SECURE = ['wss:', 'https:'];

export function endpointUrl(
  base: string,
  t: Pick<Transport, 'path' | 'plainScheme' | 'secureScheme'>,
  token?: string,
  member?: string,
): string {
  let u: URL;
  try {
    u = new URL(base);
  } catch {
    throw new TroupeUsageError(`not a URL: ${base}`);
  }
  if (PLAIN.includes(u.protocol)) u.protocol = t.plainScheme;
  else if (SECURE.includes(u.protocol)) u.protocol = t.secureScheme;
  else throw new TroupeUsageError(`unsupported scheme ${u.protocol} (ws, wss, http or https)`);
  const path = u.pathname.replace(/\/+$/, '');
  if (!path.endsWith(t.path)) u.pathname = path + t.path;
  u.hash = '';
  if (token !== undefined) u.searchParams.set('token', token);
  else if (member !== undefined) u.searchParams.set('member', member);
  return u.toString();
}
