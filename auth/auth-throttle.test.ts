import { addressKey, AuthThrottle } from './auth-throttle';

describe('AuthThrottle', () => {
  describe('#allow', () => {
    it('allows an address that never failed', () => {
      expect(new AuthThrottle().allow('10.0.0.1', 0)).toBe(true);
    });

    it('allows a burst of failures, then refuses the address', () => {
      const t = new AuthThrottle({ burst: 3, refillPerSec: 1 });
      for (let i = 0; i < 3; i++) {
        expect(t.allow('10.0.0.1', 0)).toBe(true);
        t.fail('10.0.0.1', 0);
      }
      expect(t.allow('10.0.0.1', 0)).toBe(false);
    });

    it('allows one more attempt per refill interval once the burst is spent', () => {
      const t = new AuthThrottle({ burst: 2, refillPerSec: 1 });
      t.fail('a', 0);
      t.fail('a', 0);
      expect(t.allow('a', 999)).toBe(false);
      expect(t.allow('a', 1000)).toBe(true);
      t.fail('a', 1000);
      expect(t.allow('a', 1500)).toBe(false);
      expect(t.allow('a', 2000)).toBe(true);
    });

    it('throttles each address on its own', () => {
      const t = new AuthThrottle({ burst: 1 });
      t.fail('a', 0);
      expect(t.allow('a', 0)).toBe(false);
      expect(t.allow('b', 0)).toBe(true);
    });

    it('forgets an address once its bucket has refilled', () => {
      const t = new AuthThrottle({ burst: 2, refillPerSec: 1 });
      t.fail('a', 0);
      expect(t.size).toBe(1);
      expect(t.allow('a', 1000)).toBe(true);
      expect(t.size).toBe(0);
    });

    it('never refills past the burst', () => {
      const t = new AuthThrottle({ burst: 2, refillPerSec: 1 });
      t.fail('a', 0);
      t.fail('a', 3_600_000);
      t.fail('a', 3_600_000);
      expect(t.allow('a', 3_600_000)).toBe(false);
    });

    it('counts the addresses of one IPv6 /64 together', () => {
      const t = new AuthThrottle({ burst: 2 });
      t.fail('2001:db8:1:2::1', 0);
      t.fail('2001:db8:1:2:ffff::9', 0);
      expect(t.allow('2001:db8:1:2::77', 0)).toBe(false);
      expect(t.allow('2001:db8:1:3::1', 0)).toBe(true);
    });
  });

  describe('#fail', () => {
    it('holds at most maxAddresses, evicting the least recently failing', () => {
      const t = new AuthThrottle({ burst: 1, maxAddresses: 3 });
      for (const ip of ['a', 'b', 'c']) t.fail(ip, 0);
      t.fail('a', 0); // a fails again: now the most recent
      t.fail('d', 0);
      expect(t.size).toBe(3);
      expect(t.allow('b', 0)).toBe(true); // evicted
      expect(t.allow('a', 0)).toBe(false);
      expect(t.allow('c', 0)).toBe(false);
      expect(t.allow('d', 0)).toBe(false);
    });

    it('stays within its bound under a flood of distinct addresses', () => {
      const t = new AuthThrottle({ maxAddresses: 100 });
      for (let i = 0; i < 10_000; i++) t.fail(`10.0.${i >> 8}.${i & 255}`, i);
      expect(t.size).toBe(100);
    });
  });
});

describe('addressKey', () => {
  it.each([
    ['an IPv4 address as is', '192.0.2.7', '192.0.2.7'],
    ['an IPv4-mapped IPv6 address as IPv4', '::ffff:192.0.2.7', '192.0.2.7'],
    [
      'a full IPv6 address by its /64',
      '2001:0db8:0000:0001:0002:0003:0004:0005',
      '2001:db8:0:1::/64',
    ],
    ['a compressed IPv6 address by its /64', '2001:db8::1', '2001:db8:0:0::/64'],
    ['loopback ::1', '::1', '0:0:0:0::/64'],
    ['a zone index away', 'fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['garbage as itself', 'not:an::ip::x', 'not:an::ip::x'],
  ])('keeps %s', (_what, ip, key) => {
    expect(addressKey(ip)).toBe(key);
  });
});
