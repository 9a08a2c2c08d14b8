/**
 * `troupe admin drain` waits for the drain to finish: the drain request is idempotent and
 * answers the clients still connected, so the command repeats it until none is left or its
 * timeout passes. Polling keeps every request short; nothing on the node waits for the command.
 */
import { AdminCmd, type AdminAnswer } from './admin-protocol';
import { DEFAULT_ADMIN_TIMEOUT_MS, adminRequest } from './admin-request';

/** How long `troupe admin drain` waits for the last client by default. */
export const DEFAULT_DRAIN_WAIT_MS = 30_000;
/** Between two progress requests. */
export const DRAIN_POLL_MS = 200;
/** A request never gets less than this, however little of the wait is left. */
const MIN_REQUEST_MS = 1000;

/** Clients still connected according to a drain answer; 0 when the node does not say. */
export function clientsLeft(answer: AdminAnswer): number {
  return answer.ok && typeof answer.clients === 'number' ? answer.clients : 0;
}

/**
 * Starts the drain and resolves with the last answer: one with no client left, a refusal, or
 * the answer current when `timeoutMs` ran out. Throws AdminClientError like adminRequest.
 */
export async function drainUntilEmpty(
  path: string,
  timeoutMs: number,
  pollMs = DRAIN_POLL_MS,
): Promise<AdminAnswer> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left = deadline - Date.now();
    const requestMs = Math.min(DEFAULT_ADMIN_TIMEOUT_MS, Math.max(left, MIN_REQUEST_MS));
    const answer = await adminRequest(path, { cmd: AdminCmd.Drain }, requestMs);
    if (clientsLeft(answer) === 0 || Date.now() + pollMs > deadline) return answer;
    await new Promise((r) => setTimeout(r, pollMs));
  }
}
