import { RequestTimeoutError, withTimeout } from './request-timeout';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const never = (): Promise<never> => new Promise(() => undefined);

/** Resolves with how long `p` took to fail with RequestTimeoutError (-1: it did not). */
function failedAfter(p: Promise<unknown>): Promise<number> {
  const start = performance.now();
  return p.then(
    () => -1,
    (e: unknown) => (e instanceof RequestTimeoutError ? performance.now() - start : -1),
  );
}

describe('withTimeout', () => {
  it('passes an answer in time through, and its error as an Error', async () => {
    await expect(withTimeout(Promise.resolve(7), 1000, 'x')).resolves.toBe(7);
    await expect(withTimeout(Promise.reject(new Error('no')), 1000, 'x')).rejects.toThrow('no');
    await expect(withTimeout(Promise.reject('text'), 1000, 'x')).rejects.toThrow('text');
  });

  it('fails each silent request at its own deadline, with the kind of request named', async () => {
    const first = failedAfter(withTimeout(never(), 200, 'history'));
    await sleep(100);
    const second = failedAfter(withTimeout(never(), 200, 'history'));
    const answered = withTimeout(
      sleep(50).then(() => 'ok'),
      200,
      'history',
    );
    await expect(answered).resolves.toBe('ok');
    const [a, b] = await Promise.all([first, second]);
    expect(a).toBeGreaterThanOrEqual(199);
    expect(b).toBeGreaterThanOrEqual(199);
    expect(a).toBeLessThan(2000);
    expect(b).toBeLessThan(2000);
    await expect(withTimeout(never(), 10, 'presence')).rejects.toThrow('presence timed out');
  });

  it('keeps the timeout when the answer comes after it', async () => {
    const late = withTimeout(
      sleep(150).then(() => 'late'),
      50,
      'publish',
    );
    await expect(late).rejects.toBeInstanceOf(RequestTimeoutError);
  });

  it('times out under any number of distinct timeouts (past the shared queues, a timer each)', async () => {
    const all = Array.from({ length: 40 }, (_, i) =>
      failedAfter(withTimeout(never(), 20 + i, 'x')),
    );
    const took = await Promise.all(all);
    took.forEach((t, i) => expect(t).toBeGreaterThanOrEqual(19 + i));
  });
});
