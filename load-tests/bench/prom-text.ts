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
  return (await scrapeMetrics(http, [name], timeoutMs))[name] ?? null;
}

/**
 * Several metrics from one scrape (each a name, or a name with its labels exactly as exposed,
 * e.g. `troupe_presence_changes_total{to="online"}`); every value null when unreachable.
 */
export async function scrapeMetrics(
  http: Endpoint,
  names: readonly string[],
  timeoutMs = 2000,
): Promise<Record<string, number | null>> {
  let text: string | null = null;
  try {
    const res = await fetch(`http://${http.host}:${http.port}/metrics`, {
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (res.ok) text = await res.text();
  } catch {
    text = null;
  }
  const out: Record<string, number | null> = {};
  for (const n of names) out[n] = text === null ? null : metricValue(text, n);
  return out;
}

/**
 * Polls metric `name` every `everyMs` until it reaches `want` or `timeoutMs` passes; returns
 * the last value read (null: never read), so the caller decides what falling short means.
 */
export async function awaitMetricAtLeast(
  http: Endpoint,
  name: string,
  want: number,
  timeoutMs: number,
  everyMs = 100,
): Promise<number | null> {
  const deadline = Date.now() + timeoutMs;
  let v: number | null = null;
  while (Date.now() < deadline) {
    v = await scrapeMetric(http, name);
    if (v !== null && v >= want) return v;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  return v;
}
