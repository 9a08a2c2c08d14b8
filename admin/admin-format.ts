/**
 * Admin answers for people: an actor tree drawn with box characters and aligned columns, and
 * flat `key: value` lines for stats and inspected actors.
 */
import type { TreeNode } from './admin-target';

interface Row {
  label: string;
  node?: TreeNode;
}

function moreLine(prefix: string, hidden: number, shown: number): Row {
  const what = shown > 0 ? 'more children' : hidden === 1 ? 'child' : 'children';
  return { label: `${prefix}└─ … ${hidden} ${what}` };
}

/** A wide node below the root: `… 250 children (connection: 250); --path P lists them`. */
function summaryLine(prefix: string, node: TreeNode): Row {
  return {
    label: `${prefix}└─ … ${node.childCount ?? 0} children (${kindList(node)}); --path ${node.path} lists them`,
  };
}

function kindList(node: TreeNode): string {
  return Object.entries(node.childKinds ?? {})
    .map(([k, n]) => `${k}: ${n}`)
    .join(', ');
}

/** `… 980 more of 1000 children (connection: 998, topic-router: 2); page 1 of 50 (--page, --all)` */
function pagedLine(prefix: string, node: TreeNode, shown: number): Row {
  const total = node.childCount ?? 0;
  const limit = node.limit ?? Math.max(1, shown);
  const pages = Math.max(1, Math.ceil(total / limit));
  const kinds = kindList(node);
  const hidden = Math.max(0, total - shown);
  return {
    label:
      `${prefix}└─ … ${hidden} more of ${total} children (${kinds}); ` +
      `page ${node.page ?? 1} of ${pages} (--page, --all)`,
  };
}

function collect(node: TreeNode, prefix: string, rows: Row[]): void {
  const children = node.children ?? [];
  const paged = node.childKinds !== undefined;
  const hidden = Math.max(0, (node.childCount ?? 0) - children.length);
  children.forEach((child, i) => {
    const last = i === children.length - 1 && hidden === 0 && !paged;
    rows.push({ label: `${prefix}${last ? '└─ ' : '├─ '}${child.name}`, node: child });
    collect(child, `${prefix}${last ? '   ' : '│  '}`, rows);
  });
  if (paged && node.children === undefined) rows.push(summaryLine(prefix, node));
  else if (paged) rows.push(pagedLine(prefix, node, children.length));
  else if (hidden > 0) rows.push(moreLine(prefix, hidden, children.length));
}

/**
 * One line per actor: the root by its path, the others by name under their parent, then
 * aligned `kind= status= mailbox= processed= restarts=` columns. Children cut off by depth
 * (`childCount`) show as `… N children`.
 */
export function formatTree(root: TreeNode): string {
  const rows: Row[] = [{ label: root.path, node: root }];
  collect(root, '', rows);
  const actors = rows.flatMap((r) => (r.node ? [r.node] : []));
  const widest = (f: (n: TreeNode) => string): number =>
    Math.max(...actors.map((n) => f(n).length));
  // Summary rows carry no columns: they do not widen the label column.
  const labelWidth = Math.max(...rows.filter((r) => r.node).map((r) => r.label.length)) + 2;
  const kindWidth = widest((n) => n.kind);
  const statusWidth = widest((n) => n.status);
  const mailboxWidth = widest((n) => String(n.mailbox));
  const processedWidth = widest((n) => String(n.processed));
  return rows
    .map(({ label, node }) => {
      if (node === undefined) return label;
      const cols = [
        `kind=${node.kind.padEnd(kindWidth)}`,
        `status=${node.status.padEnd(statusWidth)}`,
        `mailbox=${String(node.mailbox).padEnd(mailboxWidth)}`,
        `processed=${String(node.processed).padEnd(processedWidth)}`,
        `restarts=${node.restarts}`,
      ];
      return `${label.padEnd(labelWidth)}${cols.join('  ')}`;
    })
    .join('\n');
}

function flatten(value: unknown, key: string, out: [string, string][]): void {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const entries = Object.entries(value);
    if (entries.length === 0) out.push([key, '{}']);
    for (const [k, v] of entries) flatten(v, `${key}.${k}`, out);
  } else if (typeof value === 'string' || typeof value === 'bigint' || value === undefined) {
    out.push([key, String(value)]);
  } else {
    out.push([key, JSON.stringify(value)]);
  }
}

/** `key: value` lines with the values aligned; nested objects become dotted keys. */
export function formatStats(stats: Record<string, unknown>): string {
  const pairs: [string, string][] = [];
  for (const [k, v] of Object.entries(stats)) flatten(v, k, pairs);
  const width = Math.max(0, ...pairs.map(([k]) => k.length)) + 1;
  return pairs.map(([k, v]) => `${`${k}:`.padEnd(width)} ${v}`).join('\n');
}
