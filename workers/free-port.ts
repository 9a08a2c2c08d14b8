/**
 * A free TCP port on `host`, for workers that must share one explicit port: uWebSockets.js sets
 * SO_REUSEPORT only when it is given a port, so `--port 0` is resolved here, once, by the main.
 * Another process could take the port between this probe and the first worker's bind; the
 * worker then fails to listen and the node fails to start, loudly.
 */
import net from 'node:net';

export function pickFreePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen({ host, port: 0, exclusive: true }, () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => (port > 0 ? resolve(port) : reject(new Error('no port assigned'))));
    });
  });
}
