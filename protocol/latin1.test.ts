import { writeLatin1 } from './latin1';

describe('writeLatin1', () => {
  // Every byte value, at lengths either side of the loop/native switch, at an offset.
  it.each([0, 1, 23, 24, 25, 70, 256, 1000])('copies %i chars byte for byte', (n) => {
    const bytes = Buffer.from(Array.from({ length: n }, (_, i) => (i * 37 + 11) & 0xff));
    const s = bytes.toString('latin1');
    const out = Buffer.alloc(n + 10, 0xee);
    expect(writeLatin1(out, 5, s)).toBe(5 + n);
    expect(out.subarray(5, 5 + n).equals(bytes)).toBe(true);
    expect([...out.subarray(0, 5), ...out.subarray(5 + n)]).toEqual(Array(10).fill(0xee));
  });

  it('copies a part of the string (a record split over two chunks)', () => {
    const bytes = Buffer.from(Array.from({ length: 100 }, (_, i) => 255 - i));
    const s = bytes.toString('latin1');
    const out = Buffer.alloc(100);
    let at = writeLatin1(out, 0, s, 0, 30);
    at = writeLatin1(out, at, s, 30, 10);
    at = writeLatin1(out, at, s, 40, 60);
    expect(at).toBe(100);
    expect(out.equals(bytes)).toBe(true);
  });
});
