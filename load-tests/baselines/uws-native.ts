/**
 * Baseline: raw uWebSockets.js with its native topic publish. No actors, no batching of our own:
 * the fastest thing Node can do for this workload, i.e. troupe's physical limit on this machine.
 *
 * Speaks just enough of PROTOCOL.md for the load generator: `hello` on open, `sub` -> native
 * subscribe + `ack {id, epoch, seq, recovered}`, and a TCP publisher port (4-byte length +
 * msgpack) where each `pub` becomes one `ev` with a per-topic `seq`, encoded once and handed to
 * `app.publish`.
 *
 *   node dist/load-tests/baselines/uws-native.js --port 0 --publish-port 0 [--host 127.0.0.1]
 *     [--procs N]   (N processes sharing the ws port, see uws-group.ts)
 */
import { randomBytes } from 'node:crypto';
import uWS from 'uWebSockets.js';
import { packr, unpackr } from '../generator/framing';
import { parseBaselineArgs, startPublishPort, topicSeq } from './publish-port';
import { startUwsGroup } from './uws-group';

const EPOCH = randomBytes(6).toString('hex');
const PROTOCOLS = ['troupe.v1.msgpack'] as const;
/** Per-socket send buffer bound; past it uWS skips the socket for that publish (a visible gap). */
const MAX_BACKPRESSURE = 1 << 20;

interface Conn {
  readonly id: string;
}

let connCounter = 0;

function main(): void {
  const args = parseBaselineArgs(process.argv.slice(2));
  if (args.procs > 1) {
    startUwsGroup(args, __filename).catch((err: unknown) => {
      process.stderr.write(`uws-native: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    });
    return;
  }
  // A child of a group goes with its parent.
  if (process.send !== undefined) process.on('disconnect', () => process.exit(0));
  const app = uWS.App();
  app.ws<Conn>('/v1/ws', {
    compression: uWS.DISABLED,
    maxPayloadLength: 64 * 1024,
    maxBackpressure: MAX_BACKPRESSURE,
    idleTimeout: 120,
    sendPingsAutomatically: true,
    upgrade: (res, req, context) => {
      const offered = req
        .getHeader('sec-websocket-protocol')
        .split(',')
        .map((s) => s.trim());
      const chosen = offered.find((p) => (PROTOCOLS as readonly string[]).includes(p)) ?? '';
      res.upgrade<Conn>(
        { id: `c${++connCounter}` },
        req.getHeader('sec-websocket-key'),
        chosen,
        req.getHeader('sec-websocket-extensions'),
        context,
      );
    },
    open: (ws) => {
      ws.send(
        packr.pack({
          op: 'hello',
          v: 1,
          conn: ws.getUserData().id,
          node: 'uws-native',
          hb: 25_000,
        }),
        true,
      );
    },
    message: (ws, message) => {
      let msg: { op?: unknown; id?: unknown; topic?: unknown };
      try {
        // Copy: the ArrayBuffer is neutered when this handler returns.
        msg = unpackr.unpack(Buffer.from(message.slice(0))) as typeof msg;
      } catch {
        ws.end(4000, 'undecodable frame');
        return;
      }
      if (msg.op === 'sub' && typeof msg.topic === 'string') {
        ws.subscribe(msg.topic);
        ws.send(
          packr.pack({
            op: 'ack',
            id: msg.id,
            epoch: EPOCH,
            seq: topicSeq.get(msg.topic) ?? 0,
            recovered: false,
          }),
          true,
        );
      } else if (msg.op === 'unsub' && typeof msg.topic === 'string') {
        ws.unsubscribe(msg.topic);
        ws.send(packr.pack({ op: 'ack', id: msg.id }), true);
      } else if (msg.op === 'ping') {
        ws.send(packr.pack({ op: 'pong', id: msg.id }), true);
      } else {
        ws.send(
          packr.pack({ op: 'err', id: msg.id, code: 400, msg: 'unsupported by this baseline' }),
          true,
        );
      }
    },
  });

  app.listen(args.host, args.port, (token) => {
    if (token === false) {
      process.stderr.write(`cannot listen on ${args.host}:${args.port}\n`);
      process.exit(1);
    }
    process.stdout.write(`listening ws ${args.host}:${uWS.us_socket_local_port(token)}\n`);
    startPublishPort(args, (topic, seq, data) => {
      app.publish(topic, packr.pack({ op: 'ev', topic, seq, epoch: EPOCH, data }), true);
    });
  });
}

main();
