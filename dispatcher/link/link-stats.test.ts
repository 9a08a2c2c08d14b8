import { newLinkStats } from './link-stats';

describe('newLinkStats', () => {
  it('returns a zeroed set of its own at each call', () => {
    const a = newLinkStats();
    a.framesIn++;
    expect(newLinkStats().framesIn).toBe(0);
    expect(Object.values(newLinkStats()).every((v) => v === 0)).toBe(true);
  });

  it('names every counter /metrics exports', () => {
    expect(Object.keys(newLinkStats()).sort()).toEqual(
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
