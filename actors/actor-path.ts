/**
 * Actor paths: "/user/gateway/router-3/conn-8f2a". A name is one path segment, unique among
 * live siblings, so a path names at most one live actor and the admin socket can walk it.
 */
import { InvalidActorNameError } from './errors';

export const USER_GUARDIAN_NAME = 'user';
export const USER_GUARDIAN_PATH = '/user';

export function validateName(name: string): void {
  if (name.length === 0 || name.includes('/')) throw new InvalidActorNameError(name);
}

export function childPath(parentPath: string, name: string): string {
  return `${parentPath}/${name}`;
}

/** "/user/a/b" -> ["user", "a", "b"]; a trailing "/" is tolerated; undefined if not absolute. */
export function splitPath(path: string): string[] | undefined {
  if (!path.startsWith('/')) return undefined;
  const trimmed = path.length > 1 && path.endsWith('/') ? path.slice(1, -1) : path.slice(1);
  if (trimmed.length === 0) return [];
  const segments = trimmed.split('/');
  return segments.includes('') ? undefined : segments;
}
