/**
 * Micro-benchmark (not a test): ns per msgpack encode of the fan-out's frames, troupe's general
 * Packr (`packMsgpack`, `skipValues: [undefined]`, msgpackr's slow map writer) against the one
 * for `ev` and `presence` frames (`packMsgpackEvents`, `variableMapSize: true`).
 *
 *   npm run build && node dist/load-tests/micro/ev-encode.js [rounds]
 *
 * Shapes, as the many-topics scenario sends them: `one` is a single `ev` map
 * `{op, topic, seq, epoch, data: {t: <float>, pad: <45 chars>}}`, `three` an array of 3 of them
 * (a batch frame). Each round encodes N distinct messages of a shape with each Packr, the two
 * alternated and interleaved so drift hits both; the median over rounds is printed. Before
 * timing, the two Packrs' bytes are compared for every message (they must be identical).
 */
import { packMsgpack, packMsgpackEvents } from '../../protocol/msgpack';

const N = 20_000;
const PAD = 'x'.repeat(45);
const EPOCH = 'a1b2c3d4';

type Pack = (value: unknown) => Buffer;

function evMsg(i: number): unknown {
  return {
    op: 'ev',
    topic: `t${i % 2000}`,
    seq: i + 1,
    epoch: EPOCH,
    data: { t: Date.now() + Math.random(), pad: PAD },
  };
}

const SHAPES: { readonly name: string; readonly values: unknown[] }[] = [
  { name: 'one', values: Array.from({ length: N }, (_, i) => evMsg(i)) },
  {
    name: 'three',
    values: Array.from({ length: N }, (_, i) => [evMsg(3 * i), evMsg(3 * i + 1), evMsg(3 * i + 2)]),
  },
];

/** Keeps the encoder's output observable, so no run can be optimized away. */
let sink = 0;

function nsPerEncode(pack: Pack, values: unknown[]): number {
  const start = process.hrtime.bigint();
  for (let i = 0; i < values.length; i++) sink += pack(values[i]).length;
  return Number(process.hrtime.bigint() - start) / values.length;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

function main(): void {
  const rounds = Number(process.argv[2] ?? 15);
  for (const shape of SHAPES) {
    for (const v of shape.values) {
      if (!packMsgpack(v).equals(packMsgpackEvents(v)))
        throw new Error(`${shape.name}: bytes differ`);
    }
  }
  const out: Record<string, { general: number; events: number; ratio: number; bytes: number }> = {};
  for (const shape of SHAPES) {
    const general: number[] = [];
    const events: number[] = [];
    // Warm-up: both writers compiled by the optimizing tier before anything is timed.
    for (let w = 0; w < 3; w++) {
      nsPerEncode(packMsgpack, shape.values);
      nsPerEncode(packMsgpackEvents, shape.values);
    }
    for (let r = 0; r < rounds; r++) {
      if (r % 2 === 0) {
        general.push(nsPerEncode(packMsgpack, shape.values));
        events.push(nsPerEncode(packMsgpackEvents, shape.values));
      } else {
        events.push(nsPerEncode(packMsgpackEvents, shape.values));
        general.push(nsPerEncode(packMsgpack, shape.values));
      }
    }
    const g = median(general);
    const e = median(events);
    const bytes = packMsgpack(shape.values[0]).length;
    out[shape.name] = { general: g, events: e, ratio: e / g, bytes };
    console.log(
      `${shape.name}: general ${g.toFixed(0)} ns, events ${e.toFixed(0)} ns per encode ` +
        `(${((1 - e / g) * 100).toFixed(1)}% less), ${bytes} bytes, identical; ` +
        `general ${Math.min(...general).toFixed(0)}-${Math.max(...general).toFixed(0)}, ` +
        `events ${Math.min(...events).toFixed(0)}-${Math.max(...events).toFixed(0)}`,
    );
  }
  console.log(JSON.stringify({ rounds, n: N, shapes: out, sink: sink > 0 }));
}

main();
