/**
 * /metrics of a real node: the standard Node process names, no NaN or sentinel value, and
 * `--metrics-port` serving them alone.
 */
import { LISTENERS, startNode } from './harness';
import { families, nonFinite, samples, STANDARD_PROCESS_METRICS } from '../testing/exposition';

describe('GET /metrics of a running node', () => {
  it('has the standard process metric names and only finite values, scrape after scrape', async () => {
    const node = await startNode();
    try {
      // Back to back: the second scrape finds no event loop sample since the first.
      const texts = [];
      for (let i = 0; i < 3; i++) texts.push(await (await fetch(`${node.http}/metrics`)).text());
      for (const text of texts) {
        expect(nonFinite(text)).toEqual([]);
        const names = families(text);
        for (const name of STANDARD_PROCESS_METRICS) expect(names).toContain(name);
        expect([...names].filter((n) => n.startsWith('troupe_process'))).toEqual([]);
        expect(names).toContain('troupe_connections');
      }
      const lagMin = samples(texts[2]!).get('nodejs_eventloop_lag_min_seconds')!;
      expect(lagMin).toBeGreaterThanOrEqual(0);
      expect(lagMin).toBeLessThan(60);
    } finally {
      await node.stop();
    }
  });
});

describe('--metrics-port', () => {
  it('serves GET /metrics alone on its own port; the client port answers 404 for it', async () => {
    const node = await startNode(['--metrics-port', '0'], {}, [...LISTENERS.standalone, 'metrics']);
    try {
      const line = node.stdout.find((l) => l.startsWith('listening metrics '))!;
      const port = Number(line.split(':').pop());
      const res = await fetch(`http://127.0.0.1:${port}/metrics`);
      expect(res.status).toBe(200);
      const text = await res.text();
      expect(families(text)).toContain('troupe_connections');
      expect(nonFinite(text)).toEqual([]);
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(404);
      expect((await fetch(`${node.http}/metrics`)).status).toBe(404);
      expect((await fetch(`${node.http}/healthz`)).status).toBe(200);
    } finally {
      await node.stop();
    }
  });
});
