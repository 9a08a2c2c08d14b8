/**
 * A loopback port that was free a moment ago (for servers that must restart on the same one).
 *
 * Picked below Linux's ephemeral range (32768-60999 by default), not with `listen(0)`: a port
 * from that range can be taken between the pick and the server's bind by any outgoing
 * connection's source port (a load generator in the same machine opens thousands), which made
 * a cluster test fail with "port is in use". Random in [20000, 32000), checked by binding it.
 */
import net from 'node:net';

const LOW = 20_000;
const HIGH = 32_000;
const TRIES = 50;

function tryPort(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

export async function freePort(): Promise<number> {
  for (let i = 0; i < TRIES; i++) {
    const port = LOW + Math.floor(Math.random() * (HIGH - LOW));
    if (await tryPort(port)) return port;
  }
  throw new Error(`no free loopback port in [${LOW}, ${HIGH}) after ${TRIES} tries`);
}
