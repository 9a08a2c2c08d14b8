/**
 * Hand-written SVG chart of the rate-ladder scenarios: per scenario one row of two panels,
 * deliveries/s against offered load and p99 latency against offered load, one line per system.
 * Both axes are logarithmic (offered rates span 25..6000, deliveries 1e4..1e7). The p99 panel
 * draws the capacity bound (100 ms) as a dashed line. No dependency, no script, no fonts.
 */

export interface ChartPoint {
  readonly offered: number;
  readonly deliveriesPerSec: number;
  readonly p99Ms: number | null;
}

export interface ChartSeries {
  readonly system: string;
  readonly points: readonly ChartPoint[];
}

export interface ChartRow {
  readonly title: string;
  readonly series: readonly ChartSeries[];
  /** A line under the row's panels (e.g. cross-node: what the hop adds at equal rate). */
  readonly note?: string;
}

const COLORS: Record<string, string> = {
  troupe: '#d62728',
  'uws-native': '#1f77b4',
  socketio: '#2ca02c',
};
const PALETTE = ['#9467bd', '#8c564b', '#e377c2', '#7f7f7f'];

const W = 960;
const ROW_H = 330;
const PANEL_W = 400;
const PANEL_H = 230;
const PAD_L = 70;
const GAP = 80;
const TOP = 50;

export function colorOf(system: string, i: number): string {
  return COLORS[system] ?? PALETTE[i % PALETTE.length] ?? '#000';
}

/** 1, 2, 5 x 10^k inside [min, max] (min > 0); at least the two decade bounds around them. */
export function logTicks(min: number, max: number): number[] {
  const out: number[] = [];
  const lo = Math.floor(Math.log10(min));
  const hi = Math.ceil(Math.log10(max));
  const steps = hi - lo > 3 ? [1] : [1, 2, 5];
  for (let k = lo; k <= hi; k++)
    for (const m of steps) {
      const v = m * 10 ** k;
      if (v >= min * 0.999 && v <= max * 1.001) out.push(Number(v.toPrecision(6)));
    }
  return out;
}

/** Axis domain for a log scale: whole decades around the data (a single value gets a decade). */
export function logDomain(values: readonly number[]): [number, number] {
  const v = values.filter((x) => x > 0 && Number.isFinite(x));
  if (v.length === 0) return [1, 10];
  const lo = 10 ** Math.floor(Math.log10(Math.min(...v)));
  let hi = 10 ** Math.ceil(Math.log10(Math.max(...v)));
  if (hi <= lo) hi = lo * 10;
  return [lo, hi];
}

export function fmtAxis(v: number): string {
  if (v >= 1e6) return `${+(v / 1e6).toFixed(1)}M`;
  if (v >= 1e3) return `${+(v / 1e3).toFixed(1)}k`;
  return `${+v.toFixed(2)}`;
}

