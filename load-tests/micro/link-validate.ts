/**
 * Micro-benchmark (not a test): ns to validate one received link item (`parseLinkMsg`), per
 * event of an `ev` message of 1,000 events (what a gateway or a worker checks for every event
 * the dispatcher sends it) and per item of a `count-report` of 1,000 items (what the count
 * owner checks for every topic whose count a gateway reports).
 *
 *   npm run build && node dist/load-tests/micro/link-validate.js [rounds]
 *
 * Events as the many-topics scenario has them (`data: {t, pad}`), 500 topics. After a warm-up,
 * each round times 500 messages of each kind; the median over rounds is printed. Compare two
 * builds by running each one's copy in turn.
 */
import { parseLinkMsg } from '../../dispatcher/link/link-validate';
import type { FieldMap } from '../../protocol';

const EVENTS = 1000;
const PER_ROUND = 500;

const ev: FieldMap = {
  op: 'ev',
  events: Array.from({ length: EVENTS }, (_, i) => ({
    topic: `li.${i % 500}`,
    seq: i + 1,
    epoch: 'ab12cd34',
    data: { t: 1.5, pad: 'x'.repeat(20) },
    t0: 1234.5,
  })),
};
const report: FieldMap = {
  op: 'count-report',
  items: Array.from({ length: EVENTS }, (_, i) => [`li.${i}`, i % 10, 1]),
};

/** µs per message of `raw` over `n` parses; throws if one is refused. */
function time(raw: FieldMap, sender: 'dispatcher' | 'gateway', n: number): number {
  const receiver = sender === 'dispatcher' ? 'gateway' : 'dispatcher';
  const t = process.hrtime.bigint();
  for (let k = 0; k < n; k++) {
    const r = parseLinkMsg(raw, sender, receiver);
    if (!r.ok) throw new Error(r.why);
  }
  return Number(process.hrtime.bigint() - t) / n / 1000;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

const rounds = Number(process.argv[2] ?? 5);
for (let w = 0; w < 3; w++) {
  time(ev, 'dispatcher', 200);
  time(report, 'gateway', 200);
}
const evUs: number[] = [];
const reportUs: number[] = [];
for (let r = 0; r < rounds; r++) {
  evUs.push(time(ev, 'dispatcher', PER_ROUND));
  reportUs.push(time(report, 'gateway', PER_ROUND));
}
const ns = (us: number): string => ((us * 1000) / EVENTS).toFixed(1);
console.log(
  `ev: ${ns(median(evUs))} ns per event; count-report: ${ns(median(reportUs))} ns per item ` +
    `(median of ${rounds} rounds of ${PER_ROUND} messages of ${EVENTS})`,
);
