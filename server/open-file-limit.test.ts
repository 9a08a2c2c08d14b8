import {
  FALLBACK_MAX_CONNECTIONS,
  defaultMaxConnections,
  fileReserve,
  maxConnectionsFor,
  parseOpenFileLimit,
} from './open-file-limit';

const LIMITS = `Limit                     Soft Limit           Hard Limit           Units
Max processes             63704                63704                processes
Max open files            20000                40000                files
Max locked memory         8388608              8388608              bytes
`;

describe(parseOpenFileLimit, () => {
  it('reads the soft limit when /proc/self/limits lists one', () => {
    expect(parseOpenFileLimit(LIMITS)).toBe(20000);
  });

  it('answers undefined when the limit is unlimited or missing', () => {
    expect(parseOpenFileLimit(LIMITS.replace('20000', 'unlimited'))).toBeUndefined();
    expect(parseOpenFileLimit('Limit Soft Hard\n')).toBeUndefined();
  });
});

describe(maxConnectionsFor, () => {
  it('keeps a tenth of a large limit back', () => {
    expect(fileReserve(20000)).toBe(2000);
    expect(maxConnectionsFor(20000)).toBe(18000);
  });

  it('keeps at least 256 back from a small limit, and allows at least one connection', () => {
    expect(maxConnectionsFor(1024)).toBe(768);
    expect(maxConnectionsFor(300)).toBe(44);
    expect(maxConnectionsFor(100)).toBe(1);
  });

  it('falls back to a fixed default when the limit is unknown', () => {
    expect(maxConnectionsFor(undefined)).toBe(FALLBACK_MAX_CONNECTIONS);
  });
});

describe(defaultMaxConnections, () => {
  it('derives a positive bound for this process', () => {
    expect(defaultMaxConnections()).toBeGreaterThan(0);
  });
});
