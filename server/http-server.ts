/**
 * HTTP on a port of its own: the endpoints (healthz, readyz, metrics, publish) for nodes without
 * a client port (a dispatcher) or with `--http-port`, and `--metrics-port`. It reads a request's
 * body (bounded) and hands the request to `handle`. With TLS (--tls-cert) it serves HTTPS, like
 * the client port: it carries publish and metrics bearer tokens too.
 */
import type { AddressInfo } from 'node:net';
import {
  createNodeServer,
  HANDSHAKE_TIMEOUT_MS,
  type HttpRequest,
  type HttpResponse,
  type NodeServer,
  type TransportTls,
} from '../gateway/transport';

const MAX_BODY = 1024 * 1024;

export type HttpHandler = (req: HttpRequest) => Promise<HttpResponse>;

export class HttpServer {
  private readonly server: NodeServer;

  constructor(handle: HttpHandler, tls?: TransportTls) {
    this.server = createNodeServer({}, tls, HANDSHAKE_TIMEOUT_MS, (req, res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      req.on('data', (c: Buffer) => {
        size += c.length;
        if (size > MAX_BODY) {
          res.writeHead(413).end();
          req.destroy();
          return;
        }
        chunks.push(c);
      });
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://x');
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
        handle({
          method: req.method ?? 'GET',
          path: url.pathname,
          query: url.searchParams,
          headers,
          body: Buffer.concat(chunks),
          remoteAddress: req.socket.remoteAddress ?? '',
        }).then(
          (r) => res.writeHead(r.status, r.headers).end(r.body),
          () => res.writeHead(500).end(),
        );
      });
    });
  }

  listen(host: string, port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => resolve((this.server.address() as AddressInfo).port));
    });
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
