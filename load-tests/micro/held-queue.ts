/**
 * Micro-benchmark (not a test): ns per entry to queue N `(log, seq)` entries and take them all
 * off again, as two growing arrays (HistoryBudget's queue before) against HeldQueue's chunks.
 *
 *   npm run build && node --max-semi-space-size=4 dist/load-tests/micro/held-queue.js [rounds]
 *
 * N = 1,000,000 entries over 2,000 logs, about what a node holds at the default 256 MiB of
 * small events. Rounds alternate the two; the median per side is printed.
 */
import { HeldQueue } from '../../dispatcher/held-queue';

const N = 1_000_000;
const logs = Array.from({ length: 2000 }, (_, i) => ({ i }));

function arrays(): number {
  let q: ({ i: number } | undefined)[] = [];
  const seqs: number[] = [];
  for (let i = 0; i < N; i++) {
    q.push(logs[i % 2000]);
    seqs.push(i);
  }
  let sum = 0;
  for (let i = 0; i < N; i++) {
    sum += seqs[i]!;
    q[i] = undefined;
  }
  q = [];
  return sum + q.length;
}

function chunks(): number {
  const q = new HeldQueue<{ i: number }>();
  for (let i = 0; i < N; i++) q.push(logs[i % 2000]!, i);
  let sum = 0;
  while (q.size > 0) {
    sum += q.frontSeq();
    q.shift();
  }
  return sum;
}

function nsPerEntry(f: () => number): number {
  const t = process.hrtime.bigint();
  f();
  return Number(process.hrtime.bigint() - t) / N;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const rounds = Number(process.argv[2] ?? 9);
const a: number[] = [];
const b: number[] = [];
for (let r = 0; r < rounds; r++) {
  a.push(nsPerEntry(arrays));
  b.push(nsPerEntry(chunks));
}
console.log(
  `arrays ${median(a).toFixed(0)} ns/entry, chunks ${median(b).toFixed(0)} ns/entry ` +
    `(${rounds} rounds, medians)`,
);