function esc(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

const scaleLog =
  ([d0, d1]: [number, number], r0: number, r1: number) =>
  (v: number): number =>
    r0 + ((Math.log10(v) - Math.log10(d0)) / (Math.log10(d1) - Math.log10(d0))) * (r1 - r0);

interface Panel {
  readonly x0: number;
  readonly y0: number;
  readonly title: string;
  readonly yDomain: [number, number];
  readonly yLabel: (v: number) => string;
  readonly value: (p: ChartPoint) => number | null;
  readonly threshold?: number;
}

function panel(p: Panel, xDomain: [number, number], series: readonly ChartSeries[]): string[] {
  const sx = scaleLog(xDomain, p.x0, p.x0 + PANEL_W);
  const sy = scaleLog(p.yDomain, p.y0 + PANEL_H, p.y0);
  const out: string[] = [
    `<text x="${p.x0}" y="${p.y0 - 8}" font-size="13">${esc(p.title)}</text>`,
    `<rect x="${p.x0}" y="${p.y0}" width="${PANEL_W}" height="${PANEL_H}" fill="none" stroke="#999"/>`,
  ];
  for (const t of logTicks(...p.yDomain)) {
    const y = sy(t).toFixed(1);
    out.push(
      `<line x1="${p.x0}" x2="${p.x0 + PANEL_W}" y1="${y}" y2="${y}" stroke="#eee"/>`,
      `<text x="${p.x0 - 6}" y="${y}" font-size="10" text-anchor="end" dominant-baseline="middle">${p.yLabel(t)}</text>`,
    );
  }
  for (const t of logTicks(...xDomain)) {
    const x = sx(t).toFixed(1);
    out.push(
      `<line x1="${x}" x2="${x}" y1="${p.y0}" y2="${p.y0 + PANEL_H}" stroke="#eee"/>`,
      `<text x="${x}" y="${p.y0 + PANEL_H + 14}" font-size="10" text-anchor="middle">${fmtAxis(t)}</text>`,
    );
  }
  out.push(
    `<text x="${p.x0 + PANEL_W / 2}" y="${p.y0 + PANEL_H + 30}" font-size="11" text-anchor="middle">offered publishes/s</text>`,
  );
  if (p.threshold !== undefined) {
    const y = sy(p.threshold).toFixed(1);
    out.push(
      `<line x1="${p.x0}" x2="${p.x0 + PANEL_W}" y1="${y}" y2="${y}" stroke="#555" stroke-dasharray="5,4"/>`,
      `<text x="${p.x0 + PANEL_W - 4}" y="${Number(y) - 4}" font-size="10" text-anchor="end">${p.threshold} ms</text>`,
    );
  }
  series.forEach((s, i) => {
    const pts = s.points
      .map((pt) => ({ x: pt.offered, y: p.value(pt) }))
      .filter((pt): pt is { x: number; y: number } => pt.y !== null && pt.y > 0)
      .map((pt) => ({ x: sx(pt.x), y: sy(clamp(pt.y, p.yDomain)) }));
    if (pts.length === 0) return;
    const c = colorOf(s.system, i);
    out.push(
      `<polyline fill="none" stroke="${c}" stroke-width="2" points="${pts.map((q) => `${q.x.toFixed(1)},${q.y.toFixed(1)}`).join(' ')}"/>`,
      ...pts.map(
        (q) => `<circle cx="${q.x.toFixed(1)}" cy="${q.y.toFixed(1)}" r="3" fill="${c}"/>`,
      ),
    );
  });
  return out;
}

function clamp(v: number, [lo, hi]: [number, number]): number {
  return Math.min(hi, Math.max(lo, v));
}

export function renderChart(rows: readonly ChartRow[], subtitle = ''): string {
  const H = TOP + rows.length * ROW_H + 10;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif">`,
    `<rect width="${W}" height="${H}" fill="#fff"/>`,
    `<text x="${PAD_L}" y="22" font-size="15" font-weight="bold">troupe load tests${subtitle === '' ? '' : ` — ${esc(subtitle)}`}</text>`,
  ];
  const systems = [...new Set(rows.flatMap((r) => r.series.map((s) => s.system)))];
  systems.forEach((name, i) => {
    const x = PAD_L + 260 + i * 130;
    out.push(
      `<line x1="${x}" x2="${x + 20}" y1="38" y2="38" stroke="${colorOf(name, i)}" stroke-width="3"/>`,
      `<text x="${x + 26}" y="42" font-size="12">${esc(name)}</text>`,
    );
  });
  rows.forEach((row, r) => {
    const y0 = TOP + r * ROW_H + 40;
    const pts = row.series.flatMap((s) => s.points);
    const xDomain = logDomain(pts.map((p) => p.offered));
    const p99s = pts.map((p) => p.p99Ms).filter((v): v is number => v !== null);
    const p99Domain = logDomain([...p99s, 1, 100]);
    out.push(
      ...panel(
        {
          x0: PAD_L,
          y0,
          title: `${row.title}: deliveries/s`,
          yDomain: logDomain(pts.map((p) => p.deliveriesPerSec)),
          yLabel: fmtAxis,
          value: (p) => p.deliveriesPerSec,
        },
        xDomain,
        row.series,
      ),
      ...panel(
        {
          x0: PAD_L + PANEL_W + GAP,
          y0,
          title: `${row.title}: p99 latency (ms)`,
          yDomain: p99Domain,
          yLabel: fmtAxis,
          value: (p) => p.p99Ms,
          threshold: 100,
        },
        xDomain,
        row.series,
      ),
    );
    if (row.note !== undefined)
      out.push(
        `<text x="${PAD_L}" y="${y0 + PANEL_H + 50}" font-size="11">${esc(row.note)}</text>`,
      );
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}
