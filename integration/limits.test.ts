/**
 * PROTOCOL.md §11 bounds against the real `troupe start`: --max-connections on both
 * transports, and the publisher port's partial-frame deadline.
 */
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { decodePayload, encodeFrame, FrameDecoder } from '../protocol';
import { freePort, metric, startNode, TestClient, type Node } from './harness';
import { eventually } from '../testing/eventually';

const MAX = 2;

describe.each(['uws', 'ws'])('limits over %s', (transport) => {
  let node: Node;

  beforeAll(async () => {
    node = await startNode([
      '--transport',
      transport,
      '--max-connections',
      String(MAX),
      '--publisher-frame-timeout-ms',
      '300',
    ]);
  });
  afterAll(() => node.stop());

  it('answers 503 past --max-connections, keeps /healthz, and accepts again after a close', async () => {
    const clients = [await TestClient.connect(node.ws), await TestClient.connect(node.ws)];
    await expect(TestClient.connect(node.ws)).rejects.toThrow(/503/);
    expect((await fetch(`${node.http}/healthz`)).status).toBe(200);
    expect(await metric(node, 'troupe_bad_input_total{kind="max_connections"}')).toBe(1);

    clients[0]!.close();
    await eventually(async () => {
      try {
        clients.push(await TestClient.connect(node.ws));
        return true;
      } catch {
        return false;
      }
    });
    for (const c of clients) c.close();
  });

  it('closes a publisher connection holding a partial frame past its deadline', async () => {
    const socket = net.connect(node.publishPort, '127.0.0.1');
    const decoder = new FrameDecoder();
    const replies: unknown[] = [];
    socket.on('data', (chunk: Buffer) => {
      for (const p of decoder.push(chunk)) replies.push(decodePayload(p));
    });
    const closed = new Promise<number>((resolve) =>
      socket.once('close', () => resolve(Date.now())),
    );
    await new Promise((resolve) => socket.once('connect', resolve));
    const started = Date.now();
    socket.write(encodeFrame({ op: 'pub', topic: 't', data: 'x'.repeat(100) }).subarray(0, 20));
    expect((await closed) - started).toBeLessThan(2000);
    expect(replies).toEqual([expect.objectContaining({ op: 'err', code: 400 })]);
    expect(await metric(node, 'troupe_publisher_bad_input_total{kind="frame_timeout"}')).toBe(1);
  });
});

/** CPU time (user + system) a process has used, in ms (Linux clock ticks are 10 ms). */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

async function healthz(node: Node): Promise<number | string> {
  try {
    return (await fetch(`${node.http}/healthz`, { signal: AbortSignal.timeout(2000) })).status;
  } catch (err) {
    return (err as Error).name;
  }
}

// uWS alone spins on accept() at EMFILE (libuv, under the ws transport, does not).
describe('out of file descriptors (uws, ulimit -n 300)', () => {
  let node: Node;

  beforeAll(async () => {
    // An explicit port: the listener is closed and reopened on it (see gateway/transport/accept-guard.ts).
    node = await startNode(['--port', String(await freePort())], {}, undefined, 300);
  });
  afterAll(() => node.stop());

  it('stays idle instead of spinning while idle TCP connections hold every descriptor, and serves again after', async () => {
    const raw: net.Socket[] = [];
    for (let i = 0; i < 320; i++) {
      const s = net.connect(Number(new URL(node.http).port), '127.0.0.1');
      s.on('error', () => undefined);
      raw.push(s);
    }
    await new Promise((r) => setTimeout(r, 500));
    const before = cpuMs(node.proc.pid!);
    await new Promise((r) => setTimeout(r, 1000));
    expect(cpuMs(node.proc.pid!) - before).toBeLessThan(300);

    for (const s of raw) s.destroy();
    await eventually(async () => (await healthz(node)) === 200, 5000);
    const c = await TestClient.connect(node.ws);
    c.close();
  });
});
