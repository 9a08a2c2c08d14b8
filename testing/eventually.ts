/**
 * The one way a test waits for something to become true: polls `cond` (sync or async) until it
 * holds, throwing after `timeoutMs` with `what` in the message. The first polls run at the next
 * macrotask, so a condition an actor turn or two away costs microseconds; later polls sleep a
 * few ms, so a condition waiting on a socket or a process does not spin a core.
 */
const FAST_POLLS = 20;
const SLOW_POLL_MS = 5;

export async function eventually(
  cond: () => boolean | Promise<boolean>,
  timeoutMs = 3000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let polls = 0; !(await cond()); polls++) {
    if (Date.now() > deadline) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await new Promise((resolve) =>
      polls < FAST_POLLS ? setImmediate(resolve) : setTimeout(resolve, SLOW_POLL_MS),
    );
  }
}
