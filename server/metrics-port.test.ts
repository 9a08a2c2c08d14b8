import { staticToken } from '../auth';
import type { HttpRequest } from '../gateway/transport';
import { metricsOnly } from './metrics-port';

function req(path: string, over: Partial<HttpRequest> = {}): HttpRequest {
  return {
    method: 'GET',
    path,
    query: new URLSearchParams(),
    headers: {},
    body: Buffer.alloc(0),
    remoteAddress: '127.0.0.1',
    ...over,
  };
}

const TEXT = '# TYPE troupe_up gauge\ntroupe_up 1\n';

describe(metricsOnly, () => {
  const handle = metricsOnly({ metrics: () => Promise.resolve(TEXT) });

  it('answers GET /metrics with the Prometheus text', async () => {
    const res = await handle(req('/metrics'));
    expect(res.status).toBe(200);
    expect(res.headers?.['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(res.body).toBe(TEXT);
  });

  it.each(['/healthz', '/readyz', '/v1/publish', '/', '/metrics/x'])(
    'answers 404 for %s',
    async (path) => {
      expect((await handle(req(path))).status).toBe(404);
    },
  );

  it('answers 405 for a POST to /metrics', async () => {
    expect((await handle(req('/metrics', { method: 'POST' }))).status).toBe(405);
  });

  it('needs the --metrics-token where one is set', async () => {
    const guarded = metricsOnly({
      metrics: () => Promise.resolve(TEXT),
      metricsToken: staticToken('m-secret'),
    });
    expect((await guarded(req('/metrics'))).status).toBe(401);
    const ok = await guarded(req('/metrics', { headers: { authorization: 'Bearer m-secret' } }));
    expect(ok.status).toBe(200);
  });
});
