import { formatAddress, packAddress, unpackAddress } from './address';

describe('packAddress', () => {
  it('packs a dotted IPv4 address into one integer that prints back as the same text', () => {
    for (const text of ['127.0.0.1', '0.0.0.0', '255.255.255.255', '10.20.30.40', '192.168.1.9']) {
      const packed = packAddress(text);
      expect(typeof packed).toBe('number');
      expect(unpackAddress(packed)).toBe(text);
    }
  });

  it('packs distinct addresses to distinct integers', () => {
    expect(packAddress('127.0.0.2')).not.toBe(packAddress('127.0.0.3'));
    expect(packAddress('1.2.3.4')).not.toBe(packAddress('4.3.2.1'));
  });

  it('keeps as text whatever would not print back exactly', () => {
    for (const text of [
      '',
      '::1',
      '::ffff:127.0.0.1',
      '127.0.0',
      '127.0.0.1.5',
      '127..0.1',
      '.127.0.0.1',
      '127.0.0.1.',
      '256.0.0.1',
      '1.2.3.1000',
      '01.2.3.4',
      '1.2.3.04',
      '1.2.3.x',
      ' 1.2.3.4',
    ]) {
      expect(packAddress(text)).toBe(text);
      expect(unpackAddress(packAddress(text))).toBe(text);
    }
  });

  it('packs what formatAddress prints for a 4-byte address', () => {
    const raw = new Uint8Array([203, 0, 113, 7]).buffer;
    const text = formatAddress(raw);
    expect(unpackAddress(packAddress(text))).toBe('203.0.113.7');
    expect(typeof packAddress(text)).toBe('number');
  });
});
