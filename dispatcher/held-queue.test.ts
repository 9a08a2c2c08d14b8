import { CHUNK, HeldQueue } from './held-queue';

interface Log {
  readonly name: string;
}

const a: Log = { name: 'a' };
const b: Log = { name: 'b' };

/** Every entry, front first, emptying the queue. */
function drain(q: HeldQueue<Log>): [string, number][] {
  const out: [string, number][] = [];
  for (let log = q.frontLog(); log !== undefined; log = q.frontLog()) {
    out.push([log.name, q.frontSeq()]);
    q.shift();
  }
  return out;
}

describe('HeldQueue', () => {
  it('is empty at first: no front, NaN seq, shift does nothing', () => {
    const q = new HeldQueue<Log>();
    expect(q.size).toBe(0);
    expect(q.frontLog()).toBeUndefined();
    expect(q.frontSeq()).toBeNaN();
    q.shift();
    expect(q.size).toBe(0);
  });

  it('gives entries back in push order across chunk boundaries', () => {
    const q = new HeldQueue<Log>();
    const n = CHUNK * 2 + 10;
    for (let i = 0; i < n; i++) q.push(i % 2 === 0 ? a : b, i + 1);
    expect(q.size).toBe(n);
    const out = drain(q);
    expect(out).toHaveLength(n);
    expect(out.every(([name, seq], i) => seq === i + 1 && name === (i % 2 === 0 ? 'a' : 'b'))).toBe(
      true,
    );
    expect(q.size).toBe(0);
  });

  it('keeps going when pushes and shifts interleave past many chunks', () => {
    const q = new HeldQueue<Log>();
    let next = 1;
    let expected = 1;
    // A sliding window of ~1,000 entries moved through 100 chunks: the chunk list is trimmed.
    for (let round = 0; round < 100 * CHUNK; round++) {
      q.push(a, next++);
      if (q.size > 1000) {
        expect(q.frontSeq()).toBe(expected++);
        q.shift();
      }
    }
    expect(q.size).toBe(1000);
    expect(drain(q).map(([, s]) => s)).toEqual(
      Array.from({ length: 1000 }, (_, i) => expected + i),
    );
  });

  it('holds seqs past 32 bits exactly', () => {
    const q = new HeldQueue<Log>();
    q.push(a, 2 ** 40 + 1);
    expect(q.frontSeq()).toBe(2 ** 40 + 1);
  });

  it('keeps only the entries it is told to, in order, and lets the rest go', () => {
    const q = new HeldQueue<Log>();
    for (let i = 0; i < CHUNK + 5; i++) q.push(i % 3 === 0 ? a : b, i);
    q.shift(); // the front chunk starts part way in
    q.keep((log, seq) => log === a || seq > CHUNK);
    const out = drain(q);
    expect(out.every(([name, seq]) => name === 'a' || seq > CHUNK)).toBe(true);
    expect(out.map(([, s]) => s)).toEqual([...out.map(([, s]) => s)].sort((x, y) => x - y));
    expect(out[0]).toEqual(['a', 3]);
    const wanted = Array.from({ length: CHUNK + 4 }, (_, i) => i + 1).filter(
      (seq) => seq % 3 === 0 || seq > CHUNK,
    );
    expect(out.map(([, s]) => s)).toEqual(wanted);
  });
});
