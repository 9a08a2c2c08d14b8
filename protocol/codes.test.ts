import { CloseCode, Disconnect, type DisconnectName, ErrorCode } from './codes';

describe('ErrorCode', () => {
  it('holds exactly the err codes of the contract', () => {
    expect(Object.values(ErrorCode).sort()).toEqual([400, 401, 403, 404, 409, 413, 429, 500, 503]);
  });
});

describe('CloseCode', () => {
  it('holds exactly the close codes of the contract', () => {
    expect(Object.values(CloseCode).sort()).toEqual([
      1000, 1001, 1007, 1009, 4000, 4001, 4008, 4029,
    ]);
  });
});

describe('Disconnect', () => {
  const names = Object.keys(Disconnect) as DisconnectName[];

  it('uses only contract close codes', () => {
    const allowed = new Set<number>(Object.values(CloseCode));
    for (const name of names) expect(allowed.has(Disconnect[name].code)).toBe(true);
  });

  it('keeps every reason a valid close reason (non-empty, at most 123 UTF-8 bytes)', () => {
    for (const name of names) {
      const { reason } = Disconnect[name];
      expect(reason.length).toBeGreaterThan(0);
      expect(Buffer.byteLength(reason, 'utf8')).toBeLessThanOrEqual(123);
    }
  });

  it('gives every entry its own reason text so logs tell them apart', () => {
    const reasons = names.map((n) => Disconnect[n].reason);
    expect(new Set(reasons).size).toBe(reasons.length);
  });

  it('gives every entry its own metric label so the disconnect series stay apart', () => {
    const labels = names.map((n) => Disconnect[n].label);
    expect(new Set(labels).size).toBe(labels.length);
  });

  it('keeps the metric labels dashboards select on', () => {
    expect(Disconnect.Shutdown.label).toBe('server_shutting_down');
    expect(Disconnect.IdleTimeout.label).toBe('idle_timeout');
    expect(Disconnect.InvalidPayload.label).toBe('invalid_utf8');
    expect(Disconnect.TooLarge.label).toBe('frame_too_large');
    expect(Disconnect.Undecodable.label).toBe('undecodable_frame');
    expect(Disconnect.SlowConsumer.label).toBe('slow_consumer');
    expect(Disconnect.RateLimited.label).toBe('rate_limit_exceeded');
  });

  it('maps the contract cases to their codes', () => {
    expect(Disconnect.Normal.code).toBe(1000);
    expect(Disconnect.Shutdown.code).toBe(1001);
    expect(Disconnect.IdleTimeout.code).toBe(1001);
    expect(Disconnect.InvalidPayload.code).toBe(1007);
    expect(Disconnect.TooLarge.code).toBe(1009);
    expect(Disconnect.Undecodable.code).toBe(4000);
    expect(Disconnect.AuthFailed.code).toBe(4001);
    expect(Disconnect.TokenExpired.code).toBe(4001);
    expect(Disconnect.SlowConsumer.code).toBe(4008);
    expect(Disconnect.RateLimited.code).toBe(4029);
  });
});
