/**
 * The uws-native baseline over several processes (`--procs N`, load-tests/baselines/uws-group.ts),
 * which linkedin-node holds 100,000 connections with: N children share the ws port, and the
 * parent's publish port relays every publisher's bytes to every child and hands back child 0's
 * replies only. What a client and a publisher see must be what one uws-native process gives.
 */
import * as net from 'node:net';
import * as path from 'node:path';
import { startServer, type RunningServer } from '../load-tests/bench/server-process';
import { TestClient, TestPublisher } from './harness';

const SCRIPT = path.join(__dirname, '..', 'dist', 'load-tests', 'baselines', 'uws-native.js');

function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1', () => {
      s.destroy();
      resolve(false);
    });
    s.on('error', () => resolve(true));
  });
}

describe('uws-native --procs', () => {
  let group: RunningServer;
  let ws: string;

  beforeAll(async () => {
    group = await startServer(
      {
        command: process.execPath,
        args: [SCRIPT, '--host', '127.0.0.1', '--port', '0', '--publish-port', '0', '--procs', '2'],
      },
      ['ws', 'publish'],
    );
    const e = group.endpoint('ws');
    ws = `ws://${e.host}:${e.port}/v1/ws`;
  });
  afterAll(async () => {
    await group.stop();
  });

  it('gives every subscriber on any child every event once, in order, and the publisher one ack each', async () => {
    // Each child numbers its connections from c1: a repeated id means a second child serves
    // some of them. The kernel spreads by a hash of the addresses, so connect until it shows.
    const clients: TestClient[] = [];
    const ids = new Set<unknown>();
    while (clients.length < 32 && ids.size === clients.length) {
      const c = await TestClient.connect(ws, { protocol: 'troupe.v1.msgpack' });
      clients.push(c);
      ids.add(c.hello.conn);
    }
    expect(ids.size).toBeLessThan(clients.length);
    for (const c of clients) {
      expect(await c.request({ op: 'sub', id: 1, topic: 'g' })).toMatchObject({ op: 'ack' });
    }
    const pub = await TestPublisher.connect(group.endpoint('publish').port);
    const n = 50;
    pub.send(Array.from({ length: n }, (_, i) => ({ op: 'pub', id: i + 1, topic: 'g', data: i })));
    for (const c of clients) {
      const evs = await c.events('g', n);
      expect(evs.map((e) => e.data)).toEqual(Array.from({ length: n }, (_, i) => i));
      expect(evs.map((e) => e.seq)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
    }
    for (let i = 1; i <= n; i++) {
      expect(await pub.reply((m) => m.id === i)).toMatchObject({ op: 'ack', seq: i });
    }
    await new Promise((r) => setTimeout(r, 200));
    expect(pub.replies).toEqual([]); // the other child's acks are not passed on
    for (const c of clients) {
      expect(c.messages.filter((m) => m.op === 'ev')).toEqual([]); // nothing twice
      c.close();
    }
    pub.close();
  });

  it('takes its children down with it: the shared port is free once it stops', async () => {
    const port = group.endpoint('ws').port;
    expect(await refused(port)).toBe(false);
    await group.stop();
    let free = false;
    for (let i = 0; i < 50 && !free; i++) {
      free = await refused(port);
      if (!free) await new Promise((r) => setTimeout(r, 100));
    }
    expect(free).toBe(true);
  });
});
