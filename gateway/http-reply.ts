/** JSON answers of the HTTP routes: one shape for successes and one for errors. */
import type { HttpResponse } from './transport';

export const JSON_TYPE = { 'content-type': 'application/json' };

export function json(status: number, body: unknown): HttpResponse {
  return { status, headers: JSON_TYPE, body: JSON.stringify(body) };
}

/** `{"error": "...", "code": N}` with the status of PROTOCOL.md's error table. */
export function fail(status: number, error: string): HttpResponse {
  return json(status, { error, code: status });
}
