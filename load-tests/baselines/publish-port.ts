/**
 * The publisher TCP port every baseline shares (PROTOCOL.md §3): 4-byte big-endian length +
 * msgpack `{op:'pub', topic, data, id?}` (or an array of them). Each pub gets the topic's next
 * `seq` and is handed to the baseline's `deliver`; with an `id` the reply is `{op:'ack', id, seq}`.
 */
import * as net from 'node:net';
import { encodeFrame, FrameReader, unpackr } from '../generator/framing';

export type Deliver = (topic: string, seq: number, data: unknown) => void;

export interface BaselineArgs {
  host: string;
  port: number;
  publishPort: number;
  /** uws-native only: processes sharing the ws port (1: this process alone). */
  procs: number;
}

export function parseBaselineArgs(argv: readonly string[]): BaselineArgs {
  const args: BaselineArgs = { host: '127.0.0.1', port: 7070, publishPort: 7071, procs: 1 };
  for (let i = 0; i + 1 < argv.length; i += 2) {
    const v = argv[i + 1] as string;
    if (argv[i] === '--host') args.host = v;
    else if (argv[i] === '--port') args.port = Number(v);
    else if (argv[i] === '--publish-port') args.publishPort = Number(v);
    else if (argv[i] === '--procs')
      args.procs = Math.min(64, Math.max(1, Math.floor(Number(v)) || 1));
  }
  return args;
}

/** Per-topic sequence numbers, shared by the publisher port and the sub acks. */
export const topicSeq = new Map<string, number>();

interface PubMessage {
  op?: unknown;
  id?: unknown;
  topic?: unknown;
  data?: unknown;
}

/** Listens, prints `listening publish H:P`, and stops the process on SIGTERM/SIGINT. */
export function startPublishPort(args: BaselineArgs, deliver: Deliver): net.Server {
  const server = net.createServer((socket) => {
    socket.setNoDelay(true);
    const reader = new FrameReader();
    socket.on('data', (chunk: Buffer) => {
      let bodies: Buffer[];
      try {
        bodies = reader.push(chunk);
      } catch {
        socket.destroy();
        return;
      }
      const replies: Buffer[] = [];
      for (const body of bodies) {
        let value: unknown;
        try {
          value = unpackr.unpack(body);
        } catch {
          socket.destroy();
          return;
        }
        for (const m of (Array.isArray(value) ? value : [value]) as PubMessage[]) {
          if (m.op !== 'pub' || typeof m.topic !== 'string') {
            if (m.id !== undefined)
              replies.push(encodeFrame({ op: 'err', id: m.id, code: 400, msg: 'expected pub' }));
            continue;
          }
          const seq = (topicSeq.get(m.topic) ?? 0) + 1;
          topicSeq.set(m.topic, seq);
          deliver(m.topic, seq, m.data);
          if (m.id !== undefined) replies.push(encodeFrame({ op: 'ack', id: m.id, seq }));
        }
      }
      if (replies.length > 0) socket.write(Buffer.concat(replies));
    });
    socket.on('error', () => socket.destroy());
  });
  server.listen(args.publishPort, args.host, () => {
    const addr = server.address() as net.AddressInfo;
    process.stdout.write(`listening publish ${args.host}:${addr.port}\n`);
  });
  const stop = (): void => process.exit(0);
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  return server;
}
