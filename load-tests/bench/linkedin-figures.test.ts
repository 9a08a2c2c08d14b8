import {
  causeOf,
  classifyShortfall,
  formatLinkedin,
  Limit,
  marginalFigures,
  memoryFigures,
  type ConnectOutcome,
  type LinkedinFigures,
} from './linkedin-figures';

const GB = 1024 ** 3;
const outcome = (o: Partial<ConnectOutcome>): ConnectOutcome => ({
  target: 100_000,
  ready: 100_000,
  closeReasons: {},
  serverAlive: true,
  memAvailableBytes: 20 * GB,
  memTotalBytes: 24 * GB,
  generatorCpuCores: 0.5,
  serverCpuCores: 0.5,
  cores: 2,
  loadAvg1: 1,
  listenOverflows: 0,
  ...o,
});

describe('causeOf', () => {
  it('names the limit behind each close reason the generator tallies', () => {
    expect(causeOf('socket error: connect EMFILE ADDR - Local (127.0.0.2:0)')).toBe(
      Limit.GeneratorFds,
    );
    expect(causeOf('upgrade refused: HTTP/1.1 503 Service Unavailable')).toBe(Limit.ServerFds);
    expect(causeOf('socket error: connect EADDRNOTAVAIL ADDR')).toBe(Limit.SourcePorts);
    expect(causeOf('socket error: connect ETIMEDOUT ADDR')).toBe(Limit.ConnectTimeouts);
    expect(causeOf('server closed 1001 idle')).toBe(Limit.Other);
  });
});

describe('classifyShortfall', () => {
  it('is null when every connection was held', () => {
    expect(classifyShortfall(outcome({}))).toBeNull();
  });

  it('names the cause that cost the most connections, with the count held', () => {
    const s = classifyShortfall(
      outcome({
        ready: 90_000,
        closeReasons: {
          'upgrade refused: HTTP/1.1 503 Service Unavailable': 9000,
          'socket error: read ECONNRESET': 1000,
        },
      }),
    );
    expect(s).toEqual({
      limit: Limit.ServerFds,
      heldAt: 90_000,
      byCause: { [Limit.ServerFds]: 9000, [Limit.Other]: 1000 },
    });
  });

  it('counts connections neither held nor closed as connect timeouts', () => {
    const s = classifyShortfall(
      outcome({ ready: 60_000, closeReasons: { 'socket error: EMFILE': 100 } }),
    );
    expect(s?.limit).toBe(Limit.ConnectTimeouts);
    expect(s?.byCause).toEqual({ [Limit.ConnectTimeouts]: 39_900, [Limit.GeneratorFds]: 100 });
  });

  it('blames the generator CPU for timeouts when it took the larger part of a saturated machine', () => {
    const busy = { ready: 60_000, generatorCpuCores: 1.2, serverCpuCores: 0.7 };
    expect(classifyShortfall(outcome(busy))?.limit).toBe(Limit.GeneratorCpu);
    expect(classifyShortfall(outcome({ ...busy, serverCpuCores: 1.3 }))?.limit).toBe(
      Limit.ConnectTimeouts,
    );
    expect(
      classifyShortfall(outcome({ ...busy, generatorCpuCores: 0.6, serverCpuCores: 0.4 }))?.limit,
    ).toBe(Limit.ConnectTimeouts);
    // Busy by other work on the machine counts too, unless the server's accept queues overflowed.
    const loaded = { ...busy, generatorCpuCores: 0.6, serverCpuCores: 0.4, loadAvg1: 12 };
    expect(classifyShortfall(outcome(loaded))?.limit).toBe(Limit.GeneratorCpu);
    expect(classifyShortfall(outcome({ ...loaded, listenOverflows: 25 }))?.limit).toBe(
      Limit.ConnectTimeouts,
    );
  });

  it('says memory when the machine ran out of it, whatever the connections saw', () => {
    const s = classifyShortfall(
      outcome({
        ready: 70_000,
        serverAlive: false,
        memAvailableBytes: 0.5 * GB,
        closeReasons: { 'socket error: read ECONNRESET': 30_000 },
      }),
    );
    expect(s?.limit).toBe(Limit.Memory);
    expect(
      classifyShortfall(outcome({ ready: 70_000, serverAlive: false, closeReasons: {} }))?.limit,
    ).toBe(Limit.ServerExited);
  });
});

