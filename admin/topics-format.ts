/**
 * `troupe admin topics` for people: one aligned row per topic, a dash where the node does not
 * know a column (a gateway has no seq; a dispatcher's subscribers come from its count owner).
 */
const COLUMNS = ['topic', 'subscribers', 'seq', 'events', 'bytes', 'gateways', 'epoch'] as const;

function cell(value: unknown): string {
  return value === undefined || value === null ? '-' : String(value);
}

export function formatTopics(rows: readonly Record<string, unknown>[], total: number): string {
  if (rows.length === 0) return 'no topics';
  const table = [
    COLUMNS.map((c) => c.toUpperCase()),
    ...rows.map((r) => COLUMNS.map((c) => cell(r[c]))),
  ];
  const widths = COLUMNS.map((_, i) => Math.max(...table.map((line) => line[i]!.length)));
  const lines = table.map((line) =>
    line
      .map((v, i) => v.padEnd(widths[i]!))
      .join('  ')
      .trimEnd(),
  );
  if (total > rows.length) lines.push(`… ${total - rows.length} more topics (--top N)`);
  return lines.join('\n');
}
