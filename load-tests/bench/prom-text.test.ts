import { metricValue } from './prom-text';

const TEXT = [
  '# HELP troupe_events_routed_total Events forwarded to gateways',
  '# TYPE troupe_events_routed_total counter',
  'troupe_events_routed_total 1234',
  'troupe_events_routed_total_extra 99',
  'troupe_links_up{peer="g1"} 1',
  'troupe_links_up{peer="g2",role="gateway"} 1',
  'troupe_big 1.5e+6 1700000000000',
  'troupe_nan NaN',
  '',
].join('\n');

describe('metricValue', () => {
  it('reads an unlabeled sample and ignores longer names sharing the prefix', () => {
    expect(metricValue(TEXT, 'troupe_events_routed_total')).toBe(1234);
  });

  it('sums the series of a labeled metric', () => {
    expect(metricValue(TEXT, 'troupe_links_up')).toBe(2);
  });

  it('reads exponent notation and ignores a trailing timestamp', () => {
    expect(metricValue(TEXT, 'troupe_big')).toBe(1_500_000);
  });

  it('reads one series when given its name with labels exactly as exposed', () => {
    expect(metricValue(TEXT, 'troupe_links_up{peer="g1"}')).toBe(1);
    expect(metricValue(TEXT, 'troupe_links_up{peer="g3"}')).toBeNull();
  });

  it('is null for a missing metric, comments only, or a non-finite value', () => {
    expect(metricValue(TEXT, 'troupe_missing')).toBeNull();
    expect(metricValue('# HELP troupe_x x\n# TYPE troupe_x counter\n', 'troupe_x')).toBeNull();
    expect(metricValue(TEXT, 'troupe_nan')).toBeNull();
  });
});
