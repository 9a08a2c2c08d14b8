import { Limits } from './limits';

describe('Limits', () => {
  it('gives a worker longer to drain than its own drain takes, so the main does not cut it short', () => {
    expect(Limits.workerDrainTimeoutMs).toBeGreaterThan(Limits.drainTimeoutMs);
  });

  it('lets a client ping at least once more before it counts as idle', () => {
    expect(Limits.idleHeartbeats).toBeGreaterThan(1);
  });

  it('allows a burst at least the rate, so a steady client at the rate is never refused', () => {
    expect(Limits.rateBurst).toBeGreaterThanOrEqual(Limits.ratePerSec);
  });

  it('lets another datacenter miss at least two refreshes before its count sums go', () => {
    expect(Limits.countDcExpiryIntervals).toBeGreaterThan(2 * Limits.countRefreshIntervals);
  });
});
