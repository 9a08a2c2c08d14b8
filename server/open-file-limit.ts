/**
 * The default of `--max-connections`: what the open-file limit leaves for client sockets.
 *
 * Why it matters: a process at its open-file limit cannot accept, and uWebSockets.js then spins
 * on the listening socket (100% CPU, health checks and new connections hang). Refusing upgrades
 * with 503 well before the limit keeps descriptors free for everything else the process holds.
 *
 * Node has no getrlimit; on Linux `/proc/self/limits` shows the soft limit, which Node raises to
 * the hard limit at start-up. Elsewhere (or if it cannot be read) a fixed default applies.
 */
import { readFileSync } from 'node:fs';

/** Used where the open-file limit cannot be read (not Linux) or is unlimited. */
export const FALLBACK_MAX_CONNECTIONS = 10_000;

/**
 * Descriptors kept back from client connections: listeners (client, publish, link, http,
 * admin), inter-node links, admin and health-check clients, publisher connections, and Node's
 * own (epoll, pipes, stdio, log files). At least 256, or a tenth of a larger limit.
 */
export function fileReserve(limit: number): number {
  return Math.max(256, Math.ceil(limit / 10));
}

/** The soft `Max open files` of `/proc/<pid>/limits` text; undefined if absent or unlimited. */
export function parseOpenFileLimit(text: string): number | undefined {
  const m = /^Max open files\s+(\d+|unlimited)\s/m.exec(text);
  if (m === null || m[1] === 'unlimited') return undefined;
  return Number(m[1]);
}

export function maxConnectionsFor(limit: number | undefined): number {
  if (limit === undefined) return FALLBACK_MAX_CONNECTIONS;
  return Math.max(1, limit - fileReserve(limit));
}

/** This process's default `--max-connections`. */
export function defaultMaxConnections(): number {
  let text: string;
  try {
    text = readFileSync('/proc/self/limits', 'utf8');
  } catch {
    return FALLBACK_MAX_CONNECTIONS;
  }
  return maxConnectionsFor(parseOpenFileLimit(text));
}
