import { fmtAxis, logDomain, logTicks, renderChart, type ChartRow } from './chart-svg';

const row: ChartRow = {
  title: 'hot-topic',
  series: [
    {
      system: 'troupe',
      points: [
        { offered: 100, deliveriesPerSec: 200_000, p99Ms: 5 },
        { offered: 1000, deliveriesPerSec: 2_000_000, p99Ms: 80 },
      ],
    },
    {
      system: 'a<b>',
      points: [
        { offered: 100, deliveriesPerSec: 150_000, p99Ms: null },
        { offered: 250, deliveriesPerSec: 100_000, p99Ms: 900 },
      ],
    },
  ],
};

describe('chart-svg', () => {
  describe('#logTicks', () => {
    it('gives 1-2-5 ticks over few decades and decades only over many', () => {
      expect(logTicks(10, 100)).toEqual([10, 20, 50, 100]);
      expect(logTicks(1, 1e6)).toEqual([1, 10, 100, 1000, 10000, 100000, 1000000]);
    });
  });

  describe('#logDomain', () => {
    it('widens to whole decades and ignores non-positive values', () => {
      expect(logDomain([25, 6000, 0])).toEqual([10, 10000]);
    });

    it('gives a decade for a single power of ten and [1, 10] for nothing', () => {
      expect(logDomain([100])).toEqual([100, 1000]);
      expect(logDomain([])).toEqual([1, 10]);
    });
  });

  describe('#fmtAxis', () => {
    it('abbreviates thousands and millions', () => {
      expect([fmtAxis(500), fmtAxis(2000), fmtAxis(1_500_000)]).toEqual(['500', '2k', '1.5M']);
    });
  });

  describe('#renderChart', () => {
    const svg = renderChart([row, { ...row, title: 'many-topics' }], 'run x');

    it('draws one line per system in each of the two panels of each row', () => {
      expect(svg.startsWith('<svg ')).toBe(true);
      expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
      expect(svg.match(/<polyline /g)).toHaveLength(2 * 2 * 2);
      expect(svg).toContain('hot-topic: deliveries/s');
      expect(svg).toContain('many-topics: p99 latency (ms)');
    });

    it('skips points without a p99 and escapes names', () => {
      // 2 rows x (troupe 2+2 points, other 2+1 points)
      expect(svg.match(/<circle /g)).toHaveLength(2 * 7);
      expect(svg).toContain('a&lt;b&gt;');
      expect(svg).not.toContain('a<b>');
    });

    it('marks the 100 ms capacity bound', () => {
      expect(svg).toContain('100 ms');
    });
  });
});
