import v8 from 'node:v8';
import vm from 'node:vm';
import { Registry } from 'prom-client';
import { families, nonFinite, samples, STANDARD_PROCESS_METRICS } from '../testing/exposition';
import { registerProcessMetrics } from './process-metrics';

function registry(): Registry {
  const reg = new Registry();
  registerProcessMetrics(reg);
  return reg;
}

describe(registerProcessMetrics, () => {
  it('exports the standard Node process metric names, without a prefix', async () => {
    const got = families(await registry().metrics());
    for (const name of STANDARD_PROCESS_METRICS) expect(got).toContain(name);
    expect([...got].filter((n) => !/^(process|nodejs)_/.test(n))).toEqual([]);
  });

  it('exports only finite values when two scrapes find no event loop sample between them', async () => {
    const reg = registry();
    // Back to back, in one turn of the loop: the delay monitor has recorded nothing yet.
    const [first, second] = [await reg.metrics(), await reg.metrics()];
    expect(nonFinite(first)).toEqual([]);
    expect(nonFinite(second)).toEqual([]);
    expect(samples(second).get('nodejs_eventloop_lag_min_seconds')).toBe(0);
  });

  it('reads the delay of a window that had samples, and keeps it through an empty one', async () => {
    const reg = registry();
    await new Promise((r) => setTimeout(r, 100));
    const busy = samples(await reg.metrics());
    const min = busy.get('nodejs_eventloop_lag_min_seconds')!;
    const max = busy.get('nodejs_eventloop_lag_max_seconds')!;
    expect(min).toBeGreaterThan(0);
    expect(max).toBeGreaterThanOrEqual(min);
    expect(max).toBeLessThan(60);
    const empty = samples(await reg.metrics());
    expect(empty.get('nodejs_eventloop_lag_min_seconds')).toBe(min);
    expect(nonFinite(await reg.metrics())).toEqual([]);
  });

  it('counts every GC, also several that Node hands its observer in one callback', async () => {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    const reg = registry();
    const majors = async (): Promise<number> =>
      samples(await reg.metrics()).get('nodejs_gc_duration_seconds_count{kind="major"}') ?? 0;
    const before = await majors();
    // Five in one turn: the observer gets them in one callback, after it.
    for (let i = 0; i < 5; i++) gc();
    await new Promise((r) => setTimeout(r, 50));
    expect((await majors()) - before).toBeGreaterThanOrEqual(5);
  });
});
