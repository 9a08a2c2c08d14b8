import { linkStats, mutableLinkStats } from './link-stats';

describe('linkStats', () => {
  it('returns a snapshot that later counting does not change', () => {
    const before = linkStats();
    mutableLinkStats.framesIn++;
    expect(linkStats().framesIn).toBe(before.framesIn + 1);
    expect(before.framesIn).toBe(linkStats().framesIn - 1);
    mutableLinkStats.framesIn--;
  });

  it('names every counter /metrics exports', () => {
    expect(Object.keys(linkStats()).sort()).toEqual(
      [
        'authFailures',
        'bytesIn',
        'bytesOut',
        'droppedSends',
        'framesIn',
        'framesOut',
        'protocolDrops',
        'reconnects',
        'refused',
        'up',
      ].sort(),
    );
  });
});
