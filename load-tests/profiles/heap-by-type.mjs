// Self size by constructor from a .heapsnapshot: node heap-by-type.mjs FILE [top] [divisor]
// With BASE=idle.heapsnapshot: the growth from BASE to FILE instead (e.g. per connection).
import { readFileSync } from 'node:fs';
const [file, topArg, divArg] = process.argv.slice(2);

function tally(path) {
  const snap = JSON.parse(readFileSync(path, 'utf8'));
  const m = snap.snapshot.meta;
  const F = m.node_fields.length;
  const iType = m.node_fields.indexOf('type'),
    iName = m.node_fields.indexOf('name'),
    iSize = m.node_fields.indexOf('self_size');
  const types = m.node_types[0];
  const by = new Map();
  let total = 0;
  for (let i = 0; i < snap.nodes.length; i += F) {
    const t = types[snap.nodes[i + iType]];
    const name =
      t === 'object' || t === 'closure' ? `${t}:${snap.strings[snap.nodes[i + iName]]}` : t;
    const s = snap.nodes[i + iSize];
    total += s;
    const e = by.get(name) ?? [0, 0];
    e[0] += s;
    e[1]++;
    by.set(name, e);
  }
  return { by, total };
}

let { by, total } = tally(file);
if (process.env.BASE) {
  const base = tally(process.env.BASE);
  for (const [k, [s, c]] of base.by) {
    const e = by.get(k) ?? [0, 0];
    by.set(k, [e[0] - s, e[1] - c]);
  }
  console.log(
    `base ${(base.total / 1048576).toFixed(1)} MiB, loaded ${(total / 1048576).toFixed(1)} MiB`,
  );
  total -= base.total;
}
const div = Number(divArg ?? 1);
console.log(`total ${(total / 1048576).toFixed(1)} MiB; per unit ${(total / div).toFixed(0)} B`);
for (const [k, [s, c]] of [...by].sort((a, b) => b[1][0] - a[1][0]).slice(0, Number(topArg ?? 30)))
  console.log(`${(s / div).toFixed(0).padStart(8)} B/unit ${String(c).padStart(8)} objs  ${k}`);
