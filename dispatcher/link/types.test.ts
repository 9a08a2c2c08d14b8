import { newLinkStats } from './link-stats';
import { LINK_DEFAULTS, resolveLinkOptions } from './types';

describe('resolveLinkOptions', () => {
  const base = {
    self: { node: 'n', role: 'gateway', dc: 'd' },
    secret: undefined,
    maxFrame: 1024,
    log: () => undefined,
    stats: newLinkStats(),
  } as const;

  it('fills the defaults of the options not given', () => {
    expect(resolveLinkOptions(base)).toMatchObject({
      ...LINK_DEFAULTS,
      maxFrame: 1024,
      secret: undefined,
    });
    expect(LINK_DEFAULTS).toEqual({
      heartbeatMs: 1000,
      deadAfterMs: 3000,
      sendQueueLimit: 8 * 1024 * 1024,
      handshakeTimeoutMs: 5000,
      acceptTimeoutMs: 2000,
      maxPendingPerAddress: 64,
    });
  });

  it('keeps the options given', () => {
    expect(
      resolveLinkOptions({
        ...base,
        heartbeatMs: 10,
        deadAfterMs: 30,
        sendQueueLimit: 5,
        handshakeTimeoutMs: 7,
        acceptTimeoutMs: 8,
        maxPendingPerAddress: 9,
      }),
    ).toMatchObject({
      heartbeatMs: 10,
      deadAfterMs: 30,
      sendQueueLimit: 5,
      handshakeTimeoutMs: 7,
      acceptTimeoutMs: 8,
      maxPendingPerAddress: 9,
    });
  });
});
