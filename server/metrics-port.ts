/**
 * `--metrics-port`: `GET /metrics` alone, on a port of its own, so the Prometheus scrape can
 * live on a private network while the client port faces the internet. Every other path is 404
 * and every other method 405; `--metrics-token` applies as on the client port.
 */
import { fail } from '../gateway/http-reply';
import { serveMetrics, type MetricsDeps } from '../gateway/http-routes';
import type { TroupeConfig } from './config';
import { HttpServer, type HttpHandler } from './http-server';
import { bindListener } from './startup-error';

export function metricsOnly(d: MetricsDeps): HttpHandler {
  return async (req) => {
    if (req.path !== '/metrics') return fail(404, 'this port serves GET /metrics only');
    if (req.method !== 'GET' && req.method !== 'HEAD') return fail(405, 'use GET');
    return serveMetrics(d, req);
  };
}

/**
 * Binds `--metrics-port` where it is set and prints `listening metrics <host>:<port>`; resolves
 * with the server to close at stop, or undefined when the flag is unset.
 */
export async function listenMetricsPort(
  cfg: Pick<TroupeConfig, 'host' | 'metricsPort'>,
  d: Required<Pick<MetricsDeps, 'metrics'>> & MetricsDeps,
  print: (line: string) => void,
): Promise<HttpServer | undefined> {
  const { host, metricsPort } = cfg;
  if (metricsPort === undefined) return undefined;
  const server = new HttpServer(metricsOnly(d));
  try {
    const port = await bindListener('--metrics-port', host, metricsPort, () =>
      server.listen(host, metricsPort),
    );
    print(`listening metrics ${host}:${port}`);
    return server;
  } catch (err) {
    await server.close();
    throw err;
  }
}
