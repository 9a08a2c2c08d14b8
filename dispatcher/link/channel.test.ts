import type net from 'node:net';
import { performance } from 'node:perf_hooks';
import { decodePayload, FrameDecoder } from '../../protocol';
import { LinkChannel, tickInterval, WireCounters } from './channel';
import { newLinkStats, type LinkStats } from './link-stats';
import { linkOptions, pub, socketPair, type LogLine } from '../../testing/link-peers';
import { resolveLinkOptions, type LinkOptions } from './types';
import { eventually } from '../../testing/eventually';

const PEER = { node: 'peer', role: 'gateway', dc: 'local' } as const;

describe('LinkChannel', () => {
  let pair: Awaited<ReturnType<typeof socketPair>>;
  let received: unknown[];
  let drops: string[];
  let logs: LogLine[];
  let stats: LinkStats;

  beforeEach(async () => {
    pair = await socketPair();
    stats = newLinkStats();
    received = [];
    drops = [];
    logs = [];
    const decoder = new FrameDecoder(16 * 1024 * 1024);
    pair.b.on('data', (chunk: Buffer) => {
      for (const p of decoder.push(chunk)) received.push(decodePayload(p));
    });
  });
  afterEach(() => pair.close());

  function channel(over: Partial<LinkOptions> = {}, socket: net.Socket = pair.a): LinkChannel {
    const o = resolveLinkOptions(linkOptions('self', { stats, ...over }, logs));
    const ch: LinkChannel = new LinkChannel(
      socket,
      PEER,
      'peer:1',
      'dialed',
      o,
      new WireCounters(o.stats),
      (reason) => {
        ch.markClosed();
        drops.push(reason);
      },
    );
    return ch;
  }

  describe('#send', () => {
    it('writes each message as one frame, in order, coalescing a burst', async () => {
      const ch = channel();
      for (let i = 0; i < 100; i++) expect(ch.send(pub(i))).toBe(true);
      await eventually(() => received.length === 100);
      expect(received).toEqual([...Array(100).keys()].map(pub));
      expect(ch.counters.framesOut).toBe(100);
    });

    it('returns false and counts the drop when the peer stops reading and the queue is full', async () => {
      pair.b.pause();
      const ch = channel({ sendQueueLimit: 256 * 1024 });
      const before = stats.droppedSends;
      const big = { op: 'pub', rid: 0, topic: 't', data: Buffer.alloc(16 * 1024, 1) } as const;
      let refused = false;
      // Bounded: the kernel buffers a few MB at most before the socket's own queue fills.
      for (let turn = 0; turn < 2000 && !refused; turn++) {
        for (let i = 0; i < 16 && !refused; i++) refused = !ch.send(big);
        await new Promise((r) => setImmediate(r));
      }
      expect(refused).toBe(true);
      expect(pair.a.writableLength).toBeLessThanOrEqual(256 * 1024);
      expect(ch.counters.droppedSends).toBeGreaterThan(0);
      expect(stats.droppedSends).toBeGreaterThan(before);
    });

    it('refuses a message larger than maxFrame without writing it', () => {
      const ch = channel({ maxFrame: 100 });
      expect(ch.send({ op: 'pub', rid: 1, topic: 't', data: 'x'.repeat(200) })).toBe(false);
      expect(ch.counters.framesOut).toBe(0);
      expect(logs.some((l) => l.level === 'warn' && l.msg.includes('maxFrame'))).toBe(true);
    });

    it('returns false once the channel is closed', () => {
      const ch = channel();
      ch.close('done');
      expect(ch.send(pub(1))).toBe(false);
    });
  });

  describe('#close', () => {
    it('asks the owner to drop the link once', () => {
      const ch = channel();
      ch.close('a');
      ch.close('b');
      expect(drops).toEqual(['a']);
    });
  });

  describe('#tick', () => {
    it('reports the peer dead once it was silent for deadAfterMs', () => {
      const ch = channel({ deadAfterMs: 3000 });
      const t = performance.now();
      expect(ch.tick(t + 100)).toBe(true);
      expect(ch.tick(t + 3100)).toBe(false);
      ch.touch();
      expect(ch.tick(performance.now() + 100)).toBe(true);
    });

    it('sends a heartbeat only when nothing else left for half a heartbeat', async () => {
      const ch = channel({ heartbeatMs: 1000, deadAfterMs: 1e6 });
      const t = performance.now();
      ch.tick(t + 100);
      expect(ch.counters.framesOut).toBe(0);
      ch.tick(t + 600);
      expect(ch.counters.framesOut).toBe(1);
      ch.send(pub(1));
      ch.tick(t + 1200);
      ch.tick(t + 1300);
      expect(ch.counters.framesOut).toBe(2);
      // Ticks run in turns of their own: let the coalesced writes leave the socket first.
      await eventually(() => pair.a.writableLength === 0);
      ch.tick(t + 1800);
      expect(ch.counters.framesOut).toBe(3);
      await eventually(() => received.length === 3);
      expect(received).toEqual([{ op: 'hb' }, pub(1), { op: 'hb' }]);
    });
  });

  describe('tickInterval', () => {
    it('is half the shortest of heartbeat, silence and handshake deadlines, at least 5 ms', () => {
      const o = (over: Partial<LinkOptions>): number =>
        tickInterval(resolveLinkOptions(linkOptions('x', over)));
      expect(o({ heartbeatMs: 1000, deadAfterMs: 3000, handshakeTimeoutMs: 5000 })).toBe(500);
      expect(o({ heartbeatMs: 1000, deadAfterMs: 3000, handshakeTimeoutMs: 100 })).toBe(50);
      expect(o({ heartbeatMs: 2, deadAfterMs: 3 })).toBe(5);
    });
  });
});
