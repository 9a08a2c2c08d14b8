/**
 * Baseline: Socket.IO 4 with one room per topic, what most Node teams run today. Default
 * settings except what keeps the comparison fair: websocket transport only (the generator does
 * not long-poll), no per-message deflate, no served client bundle.
 *
 * Same contract as the other baselines for the load generator: connecting (`40`) is the greeting,
 * `sub` is an emit with an ack (`42<k>["sub",topic]` -> join the room -> ack `{epoch, seq,
 * recovered}`), and the shared publisher TCP port turns each `pub` into
 * `io.to(topic).emit('ev', {topic, seq, epoch, data})`.
 *
 *   node dist/load-tests/baselines/socketio.js --port 0 --publish-port 0 [--host 127.0.0.1]
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { parseBaselineArgs, startPublishPort, topicSeq } from './publish-port';

const EPOCH = randomBytes(6).toString('hex');

type SubAck = (body: { epoch: string; seq: number; recovered: boolean }) => void;

function main(): void {
  const args = parseBaselineArgs(process.argv.slice(2));
  const http = createServer();
  const io = new Server(http, {
    transports: ['websocket'],
    serveClient: false,
    perMessageDeflate: false,
    maxHttpBufferSize: 64 * 1024,
  });
  io.on('connection', (socket) => {
    socket.on('sub', (topic: unknown, ack: unknown) => {
      if (typeof topic !== 'string') return;
      void socket.join(topic);
      if (typeof ack === 'function')
        (ack as SubAck)({ epoch: EPOCH, seq: topicSeq.get(topic) ?? 0, recovered: false });
    });
    socket.on('unsub', (topic: unknown, ack: unknown) => {
      if (typeof topic === 'string') void socket.leave(topic);
      if (typeof ack === 'function') (ack as () => void)();
    });
  });
  http.listen(args.port, args.host, () => {
    const { port } = http.address() as AddressInfo;
    process.stdout.write(`listening ws ${args.host}:${port}\n`);
    startPublishPort(args, (topic, seq, data) => {
      io.to(topic).emit('ev', { topic, seq, epoch: EPOCH, data });
    });
  });
}

main();