describe('memoryFigures', () => {
  it('charges each connection what the tree grew by over its fixed cost', () => {
    expect(
      memoryFigures({
        fixedBytes: 700 * 1048576,
        processes: 8,
        heldBytes: 700 * 1048576 + 150_000_000,
        connections: 100_000,
      }),
    ).toEqual({ fixedMB: 700, fixedPerProcessMB: 87.5, heldMB: 843.1, bytesPerConnection: 1500 });
  });

  it('has no per-connection figure without connections', () => {
    expect(
      memoryFigures({ fixedBytes: 1, processes: 0, heldBytes: 2, connections: 0 })
        .bytesPerConnection,
    ).toBeNull();
  });
});

describe('marginalFigures', () => {
  const MB = 1048576;
  /** A tree that cost `warm` MB once warm and `per` bytes a connection, sampled every 10%. */
  const line = (warm: number, per: number, jump = 0): { connections: number; rssBytes: number }[] =>
    Array.from({ length: 11 }, (_, i) => {
      const connections = i * 10_000;
      // The first connections also compile the code they run: `jump` more, once.
      return { connections, rssBytes: warm * MB + per * connections + (i > 0 ? jump : 0) };
    });

  it('is the slope of RSS over connections held in the middle of the connect phase', () => {
    expect(marginalFigures(line(700, 1900), 100_000)).toEqual({
      bytesPerConnection: 1900,
      warmFixedMB: 700,
    });
  });

  it('leaves what the first connections cost once in the warm fixed cost, not in the slope', () => {
    // 15 MB at the first sample: over the idle tree that is 150 B more per connection.
    expect(marginalFigures(line(700, 1900, 15 * MB), 100_000)).toEqual({
      bytesPerConnection: 1900,
      warmFixedMB: 715,
    });
  });

  it('fits a noisy line by least squares, with samples outside 20-90% of the target left out', () => {
    const samples = line(700, 2000).map((s, i) => ({
      ...s,
      rssBytes: s.rssBytes + (i % 2 === 0 ? 1 : -1) * 0.5 * MB,
    }));
    // A sample past 90% (settling garbage at the end of the storm) is not fitted.
    samples.push({ connections: 95_000, rssBytes: 2000 * MB });
    const m = marginalFigures(samples, 100_000)!;
    expect(Math.abs(m.bytesPerConnection - 2000)).toBeLessThan(60);
    expect(Math.abs(m.warmFixedMB - 700)).toBeLessThan(3);
  });

  it('has no figure without enough of the connect phase sampled', () => {
    expect(marginalFigures([], 100_000)).toBeNull();
    expect(marginalFigures(line(700, 1900).slice(0, 4), 100_000)).toBeNull();
    // Three samples, but all within a fifth of the target.
    const close = [20_000, 25_000, 30_000].map((c) => ({ connections: c, rssBytes: c * 2000 }));
    expect(marginalFigures(close, 100_000)).toBeNull();
  });
});

describe('formatLinkedin', () => {
  const f: LinkedinFigures = {
    target: 100_000,
    held: 61_000,
    serverProcesses: 8,
    generatorProcesses: 7,
    connectSeconds: 30.5,
    connectsPerSec: 2000,
    connectP99Ms: 850,
    rssFixedMB: 700,
    rssFixedPerProcessMB: 87.5,
    rssHeldMB: 850,
    bytesPerConnection: 1500,
    marginalBytesPerConnection: 1400,
    rssWarmFixedMB: 710.5,
    rssAfterFlowMB: 900,
    maxFdsPerProcess: 17_000,
    flowSeconds: 60,
    limit: Limit.ServerFds,
  };

  it('prints what was held, its cost over the fixed cost, and what stopped it', () => {
    const line = formatLinkedin('troupe', f);
    expect(line).toMatch(/^troupe 61000\/100000 held on 8 server processes/);
    expect(line).toContain('2000 connects/s (30.5 s, p99 850.0ms)');
    expect(line).toContain('RSS 850 MB = 700 MB fixed (87.5 MB/process) + 1500 B/connection');
    expect(line).toContain('each added connection 1400 B over 710.5 MB warm');
    expect(line).toMatch(/stopped by: file descriptors \(server\)$/);
    expect(formatLinkedin('troupe', { ...f, limit: null })).toMatch(/nothing \(target held\)$/);
  });
});
