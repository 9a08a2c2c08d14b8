// Self time by function from a V8 .cpuprofile: node summarize-cpuprofile.mjs FILE [top]
import { readFileSync } from 'node:fs';
const [file, topArg] = process.argv.slice(2);
const prof = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(prof.nodes.map((n) => [n.id, n]));
const self = new Map();
const dts = prof.timeDeltas;
let total = 0;
for (let i = 0; i < prof.samples.length; i++) {
  const n = byId.get(prof.samples[i]);
  const dt = dts[i] ?? 0;
  total += dt;
  const cf = n.callFrame;
  const key = `${cf.functionName || '(anon)'} ${cf.url.replace(/^.*\/(dist|node_modules)\//, '')}:${cf.lineNumber + 1}`;
  self.set(key, (self.get(key) ?? 0) + dt);
}
const rows = [...self].sort((a, b) => b[1] - a[1]).slice(0, Number(topArg ?? 40));
const busy = total - (self.get('(idle) :0') ?? 0);
console.log(`total ${(total / 1e3).toFixed(0)} ms, non-idle ${(busy / 1e3).toFixed(0)} ms`);
for (const [k, t] of rows)
  console.log(
    `${(t / 1e3).toFixed(1).padStart(9)} ms ${((100 * t) / busy).toFixed(1).padStart(5)}%  ${k}`,
  );
