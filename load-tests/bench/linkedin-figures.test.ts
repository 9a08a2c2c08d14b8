import {
  causeOf,
  classifyShortfall,
  formatLinkedin,
  Limit,
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
    expect(line).toMatch(/stopped by: file descriptors \(server\)$/);
    expect(formatLinkedin('troupe', { ...f, limit: null })).toMatch(/nothing \(target held\)$/);
  });
});
