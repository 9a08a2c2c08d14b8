import { Limits } from '../server/limits';
import { ClientLimits } from './limits';

describe('ClientLimits', () => {
  it('paces requests inside the server budget, so a client is never refused with 429', () => {
    expect(ClientLimits.ratePerSec).toBeLessThan(Limits.ratePerSec);
    expect(ClientLimits.rateBurst).toBeLessThan(Limits.rateBurst);
  });

  it('holds no more topics than the server lets one connection hold', () => {
    expect(ClientLimits.maxSubscriptions).toBeLessThanOrEqual(Limits.maxSubscriptions);
  });

  it('bounds every backoff and wait', () => {
    expect(ClientLimits.backoffMaxMs).toBeGreaterThanOrEqual(ClientLimits.backoffBaseMs);
    expect(ClientLimits.maxByeRetryMs).toBeGreaterThanOrEqual(Limits.drainRetryMaxMs);
    expect(ClientLimits.requestTimeoutMs).toBeGreaterThan(Limits.requestTimeoutMs);
  });
});
