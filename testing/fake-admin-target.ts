/**
 * An in-memory AdminTarget for tests: a fixed actor tree, recorded calls, and switches to
 * make each method throw or hang.
 */
import type { AdminTarget, AdminTopics, DrainProgress, TreeNode } from '../admin/admin-target';

export function actor(path: string, kind: string, children?: TreeNode[]): TreeNode {
  const name = path.slice(path.lastIndexOf('/') + 1) || '/';
  const node: TreeNode = {
    path,
    name,
    kind,
    status: 'running',
    mailbox: 0,
    processed: 0,
    restarts: 0,
  };
  if (children !== undefined) node.children = children;
  return node;
}

export function sampleTree(): TreeNode {
  return actor('/user', 'guardian', [
    actor('/user/gateway', 'gateway', [
      actor('/user/gateway/router-0', 'router', [
        actor('/user/gateway/router-0/conn-1', 'connection', [
          actor('/user/gateway/router-0/conn-1/x', 'timer'),
        ]),
      ]),
      actor('/user/gateway/router-1', 'router', []),
    ]),
    actor('/user/presence', 'presence', []),
  ]);
}

/** /user with a gateway of `connections` connection actors beside 2 topic routers. */
export function wideTree(connections: number): TreeNode {
  const conns = Array.from({ length: connections }, (_, i) =>
    actor(`/user/gateway/conn-${i}`, 'connection', []),
  );
  const routers = [0, 1].map((i) => actor(`/user/gateway/router-${i}`, 'topic-router', []));
  return actor('/user', 'guardian', [actor('/user/gateway', 'gateway', [...routers, ...conns])]);
}

function find(node: TreeNode, path: string): TreeNode | undefined {
  if (node.path === path) return node;
  for (const child of node.children ?? []) {
    const found = find(child, path);
    if (found) return found;
  }
  return undefined;
}

export class FakeAdminTarget implements AdminTarget {
  readonly calls: string[] = [];
  root: TreeNode = sampleTree();
  statsValue: Record<string, unknown> = { connections: 3, topics: { count: 2, bytes: 10 } };
  failWith: Error | undefined;
  /** Milliseconds each call waits before answering; lets tests check ordering. */
  delays: Record<string, number> = {};
  drained = false;
  /** What each drain call answers, in turn (the last one repeats): clients still connected. */
  drainClients: number[] = [0];

  private async enter(method: string, arg?: string): Promise<void> {
    this.calls.push(arg === undefined ? method : `${method} ${arg}`);
    const delay = this.delays[method];
    if (delay !== undefined) await new Promise((r) => setTimeout(r, delay));
    if (this.failWith) throw this.failWith;
  }

  async tree(path: string | undefined, depth: number | undefined): Promise<TreeNode | undefined> {
    await this.enter('tree', `${path} ${depth}`);
    return find(this.root, path ?? '/user');
  }

  async stats(): Promise<Record<string, unknown>> {
    await this.enter('stats');
    return this.statsValue;
  }

  async inspect(path: string): Promise<Record<string, unknown> | undefined> {
    await this.enter('inspect', path);
    const node = find(this.root, path);
    return node ? { path: node.path, kind: node.kind, state: { subs: 2 } } : undefined;
  }

  async stop(path: string): Promise<boolean> {
    await this.enter('stop', path);
    return find(this.root, path) !== undefined;
  }

  async drain(): Promise<DrainProgress> {
    await this.enter('drain');
    this.drained = true;
    const clients =
      this.drainClients.length > 1 ? this.drainClients.shift()! : this.drainClients[0]!;
    return { clients };
  }

  /** Rows `topics` answers from (all of them: the server must cut them to `top`). */
  topicRows: Record<string, unknown>[] = [
    { topic: 'news', subscribers: 7, seq: 12, events: 12, bytes: 900 },
    { topic: 'chat', subscribers: 2, seq: 3, events: 3, bytes: 120 },
  ];

  async topics(top: number): Promise<AdminTopics> {
    await this.enter('topics', String(top));
    return { total: this.topicRows.length, topics: this.topicRows };
  }

  async topic(name: string): Promise<Record<string, unknown> | undefined> {
    await this.enter('topic', name);
    const row = this.topicRows.find((r) => r.topic === name);
    return row && { ...row, owner: 'n1', epoch: 'e1', gateways: { g1: row.subscribers } };
  }

  async undrain(): Promise<boolean> {
    await this.enter('undrain');
    const was = this.drained;
    this.drained = false;
    return was;
  }
}
