/**
 * Browser origins (PROTOCOL.md §6, `--allowed-origins`): which web pages may open a connection
 * or call the HTTP endpoints. A request with no `Origin` header is not from a browser page (a
 * server, a mobile app, a CLI) and is never refused for it.
 *
 *   no Origin header           ──► allowed
 *   `*` listed                 ──► any origin allowed
 *   origin listed (exact, case-insensitive) ──► allowed
 *   anything else              ──► refused (HTTP 403)
 *
 * _decided_: unset, the list is `*` where no auth is configured (the development default) and
 * empty where any auth is (no browser origin until listed).
 */

export const ANY_ORIGIN = '*';

/** Seconds a browser may cache a preflight's answer. */
export const PREFLIGHT_MAX_AGE_SEC = 600;

/** `*`, or `scheme://host[:port]` as browsers send it, lowercased. */
export function parseOrigin(raw: string): string {
  if (raw === ANY_ORIGIN) return raw;
  const v = raw.toLowerCase().replace(/\/$/, '');
  if (!/^[a-z][a-z0-9+.-]*:\/\/[^/?#\s]+$/.test(v)) {
    throw new Error(`expected * or scheme://host[:port], got '${raw}'`);
  }
  return v;
}

export class OriginPolicy {
  private readonly any: boolean;
  private readonly listed: Set<string>;

  constructor(origins: readonly string[]) {
    this.any = origins.includes(ANY_ORIGIN);
    this.listed = new Set(origins.map((o) => o.toLowerCase()));
  }

  /** Whether a request carrying this `Origin` header (or none) is served. */
  allows(origin: string | undefined): boolean {
    return origin === undefined || this.any || this.listed.has(origin.toLowerCase());
  }

  /** The CORS headers of a response to an allowed browser origin (none without an Origin). */
  corsHeaders(origin: string | undefined): Record<string, string> {
    if (origin === undefined || !this.allows(origin)) return {};
    return { 'access-control-allow-origin': origin, vary: 'origin' };
  }

  /** The headers of a preflight's 204 for an allowed origin. */
  preflightHeaders(origin: string): Record<string, string> {
    return {
      ...this.corsHeaders(origin),
      // GET: an SSE stream opened with fetch (Authorization, Last-Event-ID need a preflight).
      'access-control-allow-methods': 'GET, POST',
      'access-control-allow-headers': 'authorization, content-type, last-event-id',
      'access-control-max-age': String(PREFLIGHT_MAX_AGE_SEC),
    };
  }
}
