/**
 * Reads one metric out of a Prometheus text exposition (what `/metrics` serves), and fetches it
 * from a node. Only what the bench needs: the sum of every series of one name.
 */
import type { Endpoint } from './server-process';

/**
 * Sum of every sample of metric `name` (with or without labels); null when there is none.
 * `name` must match exactly: `troupe_x_total` does not match `troupe_x_total_more`.
 */
export function metricValue(text: string, name: string): number | null {
  let sum: number | null = null;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || !line.startsWith(name)) continue;
    const rest = line.slice(name.length);
    let valueAt: number;
    if (rest.startsWith('{')) {
      const close = rest.lastIndexOf('}');
      if (close < 0) continue;
      valueAt = close + 1;
    } else if (rest.startsWith(' ') || rest.startsWith('\t')) valueAt = 0;
    else continue;
    // "<value> [timestamp]"
    const v = Number(rest.slice(valueAt).trim().split(/\s+/)[0]);
    if (Number.isFinite(v)) sum = (sum ?? 0) + v;
  }
  return sum;
}

/** GET http://host:port/metrics, then metricValue; null when unreachable or absent. */
export async function scrapeMetric(
  http: Endpoint,
  name: string,
  timeoutMs = 2000,
): Promise<number | null> {
  try {
    const res = await fetch(`http://${http.host}:${http.port}/metrics`, {
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!res.ok) return null;
    return metricValue(await res.text(), name);
  } catch {
    return null;
  }
}
